/**
 * Typed readers for access.txt values. Each returns the value or a problem sentence that
 * says what was expected; values are echoed only through `showValue` (secrets hidden).
 */
import { showValue } from './redact.js';
import { resolveConfigPath } from './paths.js';

export type Converted<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface ValueContext {
  key: string;
  /** Directory of the config file: relative paths resolve against it. */
  baseDir: string;
  home: string;
}

export type Converter<T> = (raw: string, context: ValueContext) => Converted<T>;

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const bad = (expected: string, raw: string, context: ValueContext): Converted<never> => ({
  ok: false,
  problem: `expected ${expected}, got ${showValue(context.key, raw)}`,
});

export const port: Converter<number> = (raw, context) => {
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= 1 && value <= 65535 ? ok(value) : bad('a port number 1–65535', raw, context);
};

/** A whole number ≥ `min`. */
export function integer(min: number): Converter<number> {
  return (raw, context) => {
    const value = Number(raw);
    return /^\d+$/.test(raw) && Number.isSafeInteger(value) && value >= min ? ok(value) : bad(`a whole number ≥ ${min}`, raw, context);
  };
}

/** A number > 0, fractions allowed (`0.5` minutes in a test config). */
export const positiveNumber: Converter<number> = (raw, context) => {
  const value = Number(raw);
  return /^\d+(\.\d+)?$|^\.\d+$/.test(raw) && value > 0 && Number.isFinite(value) ? ok(value) : bad('a number greater than 0', raw, context);
};

export const boolean: Converter<boolean> = (raw, context) => {
  const value = raw.toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(value)) return ok(true);
  if (['false', 'no', 'off', '0'].includes(value)) return ok(false);
  return bad('true or false', raw, context);
};

export const text: Converter<string> = (raw, context) => (raw === '' ? bad('a value', raw, context) : ok(raw));

/** Free text that may be empty. */
export const anyText: Converter<string> = (raw) => ok(raw);

/** Empty means "not set". */
export const optionalText: Converter<string | null> = (raw) => ok(raw === '' ? null : raw);

export const optionalUrl: Converter<string | null> = (raw, context) => {
  if (raw === '') return ok(null);
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return ok(raw.replace(/\/+$/, ''));
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // new URL throws TypeError for a bad URL
  }
  return bad('an http:// or https:// URL', raw, context);
};

/** An absolute path: `~` resolved, relative to the config file's directory. */
export const path: Converter<string> = (raw, context) => {
  if (raw === '') return bad('a path', raw, context);
  const resolved = resolveConfigPath(raw, context.baseDir, context.home);
  return resolved === null ? bad('a path (`~user/` paths are not supported; write it in full)', raw, context) : ok(resolved);
};

export function oneOf<T extends string>(choices: readonly T[]): Converter<T> {
  return (raw, context) => ((choices as readonly string[]).includes(raw) ? ok(raw as T) : bad(`one of ${choices.join(', ')}`, raw, context));
}

/** `a, b, c` → ['a', 'b', 'c']; empty → []. Items are trimmed and may contain spaces. */
export const list: Converter<string[]> = (raw) =>
  ok(raw === '' ? [] : raw.split(',').map((item) => item.trim()).filter((item) => item !== ''));
