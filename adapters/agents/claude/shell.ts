/**
 * The two bits of shell syntax the Claude profile needs: quoting an argv into the one command
 * string a Claude hook runs (through `sh -c`), and splitting the `claude_args` /
 * `claude_command` values of access.txt back into an argv.
 */
import { ConfigError } from '../../../lib/errors.js';

/** POSIX-shell quoting: safe words stay bare, anything else goes in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Splits a command line into words the way a shell would for plain words and quotes
 * (`--model opus --append-system-prompt "be brief"` → four words), with no expansion of
 * any kind. `key` names the access.txt key in the error for an unclosed quote.
 */
export function splitWords(text: string, key: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new ConfigError('access.txt', null, key, `unclosed ${quote} quote in "${text}"`);
  if (inWord) words.push(word);
  return words;
}
