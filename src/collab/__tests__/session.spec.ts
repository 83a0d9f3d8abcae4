/*
 * The board session without jupyter-collaboration: the board is loaded from
 * the server's file, saved to it after local changes, annotations come back
 * from the server and land in the document, and the reason sharing is off
 * is known.
 */
import { JSONObject } from '@lumino/coreutils';

import { BoardClient } from '../client';
import { BoardSession } from '../session';
import { AnnotationRequest, IAnnotation, IBoardInfo, IDocView } from '../tokens';

class FakeClient {
  ensured = 0;
  saves: Array<{ views: Record<string, IDocView>; state: JSONObject }> = [];
  info: IBoardInfo = {
    path: 'a.symphony.json',
    notebook: 'a.ipynb',
    collaborative: false,
    reason: 'jupyter-collaboration is not enabled on this server.',
    exists: true,
    board: {
      views: { v1: { component: 'summary', variables: ['df'], params: {}, order: 0, collapsed: false } },
      state: { filter: [] },
      annotations: {}
    } as unknown as JSONObject
  };
  async ensure(): Promise<IBoardInfo> {
    this.ensured += 1;
    this.info = { ...this.info, exists: true };
    return this.info;
  }
  async get(): Promise<IBoardInfo> {
    return this.info;
  }
  async save(_: string, views: Record<string, IDocView>, state: JSONObject): Promise<IBoardInfo> {
    this.saves.push({ views, state });
    return this.info;
  }
  async annotate(_: string, op: AnnotationRequest): Promise<IAnnotation> {
    return {
      id: 'n1',
      target: { kind: 'board', ref: '', label: '' },
      parent: null,
      text: (op as { text: string }).text,
      author: { username: 'server-user', name: 'Server User', initials: 'SU', color: '' },
      created: 1,
      edited: null,
      resolved: false,
      resolved_by: null,
      resolved_at: null
    };
  }
}

async function open(client: FakeClient, offReason: string | null = null): Promise<BoardSession> {
  const session = await BoardSession.open({
    notebook: 'a.ipynb',
    client: client as unknown as BoardClient,
    provider: null,
    offReason,
    saveDelay: 5
  });
  expect(session).not.toBeNull();
  return session!;
}

describe('BoardSession without collaboration', () => {
  it('loads the file, says why sharing is off, and saves local changes', async () => {
    const client = new FakeClient();
    const session = await open(client);
    expect(session.mode).toBe('local');
    expect(session.reason).toMatch(/jupyter-collaboration is not active/);
    expect([...session.doc.views().keys()]).toEqual(['v1']);
    session.doc.setView('v2', { component: 'missing', variables: ['df'], params: {}, order: 1, collapsed: false });
    session.doc.setBoardState({ filter: [{ column: 'age', op: 'in', values: [1] }] });
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(client.saves.length).toBe(1);
    expect(Object.keys(client.saves[0].views).sort()).toEqual(['v1', 'v2']);
    expect(client.saves[0].state).toEqual({ filter: [{ column: 'age', op: 'in', values: [1] }] });
    session.dispose();
  });

  it('keeps the reason it was given, and puts annotations from the server in the document', async () => {
    const client = new FakeClient();
    const session = await open(client, 'collaboration is turned off (disableRTC)');
    expect(session.reason).toBe('collaboration is turned off (disableRTC)');
    await session.annotate({ op: 'create', text: '<img src=x onerror=alert(1)>', target: { kind: 'board', ref: '', label: '' } });
    const [note] = session.doc.annotations();
    expect(note.author.username).toBe('server-user');
    expect(note.text).toBe('<img src=x onerror=alert(1)>');
    // A remote-looking change (not the binding's) is not saved back.
    expect(client.saves.length).toBe(0);
    session.dispose();
  });

  it('writes no board file for a notebook that has none, until asked to', async () => {
    const client = new FakeClient();
    client.info = { ...client.info, exists: false, board: null };
    const none = await BoardSession.open({
      notebook: 'a.ipynb',
      client: client as unknown as BoardClient,
      provider: null
    });
    expect(none).toBeNull();
    expect(client.ensured).toBe(0);
    const made = await BoardSession.open({
      notebook: 'a.ipynb',
      client: client as unknown as BoardClient,
      provider: null,
      create: true
    });
    expect(made).not.toBeNull();
    expect(client.ensured).toBe(1);
    made!.dispose();
  });
});
