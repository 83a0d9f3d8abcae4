/*
 * Two browsers' boards bound to two replicas of one board document, the
 * replicas exchanging Y updates as jupyter-collaboration's room would: views
 * opened, moved, collapsed and closed on one board appear on the other; a
 * filter, a selection and groups travel as separate keys; two concurrent
 * changes of different keys both stay; a view opened by both at once is one
 * view; nothing a board receives is written back.
 */
import * as Y from 'yjs';

import { BoardModel } from '../../board';
import { BoardBinding } from '../binding';
import { BoardDoc } from '../doc';
import { threadsOf } from '../controller';
import { IAnnotation } from '../tokens';

const KERNEL = 'k1';

/** Two replicas of one document, connected (or not) like two browsers. */
function pair(): { a: BoardDoc; b: BoardDoc; connect: () => void; disconnect: () => void } {
  const a = BoardDoc.create();
  const b = BoardDoc.create();
  let live = true;
  const queue: Array<() => void> = [];
  const relay = (to: BoardDoc) => (update: Uint8Array, origin: unknown) => {
    if (origin === 'remote') {
      return;
    }
    const apply = () => Y.applyUpdate(to.ydoc, update, 'remote');
    if (live) {
      apply();
    } else {
      queue.push(apply);
    }
  };
  a.ydoc.on('update', relay(b));
  b.ydoc.on('update', relay(a));
  return {
    a,
    b,
    connect: () => {
      live = true;
      queue.splice(0).forEach(f => f());
    },
    disconnect: () => {
      live = false;
    }
  };
}

function board(): BoardModel {
  const model = new BoardModel({ debounce: 0 });
  model.setKernel(KERNEL);
  return model;
}

const summary = { component: 'summary', variables: ['df'], params: {} };
const dist = { component: 'distribution', variables: ['df'], params: { column: 'age' } };

describe('BoardBinding', () => {
  it('shares views and their order, collapsing and closing', () => {
    const { a, b } = pair();
    const boardA = board();
    const boardB = board();
    const bindA = new BoardBinding(boardA, a);
    const bindB = new BoardBinding(boardB, b);
    const id = boardA.open(summary)!;
    boardA.open(dist);
    expect(boardB.views.map(v => v.component)).toEqual(['distribution', 'summary']);
    boardA.move(id, -1);
    expect(boardB.views.map(v => v.component)).toEqual(['summary', 'distribution']);
    boardB.setCollapsed(boardB.views[0].id, true);
    expect(boardA.views.find(v => v.id === id)!.collapsed).toBe(true);
    boardB.close(boardB.views[1].id);
    expect(boardA.views.map(v => v.component)).toEqual(['summary']);
    expect(a.views().size).toBe(1);
    bindA.dispose();
    bindB.dispose();
  });

  it('keeps concurrent changes of different state keys, and one view opened twice', () => {
    const { a, b, connect, disconnect } = pair();
    const boardA = board();
    const boardB = board();
    new BoardBinding(boardA, a);
    new BoardBinding(boardB, b);
    disconnect();
    boardA.setClause({ column: 'age', op: 'range', min: 30, max: 50 });
    boardB.setGroups({ column: 'city' });
    boardA.open(summary);
    boardB.open(summary);
    connect();
    for (const model of [boardA, boardB]) {
      expect(model.state.filter).toEqual([{ column: 'age', op: 'range', min: 30, max: 50 }]);
      expect(model.state.groups).toEqual({ column: 'city' });
    }
    expect(a.boardState()).toEqual(b.boardState());
    // Both opened the same view offline: one view, on both boards.
    expect(boardA.views.map(v => v.component)).toEqual(['summary']);
    expect(boardB.views.map(v => v.component)).toEqual(['summary']);
    expect(a.views().size).toBe(1);
    expect([...a.views().keys()]).toEqual([...b.views().keys()]);
    // And it is still one shared view: collapsing it on A collapses it on B.
    boardA.setCollapsed(boardA.views[0].id, true);
    expect(boardB.views[0].collapsed).toBe(true);
  });

  it('joins a board that has views: the document wins', async () => {
    const { a, b } = pair();
    const boardA = board();
    new BoardBinding(boardA, a);
    boardA.open(dist);
    boardA.setClause({ column: 'age', op: 'in', values: [40] });
    await boardA.announced(); // the binding hears of a change of the state in the next task
    const late = board();
    late.open(summary);
    new BoardBinding(late, b);
    expect(late.views.map(v => v.component)).toEqual(['distribution']);
    expect(late.state.filter).toEqual([{ column: 'age', op: 'in', values: [40] }]);
  });

  it('writes nothing back when it applies a remote change', () => {
    const { a, b } = pair();
    const boardA = board();
    const boardB = board();
    new BoardBinding(boardA, a);
    new BoardBinding(boardB, b);
    let writesB = 0;
    b.ydoc.on('update', (_: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') {
        writesB += 1;
      }
    });
    boardA.open(summary);
    boardA.setClause({ column: 'age', op: 'range', min: 1, max: 2 });
    expect(boardB.views.length).toBe(1);
    expect(writesB).toBe(0);
  });
});

describe('threadsOf', () => {
  it('groups replies under their thread, oldest first', () => {
    const author = { username: 'u', name: 'U', initials: 'U', color: '' };
    const note = (id: string, parent: string | null, created: number): IAnnotation => ({
      id,
      parent,
      created,
      text: id,
      author,
      target: { kind: 'board', ref: '', label: '' },
      edited: null,
      resolved: false,
      resolved_by: null,
      resolved_at: null
    });
    const threads = threadsOf([note('r1', null, 1), note('x', 'r1', 2), note('r2', null, 3), note('y', 'r1', 4)]);
    expect(threads.map(t => [t.root.id, t.replies.map(r => r.id)])).toEqual([
      ['r1', ['x', 'y']],
      ['r2', []]
    ]);
  });
});

describe('BoardDoc annotations', () => {
  const entry = {
    target: { kind: 'view', ref: 'v1', label: 'summary of df' },
    parent: null,
    text: 'é **look**',
    author: { username: 'bob', name: 'Bob', initials: 'B', color: '#00f' },
    created: 5,
    edited: null,
    resolved: false,
    resolved_by: null,
    resolved_at: null
  };

  it('reads the JSON string the server stores, and travels to another replica', () => {
    const { a, b } = pair();
    // As the server writes it: one compact JSON string per annotation.
    a.ydoc.getMap('annotations').set('n1', JSON.stringify(entry));
    expect(b.annotations().map(n => [n.id, n.text, n.author.name])).toEqual([
      ['n1', 'é **look**', 'Bob']
    ]);
    expect(b.getSource()).toMatchObject({ annotations: { n1: { text: 'é **look**' } } });
  });

  it('still reads an annotation stored as an object (a Y store from before), and skips garbage', () => {
    const doc = BoardDoc.create();
    const map = doc.ydoc.getMap('annotations');
    map.set('old', { ...entry, text: 'old words' });
    map.set('bad', '{not json');
    map.set('worse', 12);
    expect(doc.annotations().map(n => [n.id, n.text])).toEqual([['old', 'old words']]);
  });

  it('stores strings itself in single-user mode', () => {
    const doc = BoardDoc.create();
    doc.putAnnotation({ id: 'n2', ...entry });
    doc.setSource({ annotations: { n3: entry } });
    const value = doc.ydoc.getMap('annotations').get('n3');
    expect(typeof value).toBe('string');
    expect(JSON.parse(value as string)).toEqual(entry);
    expect(doc.annotations().map(n => n.id)).toEqual(['n3']);
  });
});

describe('a brand-new board, two browsers at once', () => {
  it('keeps the views each opened before its document was ready (mergeLocal), without doubles', () => {
    const { a, b } = pair();
    const boardA = board();
    const boardB = board();
    // Both open views while the notebook has no board file yet.
    boardA.open(dist);
    boardB.open(summary);
    boardB.open(dist);
    boardB.setGroups({ column: 'sex' });
    boardA.setClause({ column: 'age', op: 'in', values: [40] });
    new BoardBinding(boardA, a, { mergeLocal: true });
    new BoardBinding(boardB, b, { mergeLocal: true });
    const keys = (m: BoardModel) => m.views.map(v => v.component).sort();
    expect(keys(boardA)).toEqual(['distribution', 'summary']);
    expect(keys(boardB)).toEqual(['distribution', 'summary']);
    expect(a.views().size).toBe(2);
    // A's filter and B's groups both kept.
    expect(boardB.state.filter).toEqual([{ column: 'age', op: 'in', values: [40] }]);
    expect(boardA.state.groups).toEqual({ column: 'sex' });
  });

  it('without mergeLocal the document wins (a late joiner does not bring back closed views)', () => {
    const { a, b } = pair();
    const boardA = board();
    new BoardBinding(boardA, a);
    boardA.open(dist);
    const late = board();
    late.open(summary);
    new BoardBinding(late, b);
    expect(late.views.map(v => v.component)).toEqual(['distribution']);
  });
});
