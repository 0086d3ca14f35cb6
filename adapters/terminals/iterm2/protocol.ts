/**
 * iTerm2's wire format: our own `zoro-iterm2.proto`, loaded with protobufjs at run time from
 * the installed package, and the typed shapes of the messages zoro builds and reads. One
 * WebSocket binary frame carries exactly one encoded envelope.
 *
 * Shapes are protobufjs's plain-object form: camelCase names, int64 as `number`, enums as
 * their numbers, unset fields absent.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { projectRoot } from '../../../lib/self.js';
import { errorMessage } from '../../../lib/errors.js';
import { Iterm2Error } from './errors.js';

export const PROTO_PATH = join(projectRoot, 'adapters/terminals/iterm2/zoro-iterm2.proto');

export const NotificationType = {
  SCREEN_UPDATE: 2,
  NEW_SESSION: 6,
  TERMINATE_SESSION: 7,
  LAYOUT_CHANGE: 8,
  VARIABLE_CHANGE: 12,
} as const;

export const VariableScope = { SESSION: 1, TAB: 2, WINDOW: 3, APP: 4 } as const;

/** `LineContents.continuation`: the row continues on the next one (a soft wrap). */
export const CONTINUATION_SOFT_EOL = 2;

export interface Coord {
  x?: number;
  y?: number;
}
export interface CoordRange {
  start?: Coord;
  end?: Coord;
}
export interface WindowedCoordRange {
  coordRange?: CoordRange;
  columns?: { location?: number; length?: number };
}
export interface SessionSummary {
  uniqueIdentifier?: string;
  title?: string;
  gridSize?: { width?: number; height?: number };
}
export interface SplitTreeNode {
  vertical?: boolean;
  links?: Array<{ session?: SessionSummary; node?: SplitTreeNode }>;
}
export interface ListSessionsTab {
  tabId?: string;
  root?: SplitTreeNode;
  minimizedSessions?: SessionSummary[];
}
export interface ListSessionsWindow {
  windowId?: string;
  number?: number;
  tabs?: ListSessionsTab[];
}
export interface ListSessionsResponse {
  windows?: ListSessionsWindow[];
  buriedSessions?: SessionSummary[];
}
export interface LineRange {
  screenContentsOnly?: boolean;
  trailingLines?: number;
  windowedCoordRange?: WindowedCoordRange;
}
export interface GetBufferRequest {
  session?: string;
  lineRange?: LineRange;
}
export interface LineContents {
  text?: string;
  continuation?: number;
}
export interface GetBufferResponse {
  status?: number;
  contents?: LineContents[];
  cursor?: Coord;
  windowedCoordRange?: WindowedCoordRange;
}
export interface VariableRequest {
  sessionId?: string;
  tabId?: string;
  app?: boolean;
  windowId?: string;
  set?: Array<{ name?: string; value?: string }>;
  get?: string[];
}
export interface VariableResponse {
  status?: number;
  values?: string[];
}
export interface SendTextRequest {
  session?: string;
  text?: string;
  suppressBroadcast?: boolean;
}
export interface StatusResponse {
  status?: number;
}
export interface NotificationRequest {
  session?: string;
  subscribe?: boolean;
  notificationType?: number;
  variableMonitorRequest?: { name?: string; scope?: number; identifier?: string };
}
export interface ProfileProperty {
  key?: string;
  jsonValue?: string;
}
export interface CreateTabRequest {
  profileName?: string;
  windowId?: string;
  tabIndex?: number;
  customProfileProperties?: ProfileProperty[];
}
export interface CreateTabResponse {
  status?: number;
  windowId?: string;
  tabId?: number;
  sessionId?: string;
}
export interface ActivateRequest {
  windowId?: string;
  tabId?: string;
  sessionId?: string;
  orderWindowFront?: boolean;
  selectTab?: boolean;
  selectSession?: boolean;
}
export interface CloseRequest {
  tabs?: { tabIds?: string[] };
  sessions?: { sessionIds?: string[] };
  windows?: { windowIds?: string[] };
  force?: boolean;
}
export interface CloseResponse {
  statuses?: number[];
}
export interface InvokeFunctionRequest {
  tab?: { tabId?: string };
  session?: { sessionId?: string };
  window?: { windowId?: string };
  app?: Record<string, never>;
  method?: { receiver?: string };
  invocation?: string;
  timeout?: number;
}
export interface InvokeFunctionResponse {
  error?: { status?: number; errorReason?: string };
  success?: { jsonResult?: string };
}
export interface Notification {
  screenUpdateNotification?: { session?: string };
  newSessionNotification?: { sessionId?: string };
  terminateSessionNotification?: { sessionId?: string };
  layoutChangedNotification?: { listSessionsResponse?: ListSessionsResponse };
  variableChangedNotification?: { scope?: number; identifier?: string; name?: string; jsonNewValue?: string };
}

/** One request; the connection adds the `id`. Exactly one field is set. */
export interface Iterm2Request {
  getBufferRequest?: GetBufferRequest;
  notificationRequest?: NotificationRequest;
  listSessionsRequest?: Record<string, never>;
  sendTextRequest?: SendTextRequest;
  createTabRequest?: CreateTabRequest;
  activateRequest?: ActivateRequest;
  variableRequest?: VariableRequest;
  closeRequest?: CloseRequest;
  invokeFunctionRequest?: InvokeFunctionRequest;
}

export interface ClientMessage extends Iterm2Request {
  id?: number;
}

export interface ServerMessage {
  id?: number;
  error?: string;
  getBufferResponse?: GetBufferResponse;
  notificationResponse?: StatusResponse;
  listSessionsResponse?: ListSessionsResponse;
  sendTextResponse?: StatusResponse;
  createTabResponse?: CreateTabResponse;
  activateResponse?: StatusResponse;
  variableResponse?: VariableResponse;
  closeResponse?: CloseResponse;
  invokeFunctionResponse?: InvokeFunctionResponse;
  notification?: Notification;
}

interface Envelopes {
  client: protobuf.Type;
  server: protobuf.Type;
}

let envelopes: Envelopes | null = null;

function load(): Envelopes {
  if (!envelopes) {
    const root = new protobuf.Root().loadSync(PROTO_PATH);
    envelopes = {
      client: root.lookupType('iterm2.ClientOriginatedMessage'),
      server: root.lookupType('iterm2.ServerOriginatedMessage'),
    };
  }
  return envelopes;
}

// int64 as number (ids and line numbers fit easily); repeated fields always arrays.
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, arrays: true, defaults: false };

function encode(type: protobuf.Type, message: object): Uint8Array {
  return type.encode(type.fromObject(message)).finish();
}

function decode<T>(type: protobuf.Type, bytes: Uint8Array, sender: string): T {
  try {
    return type.toObject(type.decode(bytes), TO_OBJECT) as T;
  } catch (error) {
    throw new Iterm2Error('protocol', `${sender} sent a ${bytes.length}-byte frame that is not a protocol message (${errorMessage(error)})`, {
      cause: error,
    });
  }
}

/** What zoro sends to iTerm2. */
export function encodeClientMessage(message: ClientMessage): Uint8Array {
  return encode(load().client, message);
}

/** What iTerm2 sends; throws Iterm2Error('protocol') for bytes that do not decode. */
export function decodeServerMessage(bytes: Uint8Array): ServerMessage {
  return decode<ServerMessage>(load().server, bytes, 'iTerm2');
}

/** The fake iTerm2 (and the property tests) read what the client sent with this. */
export function decodeClientMessage(bytes: Uint8Array): ClientMessage {
  return decode<ClientMessage>(load().client, bytes, 'the client');
}

/** The fake iTerm2 answers with this. */
export function encodeServerMessage(message: ServerMessage): Uint8Array {
  return encode(load().server, message);
}
