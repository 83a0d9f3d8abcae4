/*
 * The collaboration UI of the board: who is here and whether sharing is on
 * (CollabHeader, above the views), and per view a bar with the avatars of
 * those who look at it and its comment threads (ViewDecoration).
 *
 * Every text written by a person is rendered as plain text, or as Markdown
 * through JupyterLab's rendermime with `trusted: false`, i.e. through the
 * sanitizer: no script, event handler, form or javascript: link survives.
 *
 * DOM hooks:
 *   .jp-SymphonyCollab[data-mode=shared|local]       the header
 *     .jp-SymphonyCollab-status                        "Shared live" / why sharing is off
 *     .jp-SymphonyCollab-peer[data-name]               someone here
 *   .jp-SymphonyCollab-viewBar[data-view-id]          above a view's card
 *     .jp-SymphonyCollab-avatar[data-name]             someone looking at it
 *     .jp-SymphonyCollab-commentsToggle                shows its threads
 *   .jp-SymphonyThread[data-resolved]                  a thread
 *     .jp-SymphonyNote[data-author]                    one annotation
 *       .jp-SymphonyNote-author / -text / -actions
 *   .jp-SymphonyNote-input / .jp-SymphonyNote-submit   a composer
 *   .jp-SymphonyCollab-targetComments[data-kind][data-ref]  after a finding,
 *                                                    the selection chip, the group-by chip
 *     .jp-SymphonyCollab-targetToggle[data-count]      opens its threads
 *     .jp-SymphonyCollab-targetThreads                 the threads and a composer
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal } from '@lumino/signaling';
import * as React from 'react';

import { IBoardState, IBoardView, ICatalogModel, IFinding, IGroups, ISelection } from '../tokens';
import { CollabController } from './controller';
import { safeColor } from './presence';
import { IAnnotation, IAnnotationTarget, IPeer, IThread } from './tokens';

/** Re-render when a signal fires. */
function useSignal(signal: ISignal<unknown, unknown> | null): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    if (!signal) {
      return;
    }
    const bump = (): void => setTick(t => t + 1);
    signal.connect(bump);
    return () => {
      signal.disconnect(bump);
    };
  }, [signal]);
}

export interface ICollabProps {
  controller: CollabController;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}

/** Markdown through JupyterLab's sanitizer (untrusted), or plain text. */
export function NoteText(props: {
  text: string;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { text, rendermime } = props;
  const ref = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    const host = ref.current;
    if (!host) {
      return;
    }
    host.textContent = text;
    if (!rendermime) {
      return;
    }
    const renderer = rendermime.createRenderer('text/markdown');
    const model = rendermime.createModel({
      data: { 'text/markdown': text },
      trusted: false
    });
    let live = true;
    renderer
      .renderModel(model)
      .then(() => {
        if (live) {
          host.textContent = '';
          host.appendChild(renderer.node);
        }
      })
      .catch(() => {
        // Stay with the plain text.
      });
    return () => {
      live = false;
      renderer.dispose();
    };
  }, [text, rendermime]);
  return <div ref={ref} className="jp-SymphonyNote-text" />;
}

function Avatar(props: {
  name: string;
  initials: string;
  color: string;
  className?: string;
}): JSX.Element {
  return (
    <span
      className={`jp-SymphonyCollab-avatar ${props.className ?? ''}`}
      data-name={props.name}
      title={props.name}
      style={{ backgroundColor: safeColor(props.color) }}
    >
      {props.initials || props.name.charAt(0).toUpperCase()}
    </span>
  );
}

function when(ms: number): string {
  return ms ? new Date(ms).toLocaleString() : '';
}

/** A text box and a button; `onSubmit` resolves when the server took it. */
function Composer(props: {
  trans: TranslationBundle;
  placeholder: string;
  label: string;
  initial?: string;
  onSubmit: (text: string) => Promise<unknown>;
  onCancel?: () => void;
}): JSX.Element {
  const { trans } = props;
  const [text, setText] = React.useState(props.initial ?? '');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const submit = async (): Promise<void> => {
    if (!text.trim() || busy) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(text);
      setText('');
    } catch (reason) {
      setError((reason as Error)?.message ?? String(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="jp-SymphonyNote-composer">
      <textarea
        className="jp-SymphonyNote-input"
        aria-label={props.placeholder}
        placeholder={props.placeholder}
        value={text}
        rows={2}
        onChange={e => setText(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <div className="jp-SymphonyNote-composerActions">
        {props.onCancel ? (
          <button type="button" className="jp-SymphonyView-button" onClick={props.onCancel}>
            {trans.__('Cancel')}
          </button>
        ) : null}
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyNote-submit"
          disabled={busy || !text.trim()}
          onClick={() => void submit()}
        >
          {props.label}
        </button>
      </div>
      {error ? (
        <p className="jp-SymphonyNote-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Note(props: ICollabProps & { note: IAnnotation; root: boolean }): JSX.Element {
  const { note, controller, trans, rendermime } = props;
  const [editing, setEditing] = React.useState(false);
  const own = note.author.username === controller.username;
  return (
    <div className="jp-SymphonyNote" data-author={note.author.name} data-id={note.id}>
      <div className="jp-SymphonyNote-head">
        <Avatar name={note.author.name} initials={note.author.initials} color={note.author.color} />
        <span className="jp-SymphonyNote-author">{note.author.name}</span>
        <span className="jp-SymphonyNote-time" title={when(note.created)}>
          {when(note.created)}
          {note.edited ? ` · ${trans.__('edited')}` : ''}
        </span>
      </div>
      {editing ? (
        <Composer
          trans={trans}
          placeholder={trans.__('Edit your note (Markdown)')}
          label={trans.__('Save')}
          initial={note.text}
          onCancel={() => setEditing(false)}
          onSubmit={async text => {
            await controller.annotate({ op: 'edit', id: note.id, text });
            setEditing(false);
          }}
        />
      ) : (
        <NoteText text={note.text} rendermime={rendermime} />
      )}
      <div className="jp-SymphonyNote-actions">
        {own && !editing ? (
          <button type="button" className="jp-SymphonyView-button jp-SymphonyNote-edit" onClick={() => setEditing(true)}>
            {trans.__('Edit')}
          </button>
        ) : null}
        {props.root ? (
          <button
            type="button"
            className="jp-SymphonyView-button jp-SymphonyNote-resolve"
            onClick={() =>
              void controller.annotate({ op: note.resolved ? 'reopen' : 'resolve', id: note.id })
            }
          >
            {note.resolved ? trans.__('Reopen') : trans.__('Resolve')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

function Thread(props: ICollabProps & { thread: IThread; showTarget?: boolean }): JSX.Element {
  const { thread, trans, controller } = props;
  const [replying, setReplying] = React.useState(false);
  const [open, setOpen] = React.useState(!thread.root.resolved);
  const resolved = thread.root.resolved;
  return (
    <div className="jp-SymphonyThread" data-resolved={resolved ? 'true' : 'false'}>
      {props.showTarget ? (
        <div className="jp-SymphonyThread-target">{targetText(thread.root.target, trans)}</div>
      ) : null}
      {resolved && !open ? (
        <button type="button" className="jp-SymphonyView-button jp-SymphonyThread-show" onClick={() => setOpen(true)}>
          {trans.__('Resolved thread by %1 (%2 replies): show', thread.root.author.name, thread.replies.length)}
        </button>
      ) : (
        <>
          <Note {...props} note={thread.root} root={true} />
          {thread.replies.map(reply => (
            <Note key={reply.id} {...props} note={reply} root={false} />
          ))}
          {replying ? (
            <Composer
              trans={trans}
              placeholder={trans.__('Reply (Markdown)')}
              label={trans.__('Reply')}
              onCancel={() => setReplying(false)}
              onSubmit={async text => {
                await controller.annotate({ op: 'reply', parent: thread.root.id, text });
                setReplying(false);
              }}
            />
          ) : (
            <button type="button" className="jp-SymphonyView-button jp-SymphonyThread-reply" onClick={() => setReplying(true)}>
              {trans.__('Reply')}
            </button>
          )}
        </>
      )}
    </div>
  );
}

function targetText(target: IAnnotationTarget, trans: TranslationBundle): string {
  switch (target.kind) {
    case 'board':
      return trans.__('On the board');
    case 'view':
      return trans.__('On the view %1', target.label || target.ref);
    case 'selection':
      return trans.__('On the selection %1', target.label);
    case 'group':
      return trans.__('On the groups %1', target.label);
    case 'finding':
      return trans.__('On the finding %1', target.label);
    default:
      return target.label;
  }
}

/**
 * The target of comments on a finding: by its kind and variables, not its
 * place in the list, so that a thread finds its finding again after the
 * findings are computed again.
 */
export function findingTarget(
  finding: Pick<IFinding, 'kind' | 'variables' | 'message'> & Partial<Pick<IFinding, 'evidence' | 'params'>>
): IAnnotationTarget {
  // Two findings of one kind on one frame (two constant columns) differ by their column.
  const column = finding.evidence?.column ?? finding.params?.column;
  return {
    kind: 'finding',
    ref: `${finding.kind}:${finding.variables.join(',')}${typeof column === 'string' ? `:${column}` : ''}`,
    label: finding.message
  };
}

/** The target of comments on the board's selection. */
export function selectionTarget(selection: Pick<ISelection, 'label' | 'component'>): IAnnotationTarget {
  const label = selection.label || selection.component || '';
  return { kind: 'selection', ref: label, label };
}

/** The target of comments on the board's group-by. */
export function groupTarget(groups: IGroups): IAnnotationTarget {
  return { kind: 'group', ref: groups.column, label: groups.column };
}

/** A speech bubble (the comment buttons), coloured by the theme. */
function BubbleIcon(): JSX.Element {
  return (
    <svg className="jp-SymphonyCollab-bubble" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M2 3h12v8H6l-3 3v-3H2z" />
    </svg>
  );
}

/**
 * A comment button (with the count of open threads) after a finding or a
 * chip, opening the same threads and composer as a view's.
 */
export function TargetComments(props: ICollabProps & { target: IAnnotationTarget; what: string }): JSX.Element | null {
  const { controller, target, trans } = props;
  useSignal(controller.changed);
  const [open, setOpen] = React.useState(false);
  if (!controller.session) {
    return null;
  }
  const threads = controller.threads(target);
  const count = threads.filter(t => !t.root.resolved).length;
  const label =
    count > 0
      ? trans._n('%2: %1 comment thread', '%2: %1 comment threads', count, props.what)
      : trans.__('Comment on %1', props.what);
  return (
    <span className="jp-SymphonyCollab-targetComments" data-kind={target.kind} data-ref={target.ref}>
      <button
        type="button"
        className="jp-SymphonyView-button jp-SymphonyCollab-targetToggle"
        data-count={count}
        aria-expanded={open}
        aria-label={label}
        title={label}
        onClick={() => setOpen(!open)}
      >
        <BubbleIcon />
        {count > 0 ? <span className="jp-SymphonyCollab-count">{count}</span> : null}
      </button>
      {open ? (
        <div className="jp-SymphonyCollab-targetThreads">
          <Threads {...props} target={target} />
        </div>
      ) : null}
    </span>
  );
}

/** Threads on one target, and a composer for a new one. */
function Threads(props: ICollabProps & { target: IAnnotationTarget; all?: boolean }): JSX.Element {
  const { controller, target, trans } = props;
  const threads = props.all ? controller.threads() : controller.threads(target);
  return (
    <div className="jp-SymphonyThreads">
      {threads.map(thread => (
        <Thread key={thread.root.id} {...props} thread={thread} showTarget={props.all} />
      ))}
      <Composer
        trans={trans}
        placeholder={trans.__('Comment on %1 (Markdown)', target.label || trans.__('the board'))}
        label={trans.__('Comment')}
        onSubmit={text => controller.comment(target, text)}
      />
    </div>
  );
}

function PeerList(props: { peers: IPeer[] }): JSX.Element | null {
  if (props.peers.length === 0) {
    return null;
  }
  return (
    <span className="jp-SymphonyCollab-peers">
      {props.peers.map(peer => (
        <Avatar key={peer.clientId} className="jp-SymphonyCollab-peer" name={peer.name} initials={peer.initials} color={peer.color} />
      ))}
    </span>
  );
}

/** Above the views: sharing status, who is here, and notes on the board. */
export function CollabHeader(props: ICollabProps & { model: ICatalogModel; board: { state: object } }): JSX.Element | null {
  const { controller, trans, model } = props;
  useSignal(controller.changed);
  const [target, setTarget] = React.useState('board');
  const [open, setOpen] = React.useState(false);
  const status = controller.status;
  if (!status.notebook || (!controller.session && !status.loading && !status.error)) {
    // No board file yet (nothing to keep): nothing to say.
    return null;
  }
  const peers = controller.peers();
  const threads = controller.threads();
  const open_ = threads.filter(t => !t.root.resolved).length;
  const state = props.board.state as IBoardState;
  const targets: Array<[string, IAnnotationTarget]> = [['board', { kind: 'board', ref: '', label: trans.__('the board') }]];
  if (state.selection) {
    targets.push(['selection', selectionTarget(state.selection)]);
  }
  if (state.groups?.column) {
    targets.push(['group', groupTarget(state.groups)]);
  }
  for (const finding of model.findings.slice(0, 20)) {
    const target = findingTarget(finding);
    targets.push([`finding:${target.ref}`, target]);
  }
  const chosen = targets.find(([key]) => key === target)?.[1] ?? targets[0][1];
  const shared = status.mode === 'shared';
  return (
    <div className="jp-SymphonyCollab" data-mode={status.mode ?? 'loading'}>
      <div className="jp-SymphonyCollab-bar">
        <span className={`jp-SymphonyCollab-status ${shared ? 'jp-mod-shared' : ''}`} title={status.reason ?? ''}>
          {status.loading
            ? trans.__('Opening the shared board…')
            : shared
              ? peers.length > 0
                ? trans._n('Shared live with %1 other', 'Shared live with %1 others', peers.length)
                : trans.__('Shared live: nobody else here now')
              : status.error
                ? status.error
                : trans.__('Sharing is off: %1', status.reason ?? '')}
        </span>
        <PeerList peers={peers} />
        <button
          type="button"
          className="jp-SymphonyView-button jp-SymphonyCollab-notesToggle"
          aria-expanded={open}
          disabled={!controller.session}
          onClick={() => setOpen(!open)}
        >
          {trans.__('Notes (%1)', open_)}
        </button>
      </div>
      {open && controller.session ? (
        <div className="jp-SymphonyCollab-notes">
          <label className="jp-SymphonyCollab-targetLabel">
            {trans.__('New note on')}{' '}
            <select className="jp-SymphonyCollab-target" value={target} onChange={e => setTarget(e.target.value)}>
              {targets.map(([key, t]) => (
                <option key={key} value={key}>
                  {key === 'board' ? t.label : targetText(t, trans)}
                </option>
              ))}
            </select>
          </label>
          <Threads {...props} target={chosen} all={true} />
        </div>
      ) : null}
    </div>
  );
}

/** Above one view's card: who looks at it, and its threads. */
export function ViewDecoration(props: ICollabProps & { view: IBoardView; title: string }): JSX.Element | null {
  const { controller, view, trans } = props;
  useSignal(controller.changed);
  const [open, setOpen] = React.useState(false);
  if (!controller.session) {
    return null;
  }
  const docId = controller.docIdOf(view.id);
  const ref = docId ?? view.id;
  const target: IAnnotationTarget = { kind: 'view', ref, label: props.title };
  const threads = docId ? controller.threads({ kind: 'view', ref }) : [];
  const lookers = docId ? controller.peers().filter(p => p.view === docId) : [];
  const count = threads.filter(t => !t.root.resolved).length;
  return (
    <div className="jp-SymphonyCollab-viewBar" data-view-id={ref}>
      <span className="jp-SymphonyCollab-viewPeers">
        {lookers.map(peer => (
          <Avatar key={peer.clientId} name={peer.name} initials={peer.initials} color={peer.color} />
        ))}
      </span>
      <button
        type="button"
        className="jp-SymphonyView-button jp-SymphonyCollab-commentsToggle"
        aria-expanded={open}
        disabled={!docId}
        onClick={() => setOpen(!open)}
      >
        {count > 0 ? trans.__('Comments (%1)', count) : trans.__('Comment')}
      </button>
      {open && docId ? (
        <div className="jp-SymphonyCollab-viewThreads">
          <Threads {...props} target={target} />
        </div>
      ) : null}
    </div>
  );
}
