/*
 * The framed view answer, decoded as the browser does it. The fixture is a
 * body made by the kernel's encoder (pyarrow) and the server's framing
 * (tests/test_arrow_fixture.py makes it and checks it from the Python side).
 */
import { CatalogClient } from '../client';
import {
  decodeTable,
  FrameReader,
  IViewProgress,
  readViewBody,
  VIEW_MEDIA_TYPE,
  ViewStreamError
} from '../arrow';
import { FakeWebSocket, makeSettings } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const fixture = require('./fixtures/view-frames.json') as {
  body: string;
  expected: { [key: string]: unknown };
};

function fixtureBytes(): Uint8Array {
  return new Uint8Array(Buffer.from(fixture.body, 'base64'));
}

function framedResponse(chunks: Uint8Array[]): Response {
  // A body that arrives in pieces, as a streamed answer does (jsdom has no
  // ReadableStream: the reader is the part of it that readViewBody uses).
  const queue = [...chunks];
  const body = {
    getReader: () => ({
      read: async () =>
        queue.length
          ? { done: false, value: queue.shift() as Uint8Array }
          : { done: true, value: undefined }
    })
  };
  return {
    ok: true,
    status: 200,
    headers: new Headers({ 'Content-Type': VIEW_MEDIA_TYPE }),
    body
  } as unknown as Response;
}

function frame(kind: string, payload: unknown): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  const out = new Uint8Array(5 + bytes.length);
  out[0] = kind.charCodeAt(0);
  new DataView(out.buffer).setUint32(1, bytes.length, true);
  out.set(bytes, 5);
  return out;
}

const MAGIC = new TextEncoder().encode('SLV1');

describe('the framed view answer', () => {
  it('decodes the kernel-made Arrow tables back to the JSON shape', async () => {
    const progress: IViewProgress[] = [];
    const { answer, bytes } = await readViewBody(
      framedResponse([fixtureBytes()]),
      p => progress.push(p)
    );
    expect(answer.data).toEqual(fixture.expected);
    expect(answer.encoding).toBe('arrow');
    expect(bytes).toBe(fixtureBytes().length);
    expect(progress).toEqual([{ fraction: 0.5, phase: 'hashing rows' }]);
    // Integers arrive as numbers (not BigInt), nulls as null, lists as arrays.
    const groups = (answer.data as { groups: Array<{ [k: string]: unknown }> })
      .groups;
    expect(typeof groups[0].big).toBe('number');
    expect(Array.isArray(groups[5].index)).toBe(true);
  });

  it('reads the same body whatever its chunks', async () => {
    const bytes = fixtureBytes();
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += 7) {
      chunks.push(bytes.slice(at, at + 7));
    }
    const { answer } = await readViewBody(framedResponse(chunks));
    expect(answer.data).toEqual(fixture.expected);
  });

  it('splits frames only when complete', () => {
    const reader = new FrameReader();
    const body = new Uint8Array([...MAGIC, ...frame('P', { fraction: 0.1, phase: 'x' })]);
    expect(reader.push(body.slice(0, 6))).toEqual([]);
    const frames = reader.push(body.slice(6));
    expect(frames.map(f => f.kind)).toEqual(['P']);
    expect(reader.pending).toBe(0);
  });

  it('refuses a body that is not ours, and an incomplete one', async () => {
    expect(() => new FrameReader().push(new TextEncoder().encode('{"a":1}'))).toThrow(
      ViewStreamError
    );
    const cut = fixtureBytes().slice(0, 200);
    await expect(readViewBody(framedResponse([cut]))).rejects.toThrow(
      'incomplete'
    );
  });

  it('turns an error frame into an error with its status', async () => {
    const body = new Uint8Array([
      ...MAGIC,
      ...frame('P', { fraction: 0.2, phase: 'hashing rows' }),
      ...frame('E', { status: 409, message: 'interrupted' })
    ]);
    const error = await readViewBody(framedResponse([body])).catch(e => e);
    expect(error).toBeInstanceOf(ViewStreamError);
    expect(error.message).toBe('interrupted');
    expect(error.response.status).toBe(409);
  });

  it('decodes each Arrow stream of the fixture on its own', () => {
    // The fixture's first stream, read on its own.
    const reader = new FrameReader();
    const frames = reader.push(fixtureBytes());
    const tables = frames.filter(f => f.kind === 'A').map(f => decodeTable(f.payload));
    expect(tables.length).toBe(3);
    expect(tables.every(t => Array.isArray(t))).toBe(true);
  });
});

describe('CatalogClient.fetchView', () => {
  it('asks for the framed answer and reads it into the usual view result', async () => {
    const accepts: Array<string | null> = [];
    const client = new CatalogClient({
      serverSettings: makeSettings({
        fetch: async (input: RequestInfo) => {
          accepts.push((input as Request).headers.get('Accept'));
          return framedResponse([fixtureBytes()]);
        }
      }),
      WebSocket: FakeWebSocket
    });
    const progress: IViewProgress[] = [];
    const result = await client.fetchView(
      'k1',
      { component: 'fixture', variables: ['df'], params: {}, state: { filter: [] } },
      undefined,
      p => progress.push(p)
    );
    expect(accepts[0]).toContain(VIEW_MEDIA_TYPE);
    expect(result.data).toEqual(fixture.expected);
    expect(result.encoding).toBe('arrow');
    expect(result.bytes).toBe(fixtureBytes().length);
    expect(progress).toHaveLength(1);
    client.dispose();
  });
});
