import type { HistoryMessage } from '../../../../shared/agora-model';

const ROLES: readonly HistoryMessage['role'][] = ['user', 'assistant', 'tool_call', 'tool'];

/** A message with another role keeps its content; tool fields appear only where the role has them. */
export function changeRole(message: HistoryMessage, role: HistoryMessage['role']): HistoryMessage {
  const toolCallId = 'tool_call_id' in message ? message.tool_call_id : `call_${Date.now().toString(36)}`;
  const toolName = 'tool_name' in message ? message.tool_name : 'get_company_info';
  switch (role) {
    case 'user':
      return { role, content: message.content };
    case 'assistant':
      return { role, content: message.content };
    case 'tool_call':
      return { role, content: message.content, tool_call_id: toolCallId, tool_name: toolName };
    case 'tool':
      return { role, content: message.content, tool_call_id: toolCallId, tool_name: toolName };
  }
}

interface HistoryMessageEditorProps {
  index: number;
  message: HistoryMessage;
  problem: string | null;
  onChange(message: HistoryMessage): void;
  onRemove(): void;
}

export function HistoryMessageEditor({ index, message, problem, onChange, onRemove }: HistoryMessageEditorProps) {
  return (
    <div className="history-message" data-testid={`history-message-${index}`}>
      <div className="row">
        <span className="faint mono">#{index + 1}</span>
        <select
          aria-label={`Role of message ${index + 1}`}
          value={message.role}
          onChange={(event) => onChange(changeRole(message, event.target.value as HistoryMessage['role']))}
        >
          {ROLES.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
        {'tool_name' in message && (
          <>
            <input
              aria-label={`Tool name of message ${index + 1}`}
              value={message.tool_name}
              onChange={(event) => onChange({ ...message, tool_name: event.target.value })}
              style={{ width: 170 }}
            />
            <input
              aria-label={`Tool call id of message ${index + 1}`}
              value={message.tool_call_id}
              onChange={(event) => onChange({ ...message, tool_call_id: event.target.value })}
              style={{ width: 130 }}
            />
          </>
        )}
        {(message.role === 'assistant' || message.role === 'tool_call') && (
          <input
            aria-label={`Agent of message ${index + 1}`}
            placeholder="agent_id"
            value={message.agent_id ?? ''}
            onChange={(event) => onChange({ ...message, agent_id: event.target.value || undefined })}
            style={{ width: 130 }}
          />
        )}
        <span className="spacer" />
        <button type="button" className="danger small" onClick={onRemove} aria-label={`Remove message ${index + 1}`}>
          Remove
        </button>
      </div>
      <textarea
        aria-label={`Content of message ${index + 1}`}
        rows={Math.min(8, Math.max(2, message.content.split('\n').length))}
        value={message.content}
        onChange={(event) => onChange({ ...message, content: event.target.value })}
      />
      {problem && <span className="field-error">{problem}</span>}
    </div>
  );
}
