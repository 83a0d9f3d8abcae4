/*
 * How a view's data arrives: the server's framed answer (Arrow IPC streams for
 * the data's tables, progress while a long view computes), decoded back into
 * the same JSON-shaped data a JSON answer has, so that renderers never see the
 * encoding. The format is described in symphony_lab/framing.py and
 * symphony_lab/kernel/encode.py (and docs/api.md).
 */
import { DataType, tableFromIPC, Type, Vector } from 'apache-arrow';

/** The media type of the framed answer of `POST .../views`. */
export const VIEW_MEDIA_TYPE = 'application/vnd.symphony-lab.view';

const MAGIC = [0x53, 0x4c, 0x56, 0x31]; // "SLV1"
const KIND_KEY = 'symphony_lab.kind';
const KEYS_KEY = 'symphony_lab.keys';
const JSON_FIELD_KEY = 'symphony_lab.json';

/** How far a long view's computation is. */
export interface IViewProgress {
  /** 0..1 of the whole computation. */
  fraction: number;
  /** What it is doing, e.g. "hashing rows". */
  phase: string;
}

/** One frame of a framed body. */
export interface IFrame {
  /** P (progress), H (the answer), A (an Arrow stream), E (an error). */
  kind: string;
  payload: Uint8Array;
}

/** An error frame, or a malformed body; `response.status` as a fetch error has. */
export class ViewStreamError extends Error {
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ViewStreamError';
    this.response = { status };
  }

  readonly response: { status: number };
}

/** Splits a framed body into frames as its chunks arrive. */
export class FrameReader {
  /** Frames completed by this chunk. Throws on a body that is not ours. */
  push(chunk: Uint8Array): IFrame[] {
    this._append(chunk);
    const frames: IFrame[] = [];
    let at = 0;
    if (!this._started) {
      if (this._length < MAGIC.length) {
        return frames;
      }
      if (!MAGIC.every((b, i) => this._buffer[i] === b)) {
        throw new ViewStreamError('The server sent an unreadable view.', 502);
      }
      this._started = true;
      at = MAGIC.length;
    }
    while (this._length - at >= 5) {
      const view = new DataView(
        this._buffer.buffer,
        this._buffer.byteOffset + at + 1,
        4
      );
      const size = view.getUint32(0, true);
      if (this._length - at - 5 < size) {
        break;
      }
      frames.push({
        kind: String.fromCharCode(this._buffer[at]),
        payload: this._buffer.slice(at + 5, at + 5 + size)
      });
      at += 5 + size;
    }
    this._buffer.copyWithin(0, at, this._length);
    this._length -= at;
    return frames;
  }

  /** Bytes received and not yet part of a frame. */
  get pending(): number {
    return this._length;
  }

  private _append(chunk: Uint8Array): void {
    if (this._length + chunk.length > this._buffer.length) {
      const grown = new Uint8Array(
        Math.max(this._length + chunk.length, this._buffer.length * 2, 1024)
      );
      grown.set(this._buffer.subarray(0, this._length));
      this._buffer = grown;
    }
    this._buffer.set(chunk, this._length);
    this._length += chunk.length;
  }

  private _buffer = new Uint8Array(0);
  private _length = 0;
  private _started = false;
}

function plain(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (DataType.isList(type) || DataType.isLargeList(type)) {
    const child = type.children[0].type;
    return Array.from(value as Iterable<unknown>, v => plain(v, child));
  }
  return value;
}

const NUMERIC = new Set<Type>([Type.Int, Type.Float]);

/** A column's values as plain JSON values (numbers, strings, booleans, null, lists). */
function columnValues(vector: Vector, asJson: boolean): unknown[] {
  const type = vector.type as DataType;
  if (asJson) {
    return Array.from({ length: vector.length }, (_, i) => {
      const text = vector.get(i) as string | null;
      return text === null ? null : JSON.parse(text);
    });
  }
  if (vector.nullCount === 0 && NUMERIC.has(type.typeId)) {
    return Array.from(vector.toArray() as ArrayLike<number | bigint>, Number);
  }
  return Array.from({ length: vector.length }, (_, i) =>
    plain(vector.get(i), type)
  );
}

/** One Arrow IPC stream back to the list it stood for (records, rows or values). */
export function decodeTable(bytes: Uint8Array): unknown[] {
  const table = tableFromIPC(bytes);
  const meta = table.schema.metadata;
  const kind = meta.get(KIND_KEY) ?? 'records';
  const keys = JSON.parse(meta.get(KEYS_KEY) ?? '[]') as string[];
  const columns = table.schema.fields.map((field, i) =>
    columnValues(
      table.getChildAt(i) as Vector,
      field.metadata.get(JSON_FIELD_KEY) === '1'
    )
  );
  const n = table.numRows;
  if (kind === 'values') {
    return columns[0] ?? [];
  }
  if (kind === 'rows') {
    return Array.from({ length: n }, (_, r) => columns.map(c => c[r]));
  }
  return Array.from({ length: n }, (_, r) => {
    const record: { [key: string]: unknown } = {};
    keys.forEach((key, j) => {
      record[key] = columns[j][r];
    });
    return record;
  });
}

/** `data` with each `{"$arrow": i}` replaced by the i-th decoded table. */
export function restoreData(data: unknown, tables: Uint8Array[]): unknown {
  const decoded = new Map<number, unknown[]>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      return node.map(visit);
    }
    if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node as { [key: string]: unknown });
      if (
        entries.length === 1 &&
        entries[0][0] === '$arrow' &&
        typeof entries[0][1] === 'number'
      ) {
        const index = entries[0][1] as number;
        if (!(index in tables)) {
          throw new ViewStreamError('The view refers to a missing table.', 502);
        }
        if (!decoded.has(index)) {
          decoded.set(index, decodeTable(tables[index]));
        }
        return decoded.get(index);
      }
      const out: { [key: string]: unknown } = {};
      for (const [key, value] of entries) {
        out[key] = visit(value);
      }
      return out;
    }
    return node;
  };
  return visit(data);
}

const decoder = new TextDecoder();

/**
 * Read a framed answer: progress frames go to `onProgress` as they arrive;
 * resolves with the answer (its data decoded) and the body's size in bytes.
 */
export async function readViewBody(
  response: Response,
  onProgress?: (progress: IViewProgress) => void
): Promise<{ answer: { [key: string]: unknown }; bytes: number }> {
  const reader = new FrameReader();
  let header: { [key: string]: unknown } | null = null;
  const tables: Uint8Array[] = [];
  let bytes = 0;
  const handle = (frames: IFrame[]): void => {
    for (const frame of frames) {
      if (frame.kind === 'P') {
        const progress = JSON.parse(decoder.decode(frame.payload));
        if (
          onProgress &&
          typeof progress?.fraction === 'number' &&
          typeof progress?.phase === 'string'
        ) {
          onProgress({ fraction: progress.fraction, phase: progress.phase });
        }
      } else if (frame.kind === 'H') {
        header = JSON.parse(decoder.decode(frame.payload));
      } else if (frame.kind === 'A') {
        tables.push(frame.payload);
      } else if (frame.kind === 'E') {
        const error = JSON.parse(decoder.decode(frame.payload));
        throw new ViewStreamError(
          String(error?.message ?? 'The view could not be computed.'),
          typeof error?.status === 'number' ? error.status : 500
        );
      }
    }
  };
  const body = response.body;
  if (body && typeof body.getReader === 'function') {
    const stream = body.getReader();
    for (;;) {
      const { done, value } = await stream.read();
      if (done) {
        break;
      }
      bytes += value.length;
      handle(reader.push(value));
    }
  } else {
    const all = new Uint8Array(await response.arrayBuffer());
    bytes = all.length;
    handle(reader.push(all));
  }
  if (header === null || reader.pending !== 0) {
    throw new ViewStreamError('The server sent an incomplete view.', 502);
  }
  const answer = header as { [key: string]: unknown };
  return {
    answer: { ...answer, data: restoreData(answer.data, tables) },
    bytes
  };
}
