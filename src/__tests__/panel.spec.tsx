import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { act } from 'react';

import { CatalogModel } from '../model';
import { SymphonyPanel } from '../widgets/panel';
import { catalog, dataframe, variable } from './helpers';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

async function settle(fn: () => void = () => undefined): Promise<void> {
  await act(async () => {
    fn();
    MessageLoop.flush();
  });
}

function source(kernelId: string | null) {
  return {
    kernelId,
    notebookPath: 'work/titanic.ipynb',
    kernelName: 'Python 3 (ipykernel)',
    kernelStatus: 'idle',
    starting: false
  };
}

describe('SymphonyPanel', () => {
  let model: CatalogModel;
  let panel: SymphonyPanel;

  beforeEach(async () => {
    model = new CatalogModel({ busyDelay: 0 });
    panel = new SymphonyPanel({ model });
    await settle(() => Widget.attach(panel, document.body));
  });

  afterEach(async () => {
    await settle(() => panel.dispose());
    model.dispose();
  });

  const $ = (selector: string) => panel.node.querySelector(selector);
  const $$ = (selector: string) =>
    Array.from(panel.node.querySelectorAll(selector));
  const state = () =>
    $('.jp-SymphonyPanel-state')?.getAttribute('data-state');

  it('has the stable hooks of the widget', () => {
    expect(panel.id).toBe('symphony-lab-panel');
    expect(panel.node.id).toBe('symphony-lab-panel');
    expect(panel.hasClass('jp-SymphonyPanel')).toBe(true);
    expect(panel.title.caption).toBe('Symphony');
    expect(panel.title.icon).toBeTruthy();
    expect($('.jp-SymphonyPanel-header')).not.toBeNull();
  });

  it('says no-kernel without a notebook', () => {
    expect(state()).toBe('no-kernel');
    expect($('.jp-SymphonyPanel-state')?.textContent).toContain(
      'Open a notebook'
    );
  });

  it('renders groups and entries with shape and memory', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', {
          variables: [
            dataframe('train', { shape: [1000000, 12], memory: 1536 }),
            variable('clf', 'model', {
              model: { fitted: true, task: 'classification', classes: [0, 1] }
            }),
            variable('y', 'series', { shape: [891], dtype: 'int64' })
          ]
        })
      );
    });
    expect(state()).toBe('ok');
    expect(
      $$('.jp-SymphonyPanel-group').map(g => g.getAttribute('data-kind-group'))
    ).toEqual([
      'dataframes',
      'series',
      'models'
    ]);
    const train = $('.jp-SymphonyPanel-variable[data-name="train"]');
    expect(train?.getAttribute('data-kind')).toBe('dataframe');
    expect(train?.querySelector('.jp-SymphonyPanel-shape')?.textContent).toBe(
      '1,000,000 × 12'
    );
    expect(train?.querySelector('.jp-SymphonyPanel-memory')?.textContent).toBe(
      '1.5 KiB'
    );
    const clf = $('.jp-SymphonyPanel-variable[data-name="clf"]');
    expect(clf?.textContent).toContain('fitted');
    expect(clf?.textContent).toContain('classification');
    expect($('.jp-SymphonyPanel-header')?.textContent).toContain(
      'titanic.ipynb'
    );
    expect($('.jp-SymphonyPanel-header')?.textContent).toContain(
      'as of execution 7 · '
    );

    await settle(() => model.setConfig({ showMemory: false }));
    expect($('.jp-SymphonyPanel-memory')).toBeNull();
  });

  it('lays every entry out the same and shows a model\'s public type', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', {
          variables: [
            dataframe('train', {
              columns: [{ name: 'mean concave points', dtype: 'float64' }],
              columns_total: 1
            }),
            variable('clf', 'model', {
              type: 'sklearn.ensemble._forest.RandomForestClassifier',
              model: { fitted: true }
            })
          ]
        })
      );
    });
    // Name and badge together, then shape, type, memory in the summary.
    const clf = $('.jp-SymphonyPanel-variable[data-name="clf"]');
    const head = clf?.querySelector('.jp-SymphonyPanel-head');
    expect(head?.querySelector('.jp-SymphonyPanel-name')?.textContent).toBe('clf');
    expect(head?.querySelector('.jp-SymphonyPanel-badge')?.textContent).toBe(
      'fitted'
    );
    const typeName = clf?.querySelector('.jp-SymphonyPanel-typeName');
    expect(typeName?.textContent).toBe('sklearn.ensemble.RandomForestClassifier');
    expect(typeName?.getAttribute('title')).toBe(
      'sklearn.ensemble._forest.RandomForestClassifier'
    );
    expect(typeName?.querySelectorAll('wbr')).toHaveLength(2);
    const train = $('.jp-SymphonyPanel-variable[data-name="train"]');
    expect(
      Array.from(
        train?.querySelector('summary')?.children ?? [],
        child => child.className
      )
    ).toEqual([
      'jp-SymphonyPanel-head',
      'jp-SymphonyPanel-shape',
      'jp-SymphonyPanel-type',
      'jp-SymphonyPanel-memory'
    ]);
    const name = train?.querySelector('.jp-SymphonyPanel-columnName');
    expect(name?.getAttribute('title')).toBe('mean concave points');
  });

  it('uses <details>/<summary> so entries open from the keyboard', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1', { variables: [dataframe('df')] }));
    });
    const entry = $('.jp-SymphonyPanel-variable[data-name="df"]');
    expect(entry?.tagName).toBe('DETAILS');
    expect(entry?.firstElementChild?.tagName).toBe('SUMMARY');
  });

  it('caps the columns and toggles the rest', async () => {
    const columns = Array.from({ length: 12 }, (_, i) => ({
      name: `c${i}`,
      dtype: 'float64'
    }));
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', {
          variables: [dataframe('wide', { columns, columns_total: 12 })]
        })
      );
    });
    expect($$('.jp-SymphonyPanel-column')).toHaveLength(8);
    const toggle = $('.jp-SymphonyPanel-showColumns') as HTMLButtonElement;
    expect(toggle.textContent).toBe('Show all 12 columns');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await settle(() => toggle.click());
    expect($$('.jp-SymphonyPanel-column')).toHaveLength(12);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect($('.jp-SymphonyPanel-loadColumns')).toBeNull();
  });

  it('offers to load all columns when the catalog sent fewer', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', { variables: [dataframe('df', { columns_total: 500 })] })
      );
    });
    expect($('.jp-SymphonyPanel-loadColumns')?.textContent).toBe(
      'Load all 500 columns'
    );
  });

  it('renders what comes from the kernel as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', {
          variables: [
            dataframe('df', {
              type: evil,
              columns: [{ name: evil, dtype: evil }],
              columns_total: 1
            }),
            variable('bad', 'error', { error: evil })
          ]
        })
      );
    });
    expect(panel.node.querySelector('img')).toBeNull();
    expect($('.jp-SymphonyPanel-columnName')?.textContent).toBe(evil);
    expect($('.jp-SymphonyPanel-variableError')?.textContent).toBe(evil);
  });

  it('shows the state and the server message', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', {
          status: 'missing_package',
          message: 'Run %pip install symphony-lab in the kernel, then restart it.'
        })
      );
    });
    expect(state()).toBe('missing_package');
    expect($('.jp-SymphonyPanel-state')?.textContent).toBe(
      'Run %pip install symphony-lab in the kernel, then restart it.'
    );
  });

  it('shows the last catalog while busy, with its execution', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', { state: 'busy', variables: [dataframe('df')] })
      );
    });
    expect(state()).toBe('busy');
    expect($('.jp-SymphonyPanel-state')?.textContent).toContain(
      'as of execution [7]'
    );
    expect($$('.jp-SymphonyPanel-variable')).toHaveLength(1);
  });

  it('helps when the namespace is empty', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(catalog('k1'));
    });
    expect(state()).toBe('ok');
    expect($('.jp-SymphonyPanel-state')?.getAttribute('data-empty')).toBe(
      'true'
    );
    expect($('.jp-SymphonyPanel-state')?.textContent).toContain(
      'Run a cell that creates a DataFrame'
    );
    expect($('.jp-SymphonyPanel-state code')?.textContent).toBe(
      'df = pd.read_csv(…)'
    );
    expect($('.jp-SymphonyPanel-state')?.textContent).not.toContain('undefined');
  });

  it('filters by name', async () => {
    await settle(() => {
      model.setSource(source('k1'));
      model.handleCatalog(
        catalog('k1', { variables: [dataframe('train'), dataframe('test')] })
      );
    });
    await settle(() => (model.filter = 'tra'));
    expect(
      $$('.jp-SymphonyPanel-variable').map(e => e.getAttribute('data-name'))
    ).toEqual(['train']);
    expect(
      (panel.node.querySelector('input[type="search"]') as HTMLInputElement)
        .value
    ).toBe('tra');
  });
});
