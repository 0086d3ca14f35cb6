import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../lib/errors.js';

/** node's parseArgs, strict, with its errors turned into UsageError (exit 2) plus the help text. */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: string[], options: T, help: string, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/^.*?: /, '')}\n\n${help}`);
  }
}

export function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}
