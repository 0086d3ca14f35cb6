/**
 * The `generic` agent profile: any command line (`agent = aider --yes`). zoro cannot read a
 * program it knows nothing about, so the screen says "busy" until the program has exited,
 * and a prompt counts as taken once anything at all is printed after Enter.
 *
 * @example
 *   const profile = createGenericProfile('aider --model "gpt 5"');
 *   profile.launch(context).command; // ['aider', '--model', 'gpt 5']
 */
import { UsageError } from '../../lib/errors.js';
import type { AgentProfile, LaunchContext, ScreenState } from './types.js';
import { isExitMark, lastPlainLine } from './screen.js';

/**
 * Splits a command line into argv the way a POSIX shell would for plain words and quotes —
 * `'…'` literal, `"…"` with `\"` `\\` `\$` `` \` `` escapes, `\x` outside quotes — and
 * nothing more: no variables, globs, `~`, pipes or redirections, because no shell runs it.
 * Throws UsageError for an unterminated quote or an empty command line.
 */
export function parseCommandLine(line: string): string[] {
  const args = splitWords(line);
  if (args.length === 0) throw new UsageError('agent command is empty');
  return args;
}

/** parseCommandLine's splitting, for argument lists that may be empty (`agent_args`). */
export function splitWords(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) current += line[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 < line.length) current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`agent command has an unterminated ${quote} quote: ${line}`);
  if (inWord) args.push(current);
  return args;
}

/** A profile running `commandLine` (plus the session's `agent_args`, when set). */
export function createGenericProfile(commandLine: string): AgentProfile {
  const command = parseCommandLine(commandLine);
  return {
    name: 'generic',
    launch(context: LaunchContext) {
      return { command: [...command, ...splitWords(context.options.agent_args ?? '')], env: {} };
    },
    classify(lines: string[]): ScreenState {
      const last = lastPlainLine(lines);
      return last !== null && isExitMark(last) ? 'exited' : 'busy';
    },
    submitted(outputSinceEnter: string): boolean {
      return outputSinceEnter.length > 0;
    },
    interruptKeys: ['C-c'],
    bracketedPaste: true,
  };
}
