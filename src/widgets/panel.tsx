/*
 * The "Symphony" side panel: what the current notebook's kernel holds,
 * grouped by kind, kept up to date by the server's pushes.
 *
 * DOM hooks (kept stable for the Galata tests):
 *   #symphony-lab-panel.jp-SymphonyPanel            the widget
 *   .jp-SymphonyPanel-header                        notebook, kernel, as-of
 *   .jp-SymphonyPanel-state[data-state]             the state shown
 *   .jp-SymphonyPanel-group[data-kind-group]        dataframes, series, ...
 *   .jp-SymphonyPanel-variable[data-name][data-kind]
 *     .jp-SymphonyPanel-shape                       "891 × 12"
 *   .jp-SymphonyPanel-findings                      findings (components/suggestions.tsx)
 *   .jp-SymphonyPanel-suggestion[data-component][data-variables]
 *   .jp-SymphonyBoard                               the board (widgets/board.tsx)
 */
import { PathExt } from '@jupyterlab/coreutils';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import {
  Button,
  InputGroup,
  ReactWidget,
  refreshIcon
} from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';
import * as React from 'react';


import { BoardModel } from '../board';
import { Findings, SuggestionList } from '../components/suggestions';
import { VariableEntry } from '../components/variable';
import { formatDuration, formatInteger, formatTime } from '../format';
import { symphonyIcon } from '../icons';
import { CatalogModel } from '../model';
import { ComponentRegistry } from '../registry';
import { viewKey } from '../suggestions';
import {
  DisplayState,
  GroupId,
  IFinding,
  ISymphonyComponents,
  IViewSpec
} from '../tokens';
import { BoardView, boardDecorator } from './board';

/** The id of the panel's node. */
export const PANEL_ID = 'symphony-lab-panel';

/** The side panel. */
export class SymphonyPanel extends ReactWidget {
  constructor(options: SymphonyPanel.IOptions) {
    super();
    this.model = options.model;
    this._trans = (options.translator ?? nullTranslator).load('symphony_lab');
    if (options.board) {
      this.board = options.board;
    } else {
      // A board of its own, that computes nothing (tests, or no server).
      this.board = new BoardModel();
      this._owned.push(this.board, this.board.follow(this.model));
    }
    this.registry = options.registry ?? new ComponentRegistry();
    this._onOpenBoard = options.onOpenBoard;
    this.id = PANEL_ID;
    this.addClass('jp-SymphonyPanel');
    this.title.icon = symphonyIcon;
    this.title.caption = this._trans.__('Symphony');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Symphony'));
    this.model.stateChanged.connect(this._onCatalogChanged, this);
    this.board.changed.connect(this._onModelChanged, this);
    this.registry.changed.connect(this._onCatalogChanged, this);
  }

  /** The model rendered. */
  readonly model: CatalogModel;

  /** The board shown under the findings. */
  readonly board: BoardModel;

  /** The renderers of the views. */
  readonly registry: ISymphonyComponents;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._setActive(false);
    this.model.stateChanged.disconnect(this._onCatalogChanged, this);
    this.board.changed.disconnect(this._onModelChanged, this);
    this.registry.changed.disconnect(this._onCatalogChanged, this);
    for (const owned of this._owned.splice(0)) {
      owned.dispose();
    }
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <PanelView
        model={this.model}
        board={this.board}
        registry={this.registry}
        trans={this._trans}
        onOpenBoard={this._onOpenBoard}
        catalogVersion={this._catalogVersion}
      />
    );
  }

  // The kernel is watched only while the panel is visible.
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._setActive(true);
    this.update();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._setActive(false);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._setActive(this.isVisible);
  }

  protected onBeforeDetach(msg: Message): void {
    this._setActive(false);
    super.onBeforeDetach(msg);
  }

  private _setActive(active: boolean): void {
    if (active && !this._hold) {
      this._hold = this.model.retain();
    } else if (!active && this._hold) {
      this._hold.dispose();
      this._hold = null;
    }
  }

  private _onModelChanged(): void {
    if (!this.board.drawingHeld) {
      this.update(); // (a held change is drawn when the hold ends: `changed` fires again)
    }
  }

  /** The catalog or the registry changed: the variables and findings are drawn again. */
  private _onCatalogChanged(): void {
    this._catalogVersion += 1;
    this.update();
  }

  private _catalogVersion = 0;

  private _trans: TranslationBundle;
  private _hold: IDisposable | null = null;
  private _owned: IDisposable[] = [];
  private _onOpenBoard: (() => void) | undefined;
}

export namespace SymphonyPanel {
  export interface IOptions {
    model: CatalogModel;
    /** The board; without one the panel makes one that computes nothing. */
    board?: BoardModel;
    /** The renderers; without one views are shown as raw data. */
    registry?: ISymphonyComponents;
    /** Show the board in the main area (a button on the board). */
    onOpenBoard?: () => void;
    translator?: ITranslator;
  }
}

interface IViewProps {
  model: CatalogModel;
  board: BoardModel;
  registry: ISymphonyComponents;
  trans: TranslationBundle;
  onOpenBoard?: () => void;
  /** Grows with every change of the catalog's model or of the registry (see `CatalogSections`). */
  catalogVersion?: number;
}

function groupLabel(id: GroupId, trans: TranslationBundle): string {
  switch (id) {
    case 'dataframes':
      return trans.__('DataFrames');
    case 'series':
      return trans.__('Series & Index');
    case 'arrays':
      return trans.__('Arrays');
    case 'models':
      return trans.__('Models');
    case 'errors':
      return trans.__('Errors');
    default:
      return trans.__('Other');
  }
}

/** The whole panel. */
export function PanelView(props: IViewProps): JSX.Element {
  const { model, board, registry, trans } = props;
  // The parts drawn from the catalog are drawn again only when it, the
  // registry or the set of open views changes (not for every answer of a
  // view: a brush changes the board several times a second).
  const catalogVersion = props.catalogVersion ?? -1;
  const openKey = JSON.stringify(board.views.map(viewKey).sort());
  const decorate = boardDecorator(board)?.finding;
  const catalogPart: ICatalogPartProps = {
    model,
    board,
    registry,
    trans,
    version: catalogVersion
  };
  return (
    <div className="jp-SymphonyPanel-content">
      <Header {...props} />
      {model.connectionLost ? (
        <div className="jp-SymphonyPanel-connection" role="alert">
          {trans.__(
            'Lost the connection to the Symphony server extension; reconnecting…'
          )}
        </div>
      ) : null}
      <StateMessage {...props} />
      <CatalogFindings {...catalogPart} decorate={decorate} />
      {model.kernelId ? (
        <BoardView
          board={board}
          registry={registry}
          trans={trans}
          idPrefix="jp-SymphonyPanel-board"
          takeFocus
          onOpenInMain={props.onOpenBoard}
        />
      ) : null}
      {model.source ? <Filter {...props} /> : null}
      <CatalogGroups {...catalogPart} openKey={openKey} />
      <Footer {...props} />
    </div>
  );
}

interface ICatalogPartProps {
  model: CatalogModel;
  board: BoardModel;
  registry: ISymphonyComponents;
  trans: TranslationBundle;
  /** The panel's `catalogVersion` (-1: unknown, drawn every time). */
  version: number;
}

/** Memoized on the catalog's version, unless it is unknown. */
function sameCatalogPart<P extends ICatalogPartProps>(a: P, b: P): boolean {
  if (a.version < 0 || b.version < 0) {
    return false;
  }
  return (Object.keys(a) as Array<keyof P>).every(key => a[key] === b[key]);
}

const CatalogFindings = React.memo(function CatalogFindings(
  props: ICatalogPartProps & { decorate?: (finding: IFinding) => JSX.Element | null }
): JSX.Element {
  const { model, board, registry, trans, decorate } = props;
  return (
    <Findings
      findings={model.findings}
      registry={registry}
      trans={trans}
      onOpen={spec => void board.open(spec)}
      decorate={decorate}
    />
  );
}, sameCatalogPart);

const CatalogGroups = React.memo(function CatalogGroups(
  props: ICatalogPartProps & { openKey: string }
): JSX.Element {
  const { model, board, registry, trans } = props;
  const { columnsShown, showMemory } = model.config;
  const kernelId = model.kernelId ?? '';
  const open = new Set(JSON.parse(props.openKey) as string[]);
  const onOpen = (spec: IViewSpec): void => {
    board.open(spec);
  };
  return (
    <div className="jp-SymphonyPanel-groups">
      {model.groups.map(group => {
        const headingId = `jp-SymphonyPanel-group-${group.id}`;
        return (
          <section
            key={group.id}
            className="jp-SymphonyPanel-group"
            data-kind-group={group.id}
            aria-labelledby={headingId}
          >
            <h3 className="jp-SymphonyPanel-groupTitle" id={headingId}>
              {groupLabel(group.id, trans)}
              <span className="jp-SymphonyPanel-count">
                {formatInteger(group.variables.length)}
              </span>
            </h3>
            <ul className="jp-SymphonyPanel-list">
              {group.variables.map(variable => (
                <li key={`${kernelId}:${variable.name}`}>
                  <VariableEntry
                    variable={variable}
                    trans={trans}
                    columnsShown={columnsShown}
                    showMemory={showMemory}
                    detail={model.detail(variable.name)}
                    onLoadDetail={name => void model.loadDetail(name)}
                  />
                  <SuggestionList
                    name={variable.name}
                    suggestions={model.suggestionsFor(variable.name)}
                    registry={registry}
                    trans={trans}
                    open={open}
                    onOpen={onOpen}
                  />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}, sameCatalogPart);

function Header(props: IViewProps): JSX.Element {
  const { model, trans } = props;
  const source = model.source;
  const catalog = model.catalog;
  const state = model.displayState;
  const notebook = source ? PathExt.basename(source.notebookPath) : '';
  let asOf = '';
  if (catalog && model.showsVariables && catalog.updated !== null) {
    const time = formatTime(catalog.updated);
    // A fresh kernel reports execution 0: no execution to speak of yet.
    asOf =
      catalog.execution_count !== null && catalog.execution_count > 0
        ? trans.__(
            'as of execution %1 · %2',
            String(catalog.execution_count),
            time
          )
        : trans.__('as of %1', time);
  }
  const elapsed = catalog ? formatDuration(catalog.elapsed_ms) : '';
  const canRefresh =
    !!model.watchedKernelId &&
    model.connectionState === 'open' &&
    state !== 'busy' &&
    state !== 'restarting' &&
    state !== 'dead';
  return (
    <header className="jp-SymphonyPanel-header">
      <div className="jp-SymphonyPanel-headerText">
        <h2 className="jp-SymphonyPanel-title" title={source?.notebookPath}>
          {notebook || trans.__('Symphony')}
        </h2>
        {source?.kernelName ? (
          <div className="jp-SymphonyPanel-kernel">{source.kernelName}</div>
        ) : null}
        {asOf ? (
          <div
            className="jp-SymphonyPanel-asOf"
            title={
              elapsed
                ? trans.__('Taken in %1', elapsed)
                : undefined
            }
          >
            {asOf}
          </div>
        ) : null}
      </div>
      {source ? (
        <Button
          minimal
          small
          className="jp-SymphonyPanel-refresh"
          title={trans.__('Read the kernel’s namespace again')}
          aria-label={trans.__('Refresh')}
          disabled={!canRefresh}
          onClick={() => model.refresh()}
        >
          <refreshIcon.react tag="span" elementPosition="center" />
        </Button>
      ) : null}
    </header>
  );
}

function Filter(props: IViewProps): JSX.Element {
  const { model, trans } = props;
  return (
    <div className="jp-SymphonyPanel-filter">
      <InputGroup
        type="search"
        value={model.filter}
        placeholder={trans.__('Filter by name')}
        aria-label={trans.__('Filter variables by name')}
        rightIcon="ui-components:search"
        onChange={event => {
          model.filter = event.currentTarget.value;
        }}
      />
    </div>
  );
}

/**
 * A translated sentence with one piece of code in it ("%1"), set as <code>
 * that does not break.
 */
function withCode(sentence: string, code: string): JSX.Element {
  const at = sentence.indexOf('%1');
  if (at < 0) {
    return <>{sentence}</>;
  }
  return (
    <>
      {sentence.slice(0, at)}
      <code className="jp-SymphonyPanel-code">{code}</code>
      {sentence.slice(at + 2)}
    </>
  );
}

/** The text of the state message. */
function stateText(
  model: CatalogModel,
  trans: TranslationBundle
): string | JSX.Element {
  const state: DisplayState = model.displayState;
  const source = model.source;
  const catalog = model.catalog;
  const message = model.message;
  switch (state) {
    case 'no-kernel':
      if (!source) {
        return trans.__(
          'Open a notebook to see the DataFrames, arrays and models its kernel holds.'
        );
      }
      return trans.__(
        '%1 has no kernel. Select a kernel to see what it holds.',
        PathExt.basename(source.notebookPath) || trans.__('This notebook')
      );
    case 'pending':
      if (!source?.kernelId) {
        return trans.__('Starting the kernel…');
      }
      if (catalog?.state === 'busy') {
        return trans.__(
          'The kernel is busy; its variables appear when it finishes.'
        );
      }
      return message ?? trans.__('Reading what the kernel holds…');
    case 'busy':
      return typeof catalog?.execution_count === 'number' &&
        catalog.execution_count > 0
        ? trans.__(
            'The kernel is busy. Showing what it held as of execution [%1].',
            String(catalog.execution_count)
          )
        : trans.__('The kernel is busy. Showing the last list taken.');
    case 'restarting':
      return trans.__('The kernel is restarting…');
    case 'dead':
      return (
        message ??
        trans.__('The kernel is dead. Restart it to see its variables again.')
      );
    case 'not_python':
      return (
        message ??
        trans.__(
          'This kernel does not run Python; Symphony reads Python kernels only.'
        )
      );
    case 'missing_package':
      return (
        message ??
        trans.__(
          'symphony_lab is not installed in the kernel’s environment. Install it there and restart the kernel.'
        )
      );
    case 'timeout':
      return (
        message ??
        trans.__('The kernel took too long to describe its namespace.')
      );
    case 'unsupported':
      return message ?? trans.__('Symphony does not support this kernel.');
    case 'error':
      return (
        message ?? trans.__('Symphony could not read the kernel’s namespace.')
      );
    case 'ok': {
      const counts = model.counts;
      if (counts.total === 0) {
        // The placeholder is kept ('%1' for %1): the sentence is cut there
        // to set the example as code.
        return withCode(
          trans.__(
            'Nothing here yet. Run a cell that creates a DataFrame, an array or a model (for example %1) and it shows up here.',
            '%1'
          ),
          'df = pd.read_csv(…)'
        );
      }
      if (counts.shown === 0 && counts.hidden === counts.total) {
        return trans.__(
          'All %1 variables are of kinds hidden in the settings (hiddenKinds).',
          formatInteger(counts.total)
        );
      }
      if (counts.shown === 0) {
        return trans.__('No variable matches “%1”.', model.filter.trim());
      }
      if (counts.shown < counts.total) {
        return trans.__(
          '%1 of %2 variables',
          formatInteger(counts.shown),
          formatInteger(counts.total)
        );
      }
      return trans._n('%1 variable', '%1 variables', counts.total);
    }
  }
}

function StateMessage(props: IViewProps): JSX.Element {
  const { model, trans } = props;
  const state = model.displayState;
  const empty = state === 'ok' && model.counts.total === 0;
  return (
    <div
      className="jp-SymphonyPanel-state"
      data-state={state}
      data-empty={empty ? 'true' : undefined}
      role="status"
      aria-live="polite"
    >
      {stateText(model, trans)}
    </div>
  );
}

function Footer(props: IViewProps): JSX.Element | null {
  const { model, trans } = props;
  const catalog = model.catalog;
  if (!catalog || !model.showsVariables) {
    return null;
  }
  const notes: string[] = [];
  if (catalog.truncated) {
    notes.push(
      trans.__(
        'The list is cut short: the kernel holds more than the catalog describes at once.'
      )
    );
  }
  if (catalog.skipped > 0) {
    notes.push(
      trans._n(
        '%1 other object is of a kind Symphony does not describe.',
        '%1 other objects are of kinds Symphony does not describe.',
        catalog.skipped
      )
    );
  }
  if (notes.length === 0) {
    return null;
  }
  return (
    <footer className="jp-SymphonyPanel-footer">
      {notes.map(note => (
        <p key={note} className="jp-SymphonyPanel-note">
          {note}
        </p>
      ))}
    </footer>
  );
}
