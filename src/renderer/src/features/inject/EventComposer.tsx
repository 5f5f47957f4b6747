import { EventType } from '@ag-ui/core';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/connections';
import type { InjectConflict } from '../../../../shared/control-api';
import type { JsonObject } from '../../../../shared/json-value';
import { ApiError, errorMessage, type ValidationIssue } from '../../api/api-error';
import { api } from '../../api/control-client';
import { selectOpenConnections, useConnectionsStore } from '../../stores/connections-store';
import {
  getInjectDraft,
  setReplacedText,
  updateInjectDraft,
  useInjectDraft,
  useInjectDraftsStore,
} from '../../stores/inject-drafts-store';
import { rememberSent } from '../../stores/payloads-store';
import { BlockedReason } from '../../ui/BlockedReason';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LazyJsonEditor } from '../../ui/LazyJsonEditor';
import { ScrollRegion } from '../../ui/ScrollRegion';
import { SendKeyHint } from '../../ui/SendKeyHint';
import { jsonProblem } from '../../ui/unparsed-fields';
import { useAction } from '../../ui/use-action';
import { notOpenWords } from '../connections/not-open-words';
import { conflictInConsoleWords } from './conflict-words';
import { eventsOf, validateEvents } from './event-validation';
import { FindingsList, type ListedFinding } from './FindingsList';
import { PayloadShelf } from './PayloadShelf';
import { contentOfEditor, describeContent, editorTextOf, type PayloadContent } from './payload-bodies';
import { sentWords } from './sent-words';
import { TargetPicker } from './TargetPicker';

const EVENT_TYPES = Object.values(EventType);
const EDITOR_KINDS = ['events', 'json', 'text'] as const;
const CHECK_DELAY_MS = 400;

type Target = 'this' | 'chosen' | 'all';
/** What the last send did, in words (see sentWords). */
type Outcome = string | null;

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Findings of a 409, whether it came from one connection or a broadcast: a broadcast's, each listed once with the
 * number of connections it would happen on (301 sockets after a finished run all answer the same R3).
 */
function conflictFindings(error: ApiError): ListedFinding[] {
  const body = error.body as Partial<InjectConflict> & { conflicts?: InjectConflict[] };
  if (body.findings) return body.findings;
  const listed = new Map<string, ListedFinding>();
  for (const finding of body.conflicts?.flatMap((conflict) => conflict.findings) ?? []) {
    const key = `${finding.index}\u0000${finding.rule}\u0000${finding.message}`;
    const seen = listed.get(key);
    if (seen) seen.connections = (seen.connections ?? 1) + 1;
    else listed.set(key, { ...finding, connections: 1 });
  }
  return [...listed.values()];
}

/**
 * Pick an event type, get a template filled from the connection's context, edit it with schema checking as you
 * type, see which sequence rule it would break, then send — or send anyway. What is typed is the connection's
 * draft (kept across views, connections and reloads); saved and recently sent payloads load into the editor.
 */
export function EventComposer({ connection }: { connection: ConnectionSummary }) {
  const draft = useInjectDraft(connection.id);
  const replacedText = useInjectDraftsStore((state) => state.replaced[connection.id] ?? null);
  const draftNotKept = useInjectDraftsStore((state) => state.notKept[connection.id] ?? false);
  const eventType = draft.eventType;
  /** The last template loaded: shown while the person has not typed anything of their own. */
  const [template, setTemplate] = useState('');
  const text = draft.text ?? template;
  const [templateLoading, setTemplateLoading] = useState(false);
  const [target, setTarget] = useState<Target>('this');
  const [chosen, setChosen] = useState<string[]>([connection.id]);
  const [findings, setFindings] = useState<ListedFinding[]>([]);
  const [checkProblem, setCheckProblem] = useState<string | null>(null);
  const [templateError, setTemplateError] = useState<string | null>(null);
  /** The fields the engine refused at the last send (its 422), shown while that refusal is. */
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  /** Successful sends: each changes what is open on the connection, so the same text is checked again. */
  const [sent, setSent] = useState(0);

  /** Replaces the editor's text; what the person had typed stays at hand to put back. */
  const replaceText = useCallback(
    (next: string | null) => {
      const typed = getInjectDraft(connection.id).text;
      if (typed !== null && typed !== next) setReplacedText(connection.id, typed);
      updateInjectDraft(connection.id, { text: next });
    },
    [connection.id],
  );

  const loadTemplate = useCallback(
    async (type: string) => {
      setTemplateLoading(true);
      setTemplateError(null);
      try {
        const { event } = await api.template(connection.id, type);
        setTemplate(JSON.stringify(event, null, 2));
        setOutcome(null);
      } catch (caught) {
        setTemplateError(`No template for ${type}: ${errorMessage(caught)}`);
      } finally {
        setTemplateLoading(false);
      }
    },
    [connection.id],
  );

  // Opened with a template for the draft's type, unless the draft holds text of its own.
  const typedAtOpen = useRef(draft.text !== null);
  const typeAtOpen = useRef(draft.eventType);
  /** Sends so far: a rule check of an edit made before a send does not overwrite what the send was answered. */
  const sends = useRef(0);
  useEffect(() => {
    if (!typedAtOpen.current) void loadTemplate(typeAtOpen.current);
  }, [loadTemplate]);

  const freshTemplate = (type: string) => {
    replaceText(null);
    void loadTemplate(type);
  };

  const onEdit = (next: string) => {
    if (next === text) return;
    // Typed back to the template: nothing of the person's own is left (an empty editor is theirs, though).
    updateInjectDraft(connection.id, { text: next === template && template !== '' ? null : next });
  };

  const loadPayload = (content: PayloadContent) => {
    replaceText(editorTextOf(content));
    setOutcome(null);
  };

  const parsed = useMemo(() => parse(text), [text]);
  const schemaProblems = useMemo(
    () => (parsed.ok ? validateEvents(parsed.value).map((issue) => issue.message) : []),
    [parsed],
  );
  const schemaValid = parsed.ok && schemaProblems.length === 0;
  // Events go to AG-UI sockets only (the engine refuses the others with 409), and only to open ones.
  const openConnections = useConnectionsStore(selectOpenConnections);
  const eventTargets = useMemo(() => openConnections.filter((item) => item.protocol === 'agui'), [openConnections]);
  // Chosen ones that closed since are no longer shown in the picker, nor sent to (the engine would refuse all).
  const chosenOpen = useMemo(() => {
    const ids = new Set(eventTargets.map((item) => item.id));
    return chosen.filter((id) => ids.has(id));
  }, [chosen, eventTargets]);
  /** A closed connection takes no events and has no sequence to check them against (the engine answers 409). */
  const notOpen = notOpenWords(connection);
  const open = notOpen === null;
  // Why Send is off, or what the engine will refuse, in words beside it (the gutter's marks are not read by all).
  const blocked = !parsed.ok
    ? [jsonProblem(text) ?? 'Not JSON']
    : target === 'chosen' && chosenOpen.length === 0
      ? ['pick at least one connection']
      : target === 'all' && eventTargets.length === 0
        ? ['no AG-UI connection is open']
        : notOpen !== null && target === 'this'
          ? [`${notOpen} (pick open ones in Send to)`]
          : [];
  const blockedId = useId();

  // Dry run as the person types, and after each send: which sequence rule would this break right now?
  // biome-ignore lint/correctness/useExhaustiveDependencies: a send changes the connection's sequence, not the text
  useEffect(() => {
    if (!parsed.ok || !schemaValid || !open) {
      setFindings([]);
      return;
    }
    let stale = false;
    // A send since this edit answered for the same text (a broadcast's findings, grouped): newer than any check.
    const sendsAtEdit = sends.current;
    const timer = setTimeout(async () => {
      if (sends.current !== sendsAtEdit) return;
      try {
        const result = await api.checkEvents(connection.id, eventsOf(parsed.value));
        if (!stale && sends.current === sendsAtEdit) {
          setFindings(result.findings);
          setCheckProblem(null);
        }
      } catch (caught) {
        if (!stale) setCheckProblem(`Rule check unavailable: ${errorMessage(caught)}`);
      }
    }, CHECK_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [parsed, schemaValid, connection.id, sent, open]);

  const send = useAction(
    async (force: boolean) => {
      sends.current++;
      setIssues([]);
      setOutcome(null);
      if (!parsed.ok) throw new Error('The editor does not hold valid JSON yet.');
      const events = eventsOf(parsed.value);
      try {
        if (target === 'this') {
          const result = await api.injectEvents(connection.id, events, force);
          setOutcome(sentWords([result], false));
        } else {
          const { results } = await api.broadcastEvents(target === 'chosen' ? chosenOpen : undefined, events, force);
          setOutcome(sentWords(results, true));
        }
        rememberSent({ kind: 'events', body: events as JsonObject[] });
        setFindings([]);
        setSent((count) => count + 1);
      } catch (caught) {
        if (caught instanceof ApiError && caught.status === 409) {
          setFindings(conflictFindings(caught));
          throw new Error(`Not sent: ${conflictInConsoleWords(caught.message, 'Send anyway')}`);
        }
        if (caught instanceof ApiError && caught.status === 422) {
          setIssues(caught.issues);
          throw new Error('Not sent: the engine refused the events (see below).');
        }
        throw caught;
      }
    },
    // A refusal is about the text that was sent: it goes once the draft changes.
    { about: text },
  );
  // A refusal made while the connection was open says to fix the events or Send anyway, neither of which can happen
  // once it is not: it goes, and the not-open reason is what shows. One made since (a send to others) stays.
  const [openBefore, setOpenBefore] = useState(open);
  if (openBefore !== open) {
    setOpenBefore(open);
    if (!open) send.clearError();
  }
  const refusedIssues = send.error === null ? [] : issues;
  // Off while sending, but still focusable: the focus stays on the button pressed (Enter on Send). Ctrl+Enter in the
  // editor sends too: not what Send is off for (the engine would refuse it).
  const trySend = (force: boolean) => {
    if (!send.busy && blocked.length === 0) void send.run(force);
  };

  return (
    <section data-testid="event-composer">
      <div className="row">
        <label className="field inline spacer">
          Event type
          <select
            aria-label="Event type"
            value={eventType}
            onChange={(event) => {
              updateInjectDraft(connection.id, { eventType: event.target.value });
              freshTemplate(event.target.value);
            }}
          >
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          Send to
          <select aria-label="Send to" value={target} onChange={(event) => setTarget(event.target.value as Target)}>
            <option value="this">This connection</option>
            <option value="chosen">Chosen connections…</option>
            <option value="all">All open AG-UI connections ({eventTargets.length})</option>
          </select>
        </label>
      </div>
      {target === 'chosen' && <TargetPicker connections={eventTargets} chosen={chosenOpen} onChange={setChosen} />}
      <PayloadShelf
        accepts={EDITOR_KINDS}
        recentKind="events"
        current={() => contentOfEditor(text)}
        suggestName={() => describeContent(contentOfEditor(text))}
        onLoad={loadPayload}
      />
      <div className="row draft-status" data-testid="draft-status">
        {templateLoading ? (
          <>
            <span className="spinner" /> Filling a template from this connection's context…
          </>
        ) : draft.text === null ? (
          <>
            Template with this connection's ids.
            <button type="button" className="small" onClick={() => freshTemplate(eventType)}>
              Reload template
            </button>
          </>
        ) : (
          <>
            {draftNotKept ? 'Your draft (too large to keep across reloads).' : 'Your draft, kept across reloads.'}
            <button type="button" className="small" onClick={() => freshTemplate(eventType)}>
              Fresh template
            </button>
          </>
        )}
        {replacedText !== null && (
          <button
            type="button"
            className="small"
            onClick={() => {
              setReplacedText(connection.id, null);
              replaceText(replacedText);
            }}
          >
            Put back what was replaced
          </button>
        )}
      </div>
      <LazyJsonEditor
        value={text}
        onChange={onEdit}
        validate={validateEvents}
        onSubmit={() => trySend(false)}
        label="Event JSON"
      />
      <div className="field-hint">One event, or a list of events sent in order.</div>
      {/* What the last check or send said, between the editor and Send: it scrolls in its own box when long. */}
      <ScrollRegion label="What the send said" className="composer-notices">
        <ErrorNotice error={templateError} onDismiss={() => setTemplateError(null)} />
        {/* What the send did, sent or refused, comes first: a tall rule warning under it cannot push it from sight. */}
        <ErrorNotice error={send.error} onDismiss={send.clearError} />
        {outcome && (
          <div className="notice success" role="status">
            {outcome}
          </div>
        )}
        <FindingsList findings={findings} title="Sending this would break a sequence rule:" />
        {open ? (
          checkProblem && <div className="faint">{checkProblem}</div>
        ) : (
          <div className="faint">No sequence rule is checked: {notOpen}.</div>
        )}
        {refusedIssues.length > 0 && (
          <div className="notice error">
            <ul>
              {refusedIssues.map((issue) => (
                <li key={`${issue.loc.join('.')}-${issue.msg}`}>
                  <code>{issue.loc.filter((part) => part !== 'body').join('.')}</code>: {issue.msg}
                </li>
              ))}
            </ul>
          </div>
        )}
      </ScrollRegion>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={blocked.length > 0}
          aria-disabled={send.busy || undefined}
          aria-describedby={blocked.length > 0 || !schemaValid ? blockedId : undefined}
          onClick={() => trySend(false)}
        >
          {send.busy ? 'Sending…' : 'Send'}
        </button>
        {findings.length > 0 && (
          <button
            type="button"
            className="danger"
            disabled={!parsed.ok}
            aria-disabled={send.busy || undefined}
            onClick={() => trySend(true)}
          >
            Send anyway
          </button>
        )}
        <SendKeyHint />
        {/* Schema errors leave Send on (the engine has the last word, and says so at the fields). */}
        <BlockedReason
          id={blockedId}
          lead={blocked.length > 0 ? 'Cannot send yet' : 'Fix the schema errors first'}
          problems={blocked.length > 0 ? blocked : schemaProblems}
        />
      </div>
    </section>
  );
}
