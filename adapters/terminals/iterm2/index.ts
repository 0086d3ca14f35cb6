/** The iTerm2 runtime: zoro drives agents in the user's own iTerm2 tabs. See docs/iterm2.md. */
export {
  createIterm2Runtime,
  type Iterm2Runtime,
  type Iterm2RuntimeOptions,
  type SessionAppeared,
  type AgentLaunch,
} from './runtime.js';
export { checkIterm2, defaultIterm2SocketPath, iterm2InitHelp, type Iterm2Check, type CheckIterm2Options } from './doctor.js';
export { defaultCredentialSource, type CredentialSource, type Iterm2Credentials } from './credentials.js';
export type { ConnectionEvent } from './connection.js';
export { Iterm2Error, type Iterm2FailureReason } from './errors.js';
export type { KnownSession } from './sessions.js';
