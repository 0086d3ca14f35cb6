/**
 * The two bits of shell syntax the Claude profile needs: quoting an argv into the one command
 * string a Claude hook runs (through `sh -c`), and splitting the `claude_args` /
 * `claude_command` values of access.txt into an argv (with the generic profile's splitter).
 */
import { ConfigError, UsageError } from '../../../lib/errors.js';
import { splitWords as splitCommandWords } from '../generic.js';

/** POSIX-shell quoting: safe words stay bare, anything else goes in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Splits an access.txt value into words the way a shell would for plain words and quotes
 * (`--model opus --append-system-prompt "be brief"` → four words), with no expansion of any
 * kind; an unclosed quote is a ConfigError naming `key`.
 */
export function splitWords(text: string, key: string): string[] {
  try {
    return splitCommandWords(text);
  } catch (error) {
    if (error instanceof UsageError) throw new ConfigError('access.txt', null, key, error.message, { cause: error });
    throw error;
  }
}
