import { TerminalError } from '../../../lib/errors.js';

/**
 * Why talking to iTerm2 failed. Each reason has its own fix, so callers (doctor, the
 * cockpit, the session actor) can say what to do without parsing the message.
 */
export type Iterm2FailureReason =
  /** No iTerm2 process: the socket is missing or nobody listens on it. */
  | 'not_running'
  /** iTerm2 runs but its scripting API (Preferences → General → Magic) is off. */
  | 'api_disabled'
  /** iTerm2 answered 401: the cookie was refused and no dialog may be shown. */
  | 'unauthorized'
  /** The socket exists but belongs to someone else, or the handshake was rejected (400/406). */
  | 'refused'
  /** iTerm2 sent bytes that are not a protocol message; the connection was dropped. */
  | 'protocol'
  /** The connection closed (iTerm2 quit or restarted); zoro is reconnecting. */
  | 'disconnected'
  /** iTerm2 did not answer in time. */
  | 'timeout'
  /** iTerm2 answered a request with an error or a failure status. */
  | 'request_failed';

/** A failure of the iTerm2 runtime; `reason` says which kind, the message says what to do. */
export class Iterm2Error extends TerminalError {
  override name = 'Iterm2Error';
  constructor(
    readonly reason: Iterm2FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('iterm2', message, options);
  }
}
