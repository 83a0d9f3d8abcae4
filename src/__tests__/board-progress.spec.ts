/*
 * A long view on the board: the kernel's progress is shown on the view while
 * it computes, and the user can cancel it (the request is dropped, which the
 * server turns into an interrupt of our computation).
 */
import { BoardModel } from '../board';
import { IViewProgress, IViewRequest, IViewResult, IViewSpec } from '../tokens';
import { viewResult } from './helpers';

interface ICall {
  request: IViewRequest;
  signal: AbortSignal;
  progress: (p: IViewProgress) => void;
  resolve: (result: IViewResult) => void;
  reject: (reason: unknown) => void;
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

const duplicates: IViewSpec = { component: 'duplicates', variables: ['big'], params: {} };

describe('BoardModel with a long view', () => {
  let calls: ICall[];
  let board: BoardModel;

  beforeEach(() => {
    calls = [];
    board = new BoardModel({
      fetchView: (_kernelId, request, signal, onProgress) =>
        new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => {
            const error = new Error('aborted');
            error.name = 'AbortError';
            reject(error);
          });
          calls.push({
            request,
            signal,
            progress: onProgress ?? (() => undefined),
            resolve,
            reject
          });
        })
    });
    board.setKernel('k1');
  });

  afterEach(() => board.dispose());

  it('shows the progress the kernel reports, and drops it with the answer', async () => {
    const id = board.open(duplicates)!;
    calls[0].progress({ fraction: 0.25, phase: 'hashing rows' });
    expect(board.views.find(v => v.id === id)).toMatchObject({
      status: 'loading',
      progress: { fraction: 0.25, phase: 'hashing rows' }
    });
    calls[0].resolve(viewResult(calls[0].request, { rows: 10 }));
    await flush();
    expect(board.views.find(v => v.id === id)).toMatchObject({
      status: 'ready',
      progress: null
    });
  });

  it('cancels: the request is dropped and the view says so', async () => {
    const id = board.open(duplicates)!;
    calls[0].progress({ fraction: 0.5, phase: 'grouping rows' });
    board.cancel(id);
    expect(calls[0].signal.aborted).toBe(true);
    await flush();
    expect(board.views.find(v => v.id === id)).toMatchObject({
      status: 'error',
      error: 'Cancelled.',
      progress: null
    });
    // Late progress of the dropped request changes nothing; computing again works.
    calls[0].progress({ fraction: 0.9, phase: 'checking values' });
    expect(board.views.find(v => v.id === id)?.progress).toBeNull();
    board.refresh(id);
    expect(calls).toHaveLength(2);
    expect(calls[1].signal.aborted).toBe(false);
  });

  it('ignores a cancel of a view that is not computing', async () => {
    const id = board.open(duplicates)!;
    calls[0].resolve(viewResult(calls[0].request, { rows: 10 }));
    await flush();
    board.cancel(id);
    expect(board.views.find(v => v.id === id)?.status).toBe('ready');
  });
});
