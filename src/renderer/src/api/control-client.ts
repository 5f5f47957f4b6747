import type { HistoryMessage, SessionMetadata } from '../../../shared/agora-model';
import type { ConnectionSummary, FrameRecord } from '../../../shared/connections';
import {
  type ClearedConnections,
  CONTROL_API_PREFIX,
  type ConsoleUser,
  type InjectResult,
  type ItemsPage,
  type MacroName,
  type NewSessionInput,
  type NewUserInput,
  type OpenApiImportRequest,
  type OpenApiImportResult,
  type PacksInfo,
  type SequenceFinding,
  type ServerInfo,
  type SessionEdit,
  type UserEdit,
} from '../../../shared/control-api';
import type { JsonObject } from '../../../shared/json-value';
import { type Mount, type MountSection, SECTION_URLS } from '../../../shared/mounts/mount-sections';
import type { RawMessageBody, RawMessageResult } from '../../../shared/raw-messages';
import type { RecordingPreview, RecordingResult, RecordScenarioRequest } from '../../../shared/recording';
import type { RequestCounts, RequestLogEntry, RequestLogPage, RequestSummary } from '../../../shared/request-log';
import type { SavedPayload } from '../../../shared/saved-payload';
import type { Scenario } from '../../../shared/scenario';
import type { ServerSettings, ServerSettingsPatch } from '../../../shared/settings';
import type { RecentWorkspace, Workspace, WorkspaceStatus, WorkspaceTemplate } from '../../../shared/workspace';
import { ApiError, describeDetail } from './api-error';
import type { ConsoleAccess } from './console-token';

/** A JSON object as the inject editor and macros send it. */
export type JsonRecord = Record<string, unknown>;

let access: ConsoleAccess = { engineUrl: '', token: '' };

/** Set once at start (and when a person types a token on the token screen). */
export function configureApi(next: ConsoleAccess): void {
  access = next;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  return send<T>(method, path, body === undefined ? undefined : JSON.stringify(body));
}

/** A request whose body is the JSON given, as it is (a file's bytes: the engine reads what its author wrote). */
async function send<T>(method: string, path: string, json?: string | ArrayBuffer): Promise<T> {
  const response = await fetch(`${access.engineUrl}${CONTROL_API_PREFIX}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${access.token}`,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json,
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, parsed, describeDetail(response.status, parsed));
  return parsed as T;
}

const id = encodeURIComponent;

/** Every call the console makes to the engine. */
export const api = {
  server: () => call<ServerInfo>('GET', '/server'),
  patchSettings: (patch: ServerSettingsPatch) => call<ServerSettings>('PATCH', '/server/settings', patch),
  packs: () => call<PacksInfo>('GET', '/packs'),
  putPacks: (packs: PacksInfo['items']) => call<PacksInfo>('PUT', '/packs', { packs }),

  connections: () => call<ItemsPage<ConnectionSummary>>('GET', '/connections'),
  frames: (connectionId: string, limit: number) =>
    call<ItemsPage<FrameRecord>>('GET', `/connections/${id(connectionId)}/frames?limit=${limit}`),
  clearClosedConnections: () => call<ClearedConnections>('DELETE', '/connections?state=closed'),
  closeConnection: (connectionId: string, code: number, reason: string) =>
    call<ConnectionSummary>('POST', `/connections/${id(connectionId)}/close`, { code, reason }),
  terminateConnection: (connectionId: string) =>
    call<ConnectionSummary>('POST', `/connections/${id(connectionId)}/terminate`),
  setDelivery: (connectionId: string, patch: { paused?: boolean; latencyMs?: number }) =>
    call<ConnectionSummary>('PATCH', `/connections/${id(connectionId)}`, patch),

  template: (connectionId: string, eventType: string) =>
    call<{ event: JsonRecord }>('GET', `/connections/${id(connectionId)}/templates/${id(eventType)}`),
  checkEvents: (connectionId: string, events: unknown[]) =>
    call<{ findings: SequenceFinding[] }>('POST', `/connections/${id(connectionId)}/events/check`, { events }),
  sendRawMessage: (connectionId: string, body: RawMessageBody) =>
    call<RawMessageResult>('POST', `/connections/${id(connectionId)}/messages`, body),
  injectEvents: (connectionId: string, events: unknown[], force: boolean) =>
    call<InjectResult>('POST', `/connections/${id(connectionId)}/events`, { events, force }),
  broadcastEvents: (connectionIds: string[] | undefined, events: unknown[], force: boolean) =>
    call<{ results: InjectResult[] }>('POST', '/events', { connectionIds, events, force }),
  runMacro: (connectionId: string, name: MacroName, params: unknown) =>
    call<InjectResult>('POST', `/connections/${id(connectionId)}/macros/${id(name)}`, params),

  /** The newest requests (only those `mount` answered, `kind:id` or `none`, when given). */
  requests: (limit: number, mount?: string) =>
    call<RequestLogPage<RequestSummary>>(
      'GET',
      `/requests?limit=${limit}&view=summary${mount ? `&mount=${id(mount)}` : ''}`,
    ),
  requestCounts: () => call<RequestCounts>('GET', '/requests/counts'),
  request: (requestId: number) => call<RequestLogEntry>('GET', `/requests/${requestId}`),
  clearRequests: () => call<null>('DELETE', '/requests'),

  users: () => call<ItemsPage<ConsoleUser>>('GET', '/state/users'),
  createUser: (input: NewUserInput) => call<ConsoleUser>('POST', '/state/users', input),
  updateUser: (userId: string, edit: UserEdit) => call<ConsoleUser>('PUT', `/state/users/${id(userId)}`, edit),
  deleteUser: (userId: string) => call<unknown>('DELETE', `/state/users/${id(userId)}`),
  sessions: (userId?: string) =>
    call<ItemsPage<SessionMetadata>>('GET', `/state/sessions${userId ? `?userId=${id(userId)}` : ''}`),
  createSession: (input: NewSessionInput) => call<SessionMetadata>('POST', '/state/sessions', input),
  updateSession: (sessionId: string, edit: SessionEdit) =>
    call<SessionMetadata>('PUT', `/state/sessions/${id(sessionId)}`, edit),
  deleteSession: (sessionId: string) => call<null>('DELETE', `/state/sessions/${id(sessionId)}`),
  history: (sessionId: string) => call<ItemsPage<HistoryMessage>>('GET', `/state/sessions/${id(sessionId)}/history`),
  replaceHistory: (sessionId: string, messages: HistoryMessage[]) =>
    call<unknown>('PUT', `/state/sessions/${id(sessionId)}/history`, { messages }),
  resetState: () => call<{ users: number; sessions: number }>('POST', '/state/reset'),

  scenarios: () => call<ItemsPage<Scenario>>('GET', '/scenarios'),
  scenarioSchema: () => call<JsonRecord>('GET', '/scenarios/schema'),
  createScenario: (scenario: unknown) => call<Scenario>('POST', '/scenarios', scenario),
  updateScenario: (scenarioId: string, scenario: unknown) =>
    call<Scenario>('PUT', `/scenarios/${id(scenarioId)}`, scenario),
  deleteScenario: (scenarioId: string) => call<null>('DELETE', `/scenarios/${id(scenarioId)}`),
  recordingPreview: (connectionId: string) => call<RecordingPreview>('GET', `/connections/${id(connectionId)}/record`),
  recordConnection: (connectionId: string, request: RecordScenarioRequest) =>
    call<RecordingResult>('POST', `/connections/${id(connectionId)}/record`, request),

  payloads: () => call<ItemsPage<SavedPayload>>('GET', '/payloads'),
  savePayload: (payload: SavedPayload) => call<SavedPayload>('PUT', `/payloads/${id(payload.id)}`, payload),
  deletePayload: (payloadId: string) => call<null>('DELETE', `/payloads/${id(payloadId)}`),

  workspace: () => call<WorkspaceStatus>('GET', '/workspace'),
  saveWorkspace: () => call<WorkspaceStatus>('POST', '/workspace/save'),
  saveWorkspaceAs: (path: string) => call<WorkspaceStatus>('POST', '/workspace/save-as', { path }),
  openWorkspace: (path: string) => call<WorkspaceStatus>('POST', '/workspace/open', { path }),
  newWorkspace: (template: WorkspaceTemplate, path?: string) =>
    call<WorkspaceStatus>('POST', '/workspace/new', path ? { template, path } : { template }),
  exportWorkspace: () => call<Workspace>('GET', '/workspace/export'),
  /** The file's bytes as they are: the engine decodes and parses them, refusing a key written twice, which parsing here would drop. */
  importWorkspace: (bytes: ArrayBuffer) => send<WorkspaceStatus>('POST', '/workspace/import', bytes),
  recentWorkspaces: () => call<ItemsPage<RecentWorkspace>>('GET', '/workspace/recent'),

  runScenario: (scenarioId: string, connectionId: string) =>
    call<unknown>('POST', `/scenarios/${id(scenarioId)}/run`, { connectionId }),

  mounts: <S extends MountSection>(section: S) => call<ItemsPage<Mount<S>>>('GET', `/${SECTION_URLS[section]}`),
  mountSchema: (section: MountSection) => call<JsonRecord>('GET', `/${SECTION_URLS[section]}/schema`),
  createMount: <S extends MountSection>(section: S, item: unknown) =>
    call<Mount<S>>('POST', `/${SECTION_URLS[section]}`, item),
  replaceMount: <S extends MountSection>(section: S, mountId: string, item: unknown) =>
    call<Mount<S>>('PUT', `/${SECTION_URLS[section]}/${id(mountId)}`, item),
  deleteMount: (section: MountSection, mountId: string) =>
    call<null>('DELETE', `/${SECTION_URLS[section]}/${id(mountId)}`),
  duplicateMount: <S extends MountSection>(section: S, mountId: string) =>
    call<Mount<S>>('POST', `/${SECTION_URLS[section]}/${id(mountId)}/duplicate`),
  /** The whole section at once (to reorder it). */
  replaceSection: <S extends MountSection>(section: S, items: readonly Mount<S>[]) =>
    call<ItemsPage<Mount<S>>>('PUT', `/${SECTION_URLS[section]}`, { items }),

  createRecord: (collectionId: string, record: unknown) =>
    call<JsonObject>('POST', `/collections/${id(collectionId)}/records`, record),
  replaceRecord: (collectionId: string, recordId: string, record: unknown) =>
    call<JsonObject>('PUT', `/collections/${id(collectionId)}/records/${id(recordId)}`, record),
  deleteRecord: (collectionId: string, recordId: string) =>
    call<null>('DELETE', `/collections/${id(collectionId)}/records/${id(recordId)}`),

  importOpenApi: (request: OpenApiImportRequest) =>
    call<OpenApiImportResult>('POST', '/routes/import-openapi', request),
};
