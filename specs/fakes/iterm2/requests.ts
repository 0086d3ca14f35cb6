/**
 * The fake iTerm2's answers: one function per request kind, over the fake's tabs. Each
 * mirrors iTerm2's behaviour for what zoro uses, statuses included.
 */
import type { ClientMessage, ServerMessage } from '../../../adapters/terminals/iterm2/protocol.js';
import type { VirtualSession } from './virtual-session.js';

const SESSION_NOT_FOUND = 1;

export interface Subscriptions {
  newSession: boolean;
  terminateSession: boolean;
  /** Session ids (or "all") whose screen updates this connection gets. */
  screen: Set<string>;
  /** `name@identifier` pairs (identifier may be "all"). */
  variables: Set<string>;
}

export interface FakeState {
  sessions: VirtualSession[];
  subscriptions: Subscriptions;
  stats: { getBuffer: number; sendText: number };
  openTab(init: { cwd: string; command?: string[] }): VirtualSession;
  closeTab(id: string): boolean;
}

export function answer(message: ClientMessage, state: FakeState): ServerMessage {
  const find = (id: string | undefined) => state.sessions.find((session) => session.id === id);
  const id = message.id;

  if (message.listSessionsRequest) {
    return {
      id,
      listSessionsResponse: {
        windows: [
          {
            windowId: 'pty-FAKE-WINDOW',
            number: 0,
            tabs: state.sessions.map((session) => ({
              tabId: session.tabId,
              root: {
                links: [{ session: { uniqueIdentifier: session.id, title: session.name, gridSize: { width: session.screen.columns, height: session.screen.rows } } }],
              },
            })),
          },
        ],
      },
    };
  }

  if (message.variableRequest) {
    const request = message.variableRequest;
    const session = find(request.sessionId);
    if (!session) return { id, variableResponse: { status: SESSION_NOT_FOUND } };
    for (const assignment of request.set ?? []) {
      if (!assignment.name?.startsWith('user.')) return { id, variableResponse: { status: 2 } };
      session.setVariable(assignment.name, JSON.parse(assignment.value ?? 'null'));
    }
    return { id, variableResponse: { status: 0, values: (request.get ?? []).map((name) => session.variableJson(name)) } };
  }

  if (message.getBufferRequest) {
    state.stats.getBuffer += 1;
    const request = message.getBufferRequest;
    const session = find(request.session);
    if (!session) return { id, getBufferResponse: { status: SESSION_NOT_FOUND } };
    const range = request.lineRange;
    const coords = range?.windowedCoordRange?.coordRange;
    const rows = coords ? { from: coords.start?.y ?? 0, to: coords.end?.y ?? 0 } : undefined;
    if (!range?.screenContentsOnly && !range?.trailingLines && !rows) return { id, getBufferResponse: { status: 2 } };
    const snapshot = session.screen.snapshot(range?.screenContentsOnly ? {} : { trailingLines: range?.trailingLines, rows });
    const lastRow = snapshot.firstRow + snapshot.rows.length;
    return {
      id,
      getBufferResponse: {
        status: 0,
        contents: snapshot.rows.map((row) => ({ text: row.text, continuation: row.wraps ? 2 : 1 })),
        cursor: snapshot.cursor ? { x: snapshot.cursor.x, y: snapshot.cursor.row } : undefined,
        windowedCoordRange: { coordRange: { start: { x: 0, y: snapshot.firstRow }, end: { x: 0, y: lastRow } } },
      },
    };
  }

  if (message.sendTextRequest) {
    state.stats.sendText += 1;
    const session = find(message.sendTextRequest.session);
    if (!session) return { id, sendTextResponse: { status: SESSION_NOT_FOUND } };
    session.input(message.sendTextRequest.text ?? '');
    return { id, sendTextResponse: { status: 0 } };
  }

  if (message.notificationRequest) {
    const request = message.notificationRequest;
    const on = request.subscribe ?? false;
    const subscriptions = state.subscriptions;
    switch (request.notificationType) {
      case 6:
        subscriptions.newSession = on;
        break;
      case 7:
        subscriptions.terminateSession = on;
        break;
      case 2: {
        const target = request.session ?? '';
        if (target !== 'all' && !find(target)) return { id, notificationResponse: { status: SESSION_NOT_FOUND } };
        if (on) subscriptions.screen.add(target);
        else subscriptions.screen.delete(target);
        break;
      }
      case 12: {
        const monitor = request.variableMonitorRequest;
        if (!monitor?.name || !monitor.identifier) return { id, notificationResponse: { status: 2 } };
        const key = `${monitor.name}@${monitor.identifier}`;
        if (on) subscriptions.variables.add(key);
        else subscriptions.variables.delete(key);
        break;
      }
      default:
        return { id, notificationResponse: { status: 2 } };
    }
    return { id, notificationResponse: { status: 0 } };
  }

  if (message.createTabRequest) {
    const properties = new Map((message.createTabRequest.customProfileProperties ?? []).map((p) => [p.key ?? '', JSON.parse(p.jsonValue ?? 'null') as unknown]));
    const cwd = properties.get('Custom Directory') === 'Yes' ? String(properties.get('Working Directory')) : process.cwd();
    const command = properties.get('Custom Command') === 'Yes' ? String(properties.get('Command')) : null;
    const session = state.openTab({ cwd, command: command ? ['/bin/sh', '-c', `exec ${command}`] : undefined });
    return { id, createTabResponse: { status: 0, sessionId: session.id, tabId: Number(session.tabId), windowId: 'pty-FAKE-WINDOW' } };
  }

  if (message.invokeFunctionRequest) {
    const request = message.invokeFunctionRequest;
    const session = find(request.method?.receiver);
    const setName = /^iterm2\.set_name\(name: (".*")\)$/.exec(request.invocation ?? '');
    if (!session) return { id, invokeFunctionResponse: { error: { status: 4, errorReason: 'no such receiver' } } };
    if (!setName?.[1]) return { id, invokeFunctionResponse: { error: { status: 2, errorReason: 'the fake knows only iterm2.set_name' } } };
    session.setVariable('name', JSON.parse(setName[1]) as string);
    return { id, invokeFunctionResponse: { success: { jsonResult: 'null' } } };
  }

  if (message.closeRequest) {
    const ids = message.closeRequest.sessions?.sessionIds ?? [];
    return { id, closeResponse: { statuses: ids.map((sessionId) => (state.closeTab(sessionId) ? 0 : 1)) } };
  }

  if (message.activateRequest) return { id, activateResponse: { status: 0 } };

  return { id, error: 'the fake iTerm2 does not implement this request' };
}
