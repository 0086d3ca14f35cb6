/**
 * Secrets from access.txt never reach a message, a log line, an event or the cockpit.
 * Everything that echoes a config value goes through `showValue`; everything that shows a
 * whole config goes through `redactConfig`.
 */
import type { Located, ZoroConfig } from './types.js';

/**
 * Keys whose names say "secret" but hold none. Listed so `zoro doctor` can show them;
 * add here only after checking the value can never be a credential.
 */
const NOT_SECRET = new Set(['team_keys']);

/** `token`, `api_key`, `anthropic_api_key`, `personal_access_token`, `client_secret`, `password`… */
export function isSecretKey(key: string): boolean {
  return /token|key|secret|password/i.test(key) && !NOT_SECRET.has(key.toLowerCase());
}

export const REDACTED = '<set>';

/** Credentials inside a URL (`https://user:pass@host`) replaced, the rest kept. */
export function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, `$1${REDACTED}@`);
}

/**
 * A value as it may appear in a message: quoted, secrets replaced, URL credentials removed,
 * long values cut.
 *
 *   showValue('web_port', 'abc')      // '"abc"'
 *   showValue('api_token', 'xyz')     // 'a value (hidden: api_token is a secret)'
 */
export function showValue(key: string, value: string): string {
  if (isSecretKey(key)) return `a value (hidden: ${key} is a secret)`;
  if (looksLikeSecret(value)) return 'a value that looks like a credential (hidden)';
  const safe = redactUrl(value);
  return JSON.stringify(safe.length > 80 ? `${safe.slice(0, 77)}...` : safe);
}

/**
 * A credential pasted under the wrong key: a known token prefix, or one long run of
 * letters and digits with no spaces, slashes or dots (so paths and URLs still show).
 */
export function looksLikeSecret(value: string): boolean {
  if (/^(sk-|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|lin_api_|xox[abpr]-|glpat-|ATATT)/.test(value)) return true;
  return /^[A-Za-z0-9_+=-]{24,}$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value);
}

/**
 * `text` with every secret value from the file replaced, wherever it appears. The last
 * line of defence for messages built from anything that might include a value.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('<redacted>');
  return result;
}

/** A copy of `config` that is safe to print or serve: every secret is `"<set>"`. */
export function redactConfig(config: ZoroConfig): ZoroConfig {
  const copy = structuredClone(config);
  if (copy.zoro.anthropic_api_key !== null) copy.zoro.anthropic_api_key = REDACTED;
  if (copy.zoro.anthropic_base_url !== null) copy.zoro.anthropic_base_url = redactUrl(copy.zoro.anthropic_base_url);
  for (const session of copy.sessions) {
    for (const key of Object.keys(session.options)) {
      if (isSecretKey(key)) session.options[key] = REDACTED;
    }
  }
  for (const provider of copy.providers) {
    if (provider.api_url !== null) provider.api_url = redactUrl(provider.api_url);
    for (const [key, located] of Object.entries(provider.values)) {
      provider.values[key] = redactLocated(key, located);
    }
  }
  return copy;
}

function redactLocated(key: string, located: Located): Located {
  return { ...located, value: isSecretKey(key) ? REDACTED : redactUrl(located.value) };
}
