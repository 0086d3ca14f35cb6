/**
 * What `zoro doctor` and `zoro init` say about iTerm2: whether zoro can reach and use its
 * scripting API, and the one setting a user has to turn on.
 */
import { errorMessage } from '../../../lib/errors.js';
import { listSessions } from './api.js';
import { Iterm2Connection } from './connection.js';
import { defaultCredentialSource, type CredentialSource } from './credentials.js';

export { defaultIterm2SocketPath } from './socket-path.js';

export interface Iterm2Check {
  ok: boolean;
  message: string;
}

export interface CheckIterm2Options {
  credentials?: CredentialSource;
  isIterm2Running?: () => Promise<boolean>;
  handshakeTimeoutMs?: number;
}

/**
 * Connects the way the runtime does (socket, handshake, cookie) and lists the sessions.
 * Never throws: a failure is `ok: false` with the message that names the fix.
 *
 * @example const { ok, message } = await checkIterm2(settings.iterm2_socket);
 */
export async function checkIterm2(socketPath: string, options: CheckIterm2Options = {}): Promise<Iterm2Check> {
  let connection: Iterm2Connection | null = null;
  try {
    connection = await Iterm2Connection.open({
      socketPath,
      credentials: options.credentials ?? defaultCredentialSource(),
      isIterm2Running: options.isIterm2Running,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      reconnect: false,
    });
    const sessions = await listSessions(connection);
    const version = connection.protocolVersion ? `, protocol ${connection.protocolVersion}` : '';
    const count = `${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
    return { ok: true, message: `iTerm2 API reachable at ${socketPath} (${count}${version})` };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  } finally {
    await connection?.close();
  }
}

/** For `zoro init` on macOS: the iTerm2 setting zoro needs, and how zoro finds your tabs. */
export function iterm2InitHelp(): string {
  return [
    'iTerm2: zoro drives the Claude Code sessions in your iTerm2 tabs through iTerm2\'s scripting API.',
    '  1. In iTerm2, open Preferences → General → Magic and turn on "Enable Python API".',
    '  2. The first time zoro connects, macOS asks whether zoro may control iTerm2: allow it',
    '     (iTerm2 then hands zoro a one-time cookie for each connection).',
    '  3. In access.txt set `runtime = iterm2` (or leave `auto`), and give each [session:NAME]',
    '     the `repo_path` your tab works in: zoro finds the tab whose current directory is that path.',
    '     Add `auto_create = true` to a session to let zoro open a tab running the agent when none is open.',
    '  Check it with `zoro doctor`.',
  ].join('\n');
}
