/**
 * One typed function per iTerm2 call zoro makes, over a live connection. Each checks the
 * answer's status: "session not found" comes back as null / false (the tab was closed, an
 * ordinary event), every other failure as an Iterm2Error naming the call.
 */
import { Iterm2Error } from './errors.js';
import {
  CONTINUATION_SOFT_EOL,
  VariableScope,
  type GetBufferResponse,
  type Iterm2Request,
  type ServerMessage,
  type ListSessionsResponse,
  type SessionSummary,
  type SplitTreeNode,
} from './protocol.js';
import type { ScreenSnapshot } from './screen-diff.js';

/** What the calls need of a connection: one request, one answer. */
export interface Iterm2Requester {
  request(request: Iterm2Request): Promise<ServerMessage>;
}

const OK = 0;
const SESSION_NOT_FOUND = 1;

export interface SessionRef {
  id: string;
  tabId: string | null;
  windowId: string | null;
  title: string;
}

function failed(call: string, status: number | undefined): Iterm2Error {
  return new Iterm2Error('request_failed', `iTerm2 answered ${call} with status ${status ?? 'missing'}`);
}

function missing(call: string): Iterm2Error {
  return new Iterm2Error('protocol', `iTerm2 answered ${call} without the expected response`);
}

/** Every session in every window and tab, split panes and minimized ones included. */
export function sessionsOf(response: ListSessionsResponse): SessionRef[] {
  const found: SessionRef[] = [];
  const add = (summary: SessionSummary, tabId: string | null, windowId: string | null) => {
    if (summary.uniqueIdentifier) found.push({ id: summary.uniqueIdentifier, tabId, windowId, title: summary.title ?? '' });
  };
  const walk = (node: SplitTreeNode | undefined, tabId: string | null, windowId: string | null) => {
    for (const link of node?.links ?? []) {
      if (link.session) add(link.session, tabId, windowId);
      if (link.node) walk(link.node, tabId, windowId);
    }
  };
  for (const window of response.windows ?? []) {
    for (const tab of window.tabs ?? []) {
      walk(tab.root, tab.tabId ?? null, window.windowId ?? null);
      for (const summary of tab.minimizedSessions ?? []) add(summary, tab.tabId ?? null, window.windowId ?? null);
    }
  }
  return found;
}

export async function listSessions(connection: Iterm2Requester): Promise<SessionRef[]> {
  const answer = await connection.request({ listSessionsRequest: {} });
  if (!answer.listSessionsResponse) throw missing('ListSessions');
  return sessionsOf(answer.listSessionsResponse);
}

/** Session variables by name (JSON-decoded; unset ones are null). Null: no such session. */
export async function getVariables(connection: Iterm2Requester, sessionId: string, names: string[]): Promise<unknown[] | null> {
  const answer = await connection.request({ variableRequest: { sessionId, get: names } });
  const response = answer.variableResponse;
  if (!response) throw missing('Variable');
  if (response.status === SESSION_NOT_FOUND) return null;
  if ((response.status ?? OK) !== OK) throw failed('Variable', response.status);
  return names.map((name, index) => parseJson(`variable ${name}`, response.values?.[index] ?? 'null'));
}

/** Sets a session variable (names zoro sets start with `user.`). False: no such session. */
export async function setVariable(connection: Iterm2Requester, sessionId: string, name: string, value: unknown): Promise<boolean> {
  const answer = await connection.request({ variableRequest: { sessionId, set: [{ name, value: JSON.stringify(value) }] } });
  const response = answer.variableResponse;
  if (!response) throw missing('Variable');
  if (response.status === SESSION_NOT_FOUND) return false;
  if ((response.status ?? OK) !== OK) throw failed('Variable', response.status);
  return true;
}

export function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Iterm2Error('protocol', `iTerm2 sent ${what} that is not JSON`, { cause: error });
  }
}

export interface BufferRange {
  /** The last N rows, scrollback included. */
  trailingLines?: number;
  /** Absolute rows `from` up to (not including) `to`. */
  rows?: { from: number; to: number };
}

/** The screen, or the given rows. Null: no such session. */
export async function getScreen(connection: Iterm2Requester, sessionId: string, range: BufferRange = {}): Promise<ScreenSnapshot | null> {
  const lineRange = range.rows
    ? { windowedCoordRange: { coordRange: { start: { x: 0, y: range.rows.from }, end: { x: 0, y: range.rows.to } } } }
    : range.trailingLines
      ? { trailingLines: range.trailingLines }
      : { screenContentsOnly: true };
  const answer = await connection.request({ getBufferRequest: { session: sessionId, lineRange } });
  const response = answer.getBufferResponse;
  if (!response) throw missing('GetBuffer');
  if (response.status === SESSION_NOT_FOUND) return null;
  if ((response.status ?? OK) !== OK) throw failed('GetBuffer', response.status);
  return toSnapshot(response);
}

export function toSnapshot(response: GetBufferResponse): ScreenSnapshot {
  const cursor = response.cursor;
  return {
    firstRow: response.windowedCoordRange?.coordRange?.start?.y ?? 0,
    // iTerm2 may leave NULs where cells were never written.
    rows: (response.contents ?? []).map((line) => ({
      text: (line.text ?? '').replace(/\u0000/g, ''),
      wraps: line.continuation === CONTINUATION_SOFT_EOL,
    })),
    cursor: cursor?.y !== undefined ? { x: cursor.x ?? 0, row: cursor.y } : null,
  };
}

/** Types `text` into the session as if from the keyboard. False: no such session. */
export async function sendText(connection: Iterm2Requester, sessionId: string, text: string): Promise<boolean> {
  const answer = await connection.request({ sendTextRequest: { session: sessionId, text, suppressBroadcast: true } });
  const response = answer.sendTextResponse;
  if (!response) throw missing('SendText');
  if (response.status === SESSION_NOT_FOUND) return false;
  if ((response.status ?? OK) !== OK) throw failed('SendText', response.status);
  return true;
}

/** Subscribes to a notification type; `session` may be an id or "all". */
export async function subscribe(
  connection: Iterm2Requester,
  notificationType: number,
  options: { session?: string; variable?: { name: string; identifier: string } } = {},
): Promise<void> {
  const answer = await connection.request({
    notificationRequest: {
      session: options.session,
      subscribe: true,
      notificationType,
      variableMonitorRequest: options.variable && {
        name: options.variable.name,
        scope: VariableScope.SESSION,
        identifier: options.variable.identifier,
      },
    },
  });
  const response = answer.notificationResponse;
  if (!response) throw missing('Notification');
  const ALREADY_SUBSCRIBED = 4;
  if ((response.status ?? OK) !== OK && response.status !== ALREADY_SUBSCRIBED) throw failed('Notification', response.status);
}

export interface NewTab {
  sessionId: string;
  tabId: string | null;
  windowId: string | null;
}

/** Opens a tab running `commandLine` in `cwd` (a new window when there is none). */
export async function createTab(connection: Iterm2Requester, options: { cwd: string; commandLine: string }): Promise<NewTab> {
  const properties: Array<[string, string]> = [
    ['Custom Directory', 'Yes'],
    ['Working Directory', options.cwd],
    ['Custom Command', 'Yes'],
    ['Command', options.commandLine],
  ];
  const answer = await connection.request({
    createTabRequest: { customProfileProperties: properties.map(([key, value]) => ({ key, jsonValue: JSON.stringify(value) })) },
  });
  const response = answer.createTabResponse;
  if (!response) throw missing('CreateTab');
  if ((response.status ?? OK) !== OK || !response.sessionId) throw failed('CreateTab', response.status);
  return { sessionId: response.sessionId, tabId: response.tabId === undefined ? null : String(response.tabId), windowId: response.windowId ?? null };
}

/** Names the session (the tab shows it). Strings inside an invocation are JSON-quoted. */
export async function setSessionName(connection: Iterm2Requester, sessionId: string, name: string): Promise<void> {
  const answer = await connection.request({
    invokeFunctionRequest: { method: { receiver: sessionId }, invocation: `iterm2.set_name(name: ${JSON.stringify(name)})` },
  });
  const response = answer.invokeFunctionResponse;
  if (!response) throw missing('InvokeFunction');
  if (response.error) {
    throw new Iterm2Error('request_failed', `iTerm2 could not name session ${sessionId}: ${response.error.errorReason ?? `status ${response.error.status}`}`);
  }
}

/** Closes the session's pane without asking (its program is ended). */
export async function closeSession(connection: Iterm2Requester, sessionId: string): Promise<void> {
  const answer = await connection.request({ closeRequest: { sessions: { sessionIds: [sessionId] }, force: true } });
  const response = answer.closeResponse;
  if (!response) throw missing('Close');
  const status = response.statuses?.[0] ?? OK;
  const NOT_FOUND = 1;
  if (status !== OK && status !== NOT_FOUND) throw failed('Close', status);
}
