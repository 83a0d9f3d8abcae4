import { ISessionContext } from '@jupyterlab/apputils';
import { PromiseDelegate } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';

import { ISessionWidget, SessionFollower } from '../follower';
import { ISource } from '../tokens';

/** Stands in for JupyterLab's SessionContext: what is read, and its signals. */
class FakeSessionContext {
  constructor(public path: string) {}
  session: { kernel: { id: string } | null } | null = null;
  kernelDisplayName = 'Python 3 (ipykernel)';
  kernelDisplayStatus = 'initializing';
  isDisposed = false;
  ready = new PromiseDelegate<void>().promise;
  kernelChanged = new Signal<this, unknown>(this);
  sessionChanged = new Signal<this, unknown>(this);
  statusChanged = new Signal<this, unknown>(this);
  connectionStatusChanged = new Signal<this, unknown>(this);
  propertyChanged = new Signal<this, unknown>(this);
  disposed = new Signal<this, void>(this);

  setKernel(id: string | null, status = 'idle'): void {
    this.session = { kernel: id ? { id } : null };
    this.kernelDisplayStatus = id ? status : 'unknown';
    this.kernelChanged.emit(null);
  }

  setStatus(status: string): void {
    this.kernelDisplayStatus = status;
    this.statusChanged.emit(status);
  }
}

function widget(path: string): ISessionWidget & { fake: FakeSessionContext } {
  const fake = new FakeSessionContext(path);
  return { fake, sessionContext: fake as unknown as ISessionContext };
}

describe('SessionFollower', () => {
  const currentChanged = new Signal<unknown, ISessionWidget | null>({});
  const tracker = {
    currentWidget: null as ISessionWidget | null,
    currentChanged
  };
  let sources: Array<ISource | null>;
  let follower: SessionFollower<ISessionWidget>;
  const last = () => sources[sources.length - 1];

  function switchTo(w: ISessionWidget | null): void {
    tracker.currentWidget = w;
    currentChanged.emit(w);
  }

  beforeEach(() => {
    tracker.currentWidget = null;
    sources = [];
    follower = new SessionFollower(tracker, s => sources.push(s));
  });

  afterEach(() => {
    follower.dispose();
  });

  it('starts with no source without a notebook', () => {
    expect(sources).toEqual([null]);
  });

  it('follows the kernel and status of the current notebook', () => {
    const a = widget('work/a.ipynb');
    switchTo(a);
    expect(last()).toEqual({
      kernelId: null,
      notebookPath: 'work/a.ipynb',
      kernelName: '',
      kernelStatus: 'initializing',
      starting: true
    });
    a.fake.setKernel('k1');
    expect(last()).toMatchObject({
      kernelId: 'k1',
      kernelStatus: 'idle',
      starting: false,
      kernelName: 'Python 3 (ipykernel)'
    });
    a.fake.setStatus('restarting');
    expect(last()?.kernelStatus).toBe('restarting');
    a.fake.setKernel('k2');
    expect(last()?.kernelId).toBe('k2');
    a.fake.setKernel(null);
    expect(last()).toMatchObject({ kernelId: null, starting: false });
  });

  it('switches notebooks and stops listening to the previous one', () => {
    const a = widget('a.ipynb');
    const b = widget('b.ipynb');
    a.fake.setKernel('k1');
    b.fake.setKernel('k2');
    switchTo(a);
    expect(last()?.kernelId).toBe('k1');
    switchTo(b);
    expect(last()?.kernelId).toBe('k2');
    const count = sources.length;
    a.fake.setKernel('k3');
    expect(sources).toHaveLength(count);
    switchTo(null);
    expect(last()).toBeNull();
  });

  it('lets go of a disposed session', () => {
    const a = widget('a.ipynb');
    a.fake.setKernel('k1');
    switchTo(a);
    a.fake.disposed.emit();
    expect(last()).toBeNull();
    expect(follower.current).toBeNull();
  });

  it('stops when disposed', () => {
    const a = widget('a.ipynb');
    switchTo(a);
    follower.dispose();
    const count = sources.length;
    a.fake.setKernel('k1');
    switchTo(null);
    expect(sources).toHaveLength(count);
  });
});
