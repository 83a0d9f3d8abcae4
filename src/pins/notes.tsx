/*
 * The comment threads recorded with a pin, under the pinned view: read-only,
 * each text as Markdown through JupyterLab's sanitizer (untrusted) when a
 * rendermime registry is there, as plain text otherwise.
 *
 * DOM hooks:
 *   .jp-SymphonyPinNotes                      the threads
 *     .jp-SymphonyPinNotes-thread[data-resolved][data-target=view|board]
 *       .jp-SymphonyPinNotes-note[data-author]  one annotation (.jp-SymphonyPinNotes-reply for replies)
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { NoteText } from '../collab/components';
import type { IPinNote, IPinThread } from './mime';

function when(iso: string | null): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function Note(props: {
  note: IPinNote;
  reply: boolean;
  resolved?: boolean;
  /** A thread about the whole board ("Pin board"), not about this view. */
  onBoard?: boolean;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { note, reply, rendermime, trans } = props;
  const name = note.author.name || note.author.username || trans.__('someone');
  return (
    <li
      className={`jp-SymphonyPinNotes-note${reply ? ' jp-SymphonyPinNotes-reply' : ''}`}
      data-author={note.author.username}
    >
      <div className="jp-SymphonyPinNotes-meta">
        <span className="jp-SymphonyPinNotes-author">{name}</span>
        {note.created ? <span> · {when(note.created)}</span> : null}
        {props.onBoard ? (
          <span className="jp-SymphonyPinNotes-target"> · {trans.__('on the board')}</span>
        ) : null}
        {props.resolved ? (
          <span className="jp-SymphonyPinNotes-resolved"> · {trans.__('resolved')}</span>
        ) : null}
      </div>
      <NoteText text={note.text} rendermime={rendermime} />
    </li>
  );
}

/** The threads of a pin; nothing when there are none. */
export function PinnedNotes(props: {
  threads: ReadonlyArray<IPinThread>;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { threads, rendermime, trans } = props;
  if (threads.length === 0) {
    return null;
  }
  return (
    <section
      className="jp-SymphonyPinNotes"
      aria-label={trans.__('Comments recorded with this pin')}
    >
      <div className="jp-SymphonyPinNotes-title">
        {trans._n('%1 comment thread', '%1 comment threads', threads.length)}
        <span className="jp-SymphonyPinNotes-hint">
          {' '}
          {trans.__('(as when it was pinned)')}
        </span>
      </div>
      {threads.map(thread => (
        <ul
          key={thread.id}
          className="jp-SymphonyPinNotes-thread"
          data-resolved={thread.resolved ? 'true' : 'false'}
          data-target={thread.target.kind}
        >
          <Note
            note={thread}
            reply={false}
            resolved={thread.resolved}
            onBoard={thread.target.kind === 'board'}
            rendermime={rendermime}
            trans={trans}
          />
          {thread.replies.map(reply => (
            <Note
              key={reply.id}
              note={reply}
              reply={true}
              rendermime={rendermime}
              trans={trans}
            />
          ))}
        </ul>
      ))}
    </section>
  );
}
