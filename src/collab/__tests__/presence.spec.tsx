/*
 * Presence between browsers, with real y-protocols awareness instances
 * exchanging their updates as a room would: one avatar per username (the
 * most recent), our own username never shown as someone else, our state
 * removed when the board closes or the page goes away, and a brush in
 * progress published at most every interval (the last position always),
 * cleared at once on release. Then a histogram draws another browser's
 * brush and the bin they point at, and reports its own drag.
 */
import { act } from 'react';
import * as Y from 'yjs';
import {
  applyAwarenessUpdate,
  Awareness,
  encodeAwarenessUpdate
} from 'y-protocols/awareness';

import { DistributionView } from '../../views/distribution';
import { drawView, IStage, mountStage, unmountStage } from '../../__tests__/render';
import { Presence, peerBrush } from '../presence';

/** Awareness instances of several browsers, relayed to each other at once. */
function room(count: number): Awareness[] {
  const all = Array.from({ length: count }, () => new Awareness(new Y.Doc()));
  for (const from of all) {
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const changed = [...added, ...updated, ...removed];
      const update = encodeAwarenessUpdate(from, changed);
      for (const to of all) {
        if (to !== from) {
          applyAwarenessUpdate(to, update, 'remote');
        }
      }
    });
  }
  return all;
}

function user(awareness: Awareness, username: string, name: string): void {
  awareness.setLocalStateField('user', {
    username,
    name,
    display_name: name,
    initials: name.slice(0, 2).toUpperCase(),
    color: '#aa3355'
  });
}

afterEach(() => {
  jest.useRealTimers();
});

describe('Presence', () => {
  it('shows one avatar per username, the most recent, and never ourselves', () => {
    const [mine, oldTab, newTab, other, myOtherTab] = room(5);
    user(mine, 'ann', 'Ann');
    user(oldTab, 'bob', 'Bob');
    user(other, 'cat', 'Cat');
    user(myOtherTab, 'ann', 'Ann');
    // Bob reloads: his new tab speaks later than the old one.
    const meta = mine.meta.get(oldTab.clientID)!;
    mine.meta.set(oldTab.clientID, { ...meta, lastUpdated: meta.lastUpdated - 10_000 });
    user(newTab, 'bob', 'Bob');
    const presence = new Presence(mine);
    const peers = presence.peers();
    expect(peers.map(p => p.name).sort()).toEqual(['Bob', 'Cat']);
    expect(peers.find(p => p.name === 'Bob')!.clientId).toBe(newTab.clientID);
    presence.dispose();
  });

  it('removes our state when it is disposed and when the page goes away', () => {
    const [a, b] = room(2);
    user(a, 'ann', 'Ann');
    user(b, 'bob', 'Bob');
    const pa = new Presence(a);
    const pb = new Presence(b);
    expect(pb.peers().map(p => p.name)).toEqual(['Ann']);
    window.dispatchEvent(new Event('pagehide'));
    expect(b.getStates().has(a.clientID)).toBe(false);
    expect(pb.peers()).toEqual([]);
    pa.dispose();
    pb.dispose();
    // The page comes back (a new state; the removed one cannot be edited).
    a.setLocalState({});
    user(a, 'ann', 'Ann');
    const again = new Presence(a);
    expect(b.getStates().has(a.clientID)).toBe(true);
    again.dispose();
    expect(b.getStates().has(a.clientID)).toBe(false);
  });

  it('publishes a brush in progress at most every interval, the last position always, and clears it on release', () => {
    jest.useFakeTimers();
    const [a, b] = room(2);
    user(a, 'ann', 'Ann');
    user(b, 'bob', 'Bob');
    const pa = new Presence(a, { brushInterval: 50 });
    const pb = new Presence(b);
    let updates = 0;
    a.on('update', () => (updates += 1));
    const at = (to: number) => ({ view: 'v1', column: 'age', range: [0, to] as [number, number] });
    pa.setBrush(at(10));
    expect(pb.peers()[0].brush).toEqual(at(10));
    for (let to = 11; to < 30; to++) {
      pa.setBrush(at(to));
    }
    // Nothing more until the interval is over; then the last position.
    expect(pb.peers()[0].brush).toEqual(at(10));
    expect(updates).toBe(1);
    jest.advanceTimersByTime(50);
    expect(pb.peers()[0].brush).toEqual(at(29));
    expect(updates).toBe(2);
    pa.setBrush(at(40));
    pa.setBrush(null);
    // Released: cleared at once, the pending position never sent.
    expect(pb.peers()[0].brush).toBeNull();
    jest.advanceTimersByTime(200);
    expect(pb.peers()[0].brush).toBeNull();
    pa.dispose();
    pb.dispose();
  });

  it('checks brushes from other browsers', () => {
    expect(peerBrush({ view: 'v', column: 'c', range: [1, 'x'] })).toEqual({ view: 'v', column: 'c', range: [1, 'x'] });
    expect(peerBrush({ view: 'v', column: 'c', range: [1, { evil: 1 }] })).toBeNull();
    expect(peerBrush({ view: 'v', column: 'c', range: [1, Infinity] })).toBeNull();
    expect(peerBrush({ view: 'v', column: 7, hover: [1, 2] })).toBeNull();
    expect(peerBrush({ view: 'v', column: 'c', hover: [1, 2], range: 'x' })).toEqual({ view: 'v', column: 'c', hover: [1, 2] });
    expect(peerBrush('<script>')).toBeNull();
  });
});

describe('a histogram and the others’ brushes', () => {
  let stage: IStage;
  beforeEach(() => {
    stage = mountStage();
  });
  afterEach(() => unmountStage(stage));

  const edges = Array.from({ length: 31 }, (_, i) => i * 10);
  const data = {
    column: 'age',
    by: null,
    kind: 'numeric',
    rows: 100,
    filtered_rows: 100,
    sampled: false,
    missing: 0,
    edges,
    series: [{ group: null, counts: Array.from({ length: 30 }, (_, i) => i) }]
  };
  const spec = { component: 'distribution', variables: ['df'], params: { column: 'age' } };
  const binX = (i: number) => 36 + 9.2 * i + 4;

  function pointer(target: Element, type: string, clientX: number): void {
    act(() => {
      target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, clientX, clientY: 50 }));
    });
  }

  it('draws another browser’s brush in their colour with their initials, and the bin they point at', () => {
    const view = drawView(stage.root, stage.board, DistributionView, spec, data);
    const brushing = stage.board.brushing;
    act(() =>
      brushing.setRemote([
        { view: view.id, column: 'age', range: [20, 60], hover: [50, 60], clientId: 7, name: 'Bob', initials: 'BO', color: '#aa3355' },
        { view: 'another-view', column: 'age', range: [0, 10], clientId: 8, name: 'Cat', initials: 'CA', color: '#123456' }
      ])
    );
    const marks = stage.host.querySelectorAll('.jp-SymphonyView-remote');
    expect(marks).toHaveLength(1);
    const mark = marks[0] as SVGGElement;
    expect(mark.getAttribute('data-name')).toBe('Bob');
    expect(mark.getAttribute('data-brushing')).toBe('true');
    const rect = mark.querySelector('.jp-SymphonyView-remoteBrush')!;
    // 20 -> 60 on a 0 -> 300 axis 276 wide from x = 36.
    expect(Number(rect.getAttribute('x'))).toBeCloseTo(36 + (20 / 300) * 276);
    expect(Number(rect.getAttribute('width'))).toBeCloseTo((40 / 300) * 276);
    expect(rect.getAttribute('style')).toContain('#aa3355');
    expect(mark.querySelector('.jp-SymphonyView-remoteInitials')!.textContent).toBe('BO');
    expect(mark.querySelector('.jp-SymphonyView-remoteHover')).not.toBeNull();
    // Nothing of it went into the board's state.
    expect(stage.board.state.filter).toEqual([]);
    act(() => brushing.setRemote([]));
    expect(stage.host.querySelector('.jp-SymphonyView-remote')).toBeNull();
  });

  it('reports its own drag while it moves, and clears it on release', () => {
    const view = drawView(stage.root, stage.board, DistributionView, spec, data);
    const svg = stage.host.querySelector('svg.jp-SymphonyView-histogram') as SVGSVGElement;
    svg.getBoundingClientRect = () =>
      ({ left: 0, top: 0, width: 320, height: 150, right: 320, bottom: 150, x: 0, y: 0 }) as DOMRect;
    const reported: unknown[] = [];
    stage.board.brushing.localChanged.connect((_, brush) => reported.push(brush));
    const overlay = svg.querySelector('.jp-SymphonyView-overlay')!;
    pointer(overlay, 'pointerdown', binX(2));
    pointer(overlay, 'pointermove', binX(4));
    expect(stage.board.brushing.local).toEqual({ view: view.id, column: 'age', range: [20, 50], hover: [40, 50] });
    expect(stage.board.state.filter).toEqual([]);
    pointer(overlay, 'pointerup', binX(4));
    expect(stage.board.state.filter).toEqual([{ column: 'age', op: 'range', min: 20, max: 50 }]);
    expect(stage.board.brushing.local).toEqual({ view: view.id, column: 'age', hover: [40, 50] });
    act(() => {
      overlay.dispatchEvent(new MouseEvent('pointerout', { bubbles: true, relatedTarget: stage.host }));
    });
    expect(stage.board.brushing.local).toBeNull();
    expect(reported.length).toBeGreaterThanOrEqual(3);
  });
});
