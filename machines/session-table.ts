/**
 * The session lifecycle, as one typed table: for each of the six states, the events it
 * accepts and the state each leads to. The machine in ./session.ts is written against this
 * table through `edge()`, so an edge missing from the table fails `tsc`; `assertAccepts`
 * makes an event the current state does not accept throw InvalidTransitionError at run time
 * (XState itself would drop it silently).
 */
import { InvalidTransitionError } from '../lib/errors.js';

export const sessionTransitions = {
  UNKNOWN: {
    'session.ready': 'IDLE',
    'session.resume_busy': 'BUSY',
    'session.pause': 'PAUSED',
    'session.unreachable': 'UNREACHABLE',
  },
  IDLE: {
    'session.dispatch': 'BUSY',
    'session.pause': 'PAUSED',
    'session.unreachable': 'UNREACHABLE',
  },
  BUSY: {
    // sub-state changes inside BUSY (working ⇄ needs_human → settling)
    'session.turn_ended': 'BUSY',
    'session.needs_human': 'BUSY',
    'session.answered': 'BUSY',
    'session.pause': 'BUSY', // remembered; takes effect when the turn ends
    'session.release': 'IDLE',
    'session.error_loop': 'ERROR_LOOP',
    'session.limited': 'PAUSED',
    'session.unreachable': 'UNREACHABLE',
  },
  ERROR_LOOP: {
    'session.reapproach': 'BUSY',
    'session.release': 'IDLE',
    'session.give_up': 'UNREACHABLE',
    'session.pause': 'PAUSED',
    'session.unreachable': 'UNREACHABLE',
  },
  UNREACHABLE: {
    'session.reconnected': 'UNKNOWN',
    'session.resume': 'UNKNOWN',
  },
  PAUSED: {
    'session.resume': 'IDLE',
    'session.pause': 'PAUSED',
    'session.unreachable': 'UNREACHABLE',
  },
} as const;

export type SessionTable = typeof sessionTransitions;
export type SessionState = keyof SessionTable;
export const SESSION_STATES = Object.keys(sessionTransitions) as SessionState[];

/** Events accepted in state S. */
export type AcceptedIn<S extends SessionState> = keyof SessionTable[S] & string;
/** Any event some state accepts. */
export type SessionEventType = { [S in SessionState]: AcceptedIn<S> }[SessionState];
/** The state event E leads to from S. */
export type TargetOf<S extends SessionState, E extends AcceptedIn<S>> = SessionTable[S][E];

/**
 * A machine edge, checked against the table: `edge('IDLE', 'session.dispatch', 'BUSY')`
 * compiles; `edge('IDLE', 'session.release', 'BUSY')` does not. Returns the XState target.
 */
export function edge<S extends SessionState, E extends AcceptedIn<S>, T extends TargetOf<S, E> & SessionState>(
  _from: S,
  _event: E,
  to: T,
): `#session.${T}` {
  return `#session.${to}` as `#session.${T}`;
}

export function accepts(state: SessionState, event: string): boolean {
  return Object.prototype.hasOwnProperty.call(sessionTransitions[state], event);
}

/** Throws InvalidTransitionError when `state` does not accept `event`. */
export function assertAccepts(state: SessionState, event: string): void {
  if (!accepts(state, event)) throw new InvalidTransitionError('session', state, event);
}

export function targetOf(state: SessionState, event: string): SessionState | null {
  if (!accepts(state, event)) return null;
  return (sessionTransitions[state] as Record<string, SessionState>)[event] ?? null;
}
