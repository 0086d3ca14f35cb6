/**
 * Small typed validators for the JSON that trackers send back. Every response an adapter
 * reads goes through one of these at the edge, so nothing downstream holds an unchecked
 * cast of tracker JSON: a payload that does not match is refused with the path of the first
 * field that is wrong (`data[2].gid: expected a string, got number`).
 *
 *   const Task = object({ gid: id, name: string, notes: optional(string, '') });
 *   const task = check(Task, body, 'body');   // typed { gid: string; name: string; notes: string }
 *
 * Objects ignore keys they do not name (APIs add fields all the time); arrays and nesting
 * are checked all the way down.
 */

/** Checks `value` (found at `path`) and returns it typed, or throws ShapeError. */
export type Shape<T> = (value: unknown, path: string) => T;
export type ShapeOf<S> = S extends Shape<infer T> ? T : never;

export class ShapeError extends Error {
  override name = 'ShapeError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ShapeError(path, `expected ${expected}, got ${describe(value)}`);
}

export const string: Shape<string> = (value, path) => (typeof value === 'string' ? value : fail(path, 'a string', value));

export const number: Shape<number> = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a number', value);

export const boolean: Shape<boolean> = (value, path) => (typeof value === 'boolean' ? value : fail(path, 'a boolean', value));

/** An identifier sent as a non-empty string or an integer (GitHub numbers, monday strings); always a string here. */
export const id: Shape<string> = (value, path) => {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return fail(path, 'an id (a non-empty string or an integer)', value);
};

/** Anything at all: for values another function inspects itself (ADF documents). */
export const unknown: Shape<unknown> = (value) => value;

/** The value, or null when it is null or absent. */
export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return (value, path) => (value === null || value === undefined ? null : shape(value, path));
}

/** The value, or `fallback` when it is null or absent. */
export function optional<T>(shape: Shape<T>, fallback: T): Shape<T> {
  return (value, path) => (value === null || value === undefined ? fallback : shape(value, path));
}

export function array<T>(shape: Shape<T>): Shape<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return fail(path, 'an array', value);
    return value.map((item, index) => shape(item, `${path}[${index}]`));
  };
}

export function object<P extends Record<string, Shape<unknown>>>(properties: P): Shape<{ [K in keyof P]: ShapeOf<P[K]> }> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
    const source = value as Record<string, unknown>; // narrowed above: a non-null, non-array object
    const result: Record<string, unknown> = {};
    for (const [key, shape] of Object.entries(properties)) {
      result[key] = shape(Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined, `${path}.${key}`);
    }
    return result as { [K in keyof P]: ShapeOf<P[K]> }; // every key was produced by its own shape
  };
}

/** Checks a whole payload; `what` names its root in the message (`body`, `data`). */
export function check<T>(shape: Shape<T>, value: unknown, what = 'body'): T {
  return shape(value, what);
}
