/**
 * zoro's typed errors. Each says what went wrong and, where it can, what to do about it;
 * the original failure is kept as `cause`.
 */
export class ZoroError extends Error {
  override name = 'ZoroError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bad line in access.txt or another config file: names the file, the line and the key. */
export class ConfigError extends ZoroError {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly key: string | null,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line === null ? '' : `:${line}`}${key ? ` (${key})` : ''}: ${detail}`, options);
  }
}

/** A plan.md (or other parsed text) that does not follow its grammar. */
export class ParseError extends ZoroError {
  override name = 'ParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

/** An event sent to a machine whose current state does not accept it. */
export class InvalidTransitionError extends ZoroError {
  override name = 'InvalidTransitionError';
  constructor(
    readonly machine: string,
    readonly state: string,
    readonly event: string,
  ) {
    super(`${machine}: state ${state} does not accept ${event}`);
  }
}

/** A terminal runtime failed (tmux missing, pane gone, iTerm2 unreachable…). */
export class TerminalError extends ZoroError {
  override name = 'TerminalError';
  constructor(
    readonly runtime: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${runtime}: ${message}`, options);
  }
}

export type ProviderErrorCategory = 'auth' | 'not_found' | 'rate_limited' | 'server' | 'bad_response' | 'network';

/** A ticket tracker call failed. For `auth`, `key` names the access.txt key to fix. */
export class ProviderError extends ZoroError {
  override name = 'ProviderError';
  constructor(
    readonly provider: string,
    readonly category: ProviderErrorCategory,
    message: string,
    readonly status: number | null = null,
    readonly key: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
  }
}

/** Something the user asked for on the command line or over the API that cannot be done. */
export class UsageError extends ZoroError {
  override name = 'UsageError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
