import { useMemo, useState } from 'react';
import type { PayloadKind, SavedPayload } from '../../../../shared/saved-payload';
import { usePayloadsStore } from '../../stores/payloads-store';
import { formatClock } from '../../ui/format';
import { describeContent, type PayloadContent } from './payload-bodies';
import { SavedPayloadList } from './SavedPayloadList';
import { SavePayloadForm } from './SavePayloadForm';

interface PayloadShelfProps {
  /** Saved kinds this editor can load. */
  accepts: readonly PayloadKind[];
  /** The kind of recently sent payloads this editor can load. */
  recentKind: 'events' | 'macro';
  /** What the editor holds now, to save; or why it cannot be saved as it is. */
  current(): PayloadContent | { problem: string };
  /** The name proposed when saving. */
  suggestName(): string;
  onLoad(content: PayloadContent): void;
}

type Mode = 'pick' | 'save' | 'manage';

/**
 * Saved payloads (the workspace's, shared with it) and recently sent ones (this browser's) for one editor: pick one
 * into the editor, save what the editor holds under a name, rename or delete saved ones.
 */
export function PayloadShelf({ accepts, recentKind, current, suggestName, onLoad }: PayloadShelfProps) {
  const allSaved = usePayloadsStore((state) => state.saved);
  const allRecent = usePayloadsStore((state) => state.recent);
  const loadError = usePayloadsStore((state) => state.loadError);
  const saved = useMemo(() => allSaved.filter((payload) => accepts.includes(payload.kind)), [allSaved, accepts]);
  const recent = useMemo(() => allRecent.filter((entry) => entry.kind === recentKind), [allRecent, recentKind]);
  const [choice, setChoice] = useState('');
  const [mode, setMode] = useState<Mode>('pick');

  const chosen = (): PayloadContent | undefined => {
    const [source, key] = [choice.slice(0, choice.indexOf(':')), choice.slice(choice.indexOf(':') + 1)];
    if (source === 'saved') return saved.find((payload) => payload.id === key);
    if (source === 'recent') return recent.find((entry) => String(entry.at) === key);
    return undefined;
  };
  const empty = saved.length === 0 && recent.length === 0;
  const toggle = (next: Mode) => setMode(mode === next ? 'pick' : next);

  return (
    <div className="payload-shelf" data-testid="payload-shelf">
      <div className="row">
        <select
          className="spacer"
          aria-label="Saved or recent payload"
          value={choice}
          onChange={(event) => setChoice(event.target.value)}
          disabled={empty}
        >
          <option value="">{empty ? 'No payloads yet' : 'Payloads…'}</option>
          {saved.length > 0 && (
            <optgroup label="Saved in the workspace">
              {saved.map((payload: SavedPayload) => (
                <option key={payload.id} value={`saved:${payload.id}`}>
                  {payload.name}
                </option>
              ))}
            </optgroup>
          )}
          {recent.length > 0 && (
            <optgroup label="Sent recently from this browser">
              {recent.map((entry) => (
                <option key={entry.at} value={`recent:${entry.at}`}>
                  {formatClock(entry.at).slice(0, 8)} · {describeContent(entry)}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <button
          type="button"
          className="small"
          disabled={!chosen()}
          onClick={() => {
            const content = chosen();
            if (content) onLoad({ kind: content.kind, body: content.body } as PayloadContent);
            setChoice('');
          }}
        >
          Load
        </button>
        <button type="button" className="small" aria-expanded={mode === 'save'} onClick={() => toggle('save')}>
          Save as…
        </button>
        <button type="button" className="small" aria-expanded={mode === 'manage'} onClick={() => toggle('manage')}>
          Saved…
        </button>
      </div>
      {loadError && <div className="muted">{loadError}</div>}
      {mode === 'save' && (
        <SavePayloadForm current={current} suggestedName={suggestName()} onDone={() => setMode('pick')} />
      )}
      {mode === 'manage' && <SavedPayloadList onClose={() => setMode('pick')} />}
    </div>
  );
}
