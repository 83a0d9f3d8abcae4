/*
 * Pins in the browser: the code of a pinned cell (checked by Python's own
 * parser), reading payloads, plain JSON of decoded data, the snapshot board,
 * and a pinned card drawn by a registered renderer.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { act } from 'react';
import * as React from 'react';

import { isIdentifier, pyLiteral, showCode } from '../pins/code';
import { PinnedCard, provenanceText } from '../pins/card';
import { annotationSource } from '../pins/annotations';
import { cannotPin } from '../pins/pin';
import { payloadView, plainData, readPayload, readPayloads, readThreads } from '../pins/mime';
import { PinnedNotes } from '../pins/notes';
import { SnapshotBoard } from '../pins/snapshotboard';
import { IBoardState } from '../tokens';
import { RENDERERS } from '../views';
import { createRoot, trans } from './render';

const PYTHON = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python');

/** The arguments of the show() call in `code`, as Python reads them (ast.literal_eval). */
function parseCall(code: string): { args: unknown[]; kwargs: Record<string, unknown> } {
  const script = [
    'import ast, json, sys',
    'tree = ast.parse(sys.stdin.read())',
    'call = tree.body[-1].value',
    'assert call.func.attr == "show" and call.func.value.id == "symphony_lab"',
    'args = [a.id if isinstance(a, ast.Name) else ast.literal_eval(a) for a in call.args]',
    'print(json.dumps({"args": args, "kwargs": {k.arg: ast.literal_eval(k.value) for k in call.keywords}}))'
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: code }).toString());
}

describe('the code of a pin', () => {
  it('recreates the view: variables, component, parameters and state', () => {
    const state: IBoardState = {
      filter: [
        { column: 'age', op: 'range', min: 18.5, max: null },
        { column: 'city "quoted" \\ é', op: 'in', values: ['Lyon', null, true, 3] }
      ],
      selection: {
        component: 'confusion',
        variables: ['model', 'X_test', 'y_test'],
        params: {},
        spec: { actual: 1, predicted: 0 },
        label: 'true 1, predicted 0'
      },
      groups: { column: 'sex' }
    };
    const code = showCode('confusion', ['model', 'X_test', 'y_test'], { normalize: false, top: 10 }, state);
    expect(code.startsWith('import symphony_lab\n')).toBe(true);
    const call = parseCall(code);
    expect(call.args).toEqual(['model', 'confusion', 'X_test', 'y_test']);
    expect(call.kwargs).toEqual({
      normalize: false,
      top: 10,
      filter: state.filter,
      selection: state.selection,
      groups: state.groups
    });
  });

  it('writes no state that is not there, and refuses names that are not identifiers', () => {
    expect(showCode('summary', ['df'], {}, { filter: [] })).toBe(
      'import symphony_lab\n\nsymphony_lab.show(df, "summary")'
    );
    expect(() => showCode('summary', ['df; import os'], {}, { filter: [] })).toThrow(
      'is not a Python variable name'
    );
    expect(() => showCode('summary', ['df'], { 'a-b': 1 }, { filter: [] })).toThrow('cannot be written');
    expect(isIdentifier('class')).toBe(false);
    expect(pyLiteral(Number.NaN)).toBe('None');
    expect(pyLiteral('a"\n')).toBe('"a\\"\\n"');
  });
});

describe('payloads', () => {
  const payload = {
    version: 1,
    spec: { component: 'missing', variables: ['df'], params: {}, state: { filter: [] } },
    data: { rows: 3 },
    title: 'Missing values · df',
    summary: 'Missing values in df: 2 of 3 rows complete.',
    provenance: {
      pinned_by: { username: 'ada', display_name: 'Ada L.' },
      pinned_at: '2026-11-27T16:40:00+00:00',
      execution_count: 12,
      library_version: '0.1.0'
    }
  };

  it('are read one or many, and invalid ones are dropped', () => {
    expect(readPayloads(payload)).toHaveLength(1);
    expect(readPayloads({ views: [payload, { spec: {} }, payload] })).toHaveLength(2);
    expect(readPayload({ spec: { component: 'x', variables: [] } })).toBeNull();
    expect(readPayload(null)).toBeNull();
    const read = readPayload(payload)!;
    expect(provenanceText(read.provenance, trans)).toBe(
      'pinned by Ada L. at 2026-11-27 16:40:00 UTC after cell [12]'
    );
  });

  it('carry plain JSON of decoded data (typed arrays, non-finite numbers)', () => {
    expect(
      plainData({ x: new Float32Array([1.5, 2]), y: [Number.NaN, Infinity, 1], z: { w: BigInt(3) } })
    ).toEqual({ x: [1.5, 2], y: [null, null, 1], z: { w: 3 } });
  });

  it('are drawn by the registered renderer, with the local state', () => {
    const renderers = new Map(RENDERERS);
    const data = {
      rows: 3,
      filtered_rows: 3,
      complete_rows: 2,
      columns: [{ name: 'age', missing: 1, fraction: 1 / 3 }],
      patterns: []
    };
    const read = readPayload({ ...payload, data })!;
    const states: IBoardState[] = [];
    const board = new SnapshotBoard({
      views: [payloadView(read, 'pin-0')],
      state: { filter: [] },
      onState: s => states.push(s)
    });
    const node = document.createElement('div');
    const root = createRoot(node);
    const draw = () =>
      root.render(
        <PinnedCard
          view={board.views[0]}
          title={read.title}
          summary={read.summary}
          provenance={read.provenance}
          mode="snapshot"
          board={board}
          renderers={{ get: name => renderers.get(name) ?? null }}
          trans={trans}
        />
      );
    act(draw);
    board.changed.connect(() => act(draw));
    expect(node.querySelector('.jp-SymphonyPin')?.getAttribute('data-mode')).toBe('snapshot');
    expect(node.textContent).toContain('Missing values in df: 2 of 3 rows complete.');
    // The missing-values renderer drew the column (not the generic view).
    expect(node.querySelector('.jp-SymphonyView-generic')).toBeNull();
    expect(node.textContent).toContain('age');

    act(() => board.toggleValue('city', 'Lyon'));
    expect(node.querySelector('.jp-SymphonyPin-chip')?.textContent).toContain('city: Lyon');
    act(() => board.toggleValue('city', 'Nice'));
    act(() => board.toggleValue('city', 'Lyon'));
    expect(states.map(s => s.filter)).toEqual([
      [{ column: 'city', op: 'in', values: ['Lyon'] }],
      [{ column: 'city', op: 'in', values: ['Lyon', 'Nice'] }],
      [{ column: 'city', op: 'in', values: ['Nice'] }]
    ]);
    act(() => (node.querySelector('.jp-SymphonyPin-chipClear') as HTMLButtonElement).click());
    expect(board.state.filter).toEqual([]);
    act(() => root.unmount());
  });
});

describe('where a pin may go', () => {
  const panel = (contents: { writable: boolean } | null, readOnly = false, path = 'a.ipynb', isUntitled?: boolean) =>
    ({
      content: { model: { readOnly } },
      context: { contentsModel: contents, path },
      isUntitled
    }) as any;

  it('says why a notebook cannot take a pin', () => {
    expect(cannotPin(null, trans)).toBe('Open a notebook to pin views into.');
    expect(cannotPin(panel(null), trans)).toContain('has not been saved yet');
    expect(cannotPin(panel({ writable: false }), trans)).toContain('is read-only');
    expect(cannotPin(panel({ writable: true }, true), trans)).toContain('is read-only');
    expect(cannotPin(panel({ writable: true }, false, 'Untitled.ipynb', true), trans)).toContain('has not been saved yet');
    expect(cannotPin(panel({ writable: true }, false, 'Untitled.ipynb', false), trans)).toBeNull();
    expect(cannotPin(panel({ writable: true }), trans)).toBeNull();
  });
});

describe('the comments a pin records', () => {
  const evil = 'look <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> **here**';
  const threads = [
    {
      id: 'a1',
      target: { kind: 'view', label: 'Summary · df' },
      author: { username: 'ada', name: 'Ada Lovelace' },
      created: '2026-11-27T19:20:03+00:00',
      text: evil,
      resolved: true,
      resolved_by: 'bob',
      replies: [
        { id: 'a2', author: { username: 'bob', name: 'Bob' }, created: null, text: 'agreed' },
        { id: 'a3', text: 42 }
      ]
    },
    { id: 'bad', text: null },
    'nope'
  ];

  it('are read field by field; what cannot be read is left out', () => {
    const read = readThreads(threads);
    expect(read).toHaveLength(1);
    expect(read[0].author).toEqual({ username: 'ada', name: 'Ada Lovelace' });
    expect(read[0].resolved).toBe(true);
    expect(read[0].replies.map(r => r.text)).toEqual(['agreed']);
    expect(readThreads({ not: 'a list' })).toEqual([]);
    expect(readPayload({ spec: { component: 'x', variables: ['df'] } })!.annotations).toEqual([]);
  });

  it('are shown under the view as text, never as markup, read-only', () => {
    const node = document.createElement('div');
    const root = createRoot(node);
    act(() =>
      root.render(<PinnedNotes threads={readThreads(threads)} rendermime={null} trans={trans} />)
    );
    const notes = node.querySelectorAll('.jp-SymphonyPinNotes-note');
    expect(notes).toHaveLength(2);
    expect(notes[0].getAttribute('data-author')).toBe('ada');
    expect(notes[1].classList.contains('jp-SymphonyPinNotes-reply')).toBe(true);
    expect(node.querySelector('.jp-SymphonyPinNotes-thread')?.getAttribute('data-resolved')).toBe('true');
    expect(node.textContent).toContain(evil);
    expect(node.querySelector('script, img')).toBeNull();
    expect((window as any).pwned).toBeUndefined();
    expect(node.querySelector('button, textarea, input')).toBeNull();
    act(() => root.render(<PinnedNotes threads={[]} rendermime={null} trans={trans} />));
    expect(node.querySelector('.jp-SymphonyPinNotes')).toBeNull();
    act(() => root.unmount());
  });

  it('come from the board the collaboration plugin has open, by the view\'s id there', () => {
    const view = payloadView(readPayload({ spec: { component: 'summary', variables: ['df'] } })!, 'local-1');
    const host = { session: null as { notebook: string } | null, docIdOf: (id: string) => (id === 'local-1' ? 'doc-9' : null) };
    const source = annotationSource(host);
    expect(source(view)).toBeNull();
    host.session = { notebook: 'team/review.ipynb' };
    expect(source(view)).toEqual({ notebook: 'team/review.ipynb', view: 'doc-9' });
    expect(source({ ...view, id: 'other' })).toEqual({ notebook: 'team/review.ipynb', view: null });
  });
});
