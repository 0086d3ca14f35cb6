/**
 * Keeps secrets out of what the store writes. Events and journal data are built by callers
 * from configs, HTTP responses and agent output; this is the last line before the disk (and
 * the cockpit, which serves the same events).
 */

/** Keys whose values are never stored. */
export const SECRET_KEY = /token|key|secret|password|authorization/i;

export const REDACTED = '[redacted]';

// Credentials recognisable by their shape, wherever they appear in free text. LABELLED keeps
// its label (`Bearer [redacted]`) so the message still says what was there.
const LABELLED: RegExp[] = [
  /\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b((?:api[_-]?key|access[_-]?token|token|password|secret)=)[^\s&"']+/gi,
];
const BARE: RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}/g,
  /\blin_(?:api|oauth)_[A-Za-z0-9]{16,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
];

/** `text` with credential-shaped substrings replaced by `[redacted]`. */
export function redactText(text: string): string {
  let out = text;
  for (const pattern of LABELLED) out = out.replace(pattern, (_match, label: string) => `${label}${REDACTED}`);
  for (const pattern of BARE) out = out.replace(pattern, REDACTED);
  return out;
}

/**
 * A copy of `value` where every property whose key matches SECRET_KEY is `[redacted]` and
 * every string is passed through `redactText`. Depth-limited so a cyclic value cannot hang it.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 20) return REDACTED as T;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== null && item !== undefined && item !== '' ? REDACTED : redactSecrets(item, depth + 1);
  }
  return out as T;
}
