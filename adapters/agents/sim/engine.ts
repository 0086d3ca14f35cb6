/**
 * What the simulated agent does with one submitted prompt: its directives, in order, then
 * the ready signal. No terminal handling here — the program (`program.ts`) feeds prompts in
 * and passes a world of injected effects (print, sleep, clock, the human's choice), so
 * specs run this with a fake clock.
 *
 * @example
 *   const outcome = await runPrompt('| sim: echo hi', world, controller.signal);
 *   // world.print got 'hi', then 'READY FOR NEW TASKS'; outcome === 'finished'
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errorMessage } from '../../../lib/errors.js';
import { sanitizeText } from '../../../lib/sanitize.js';
import { parseDirectives, ticketKey, type Directive } from './directives.js';

export const DEFAULT_READY_SIGNAL = 'READY FOR NEW TASKS';
/** How long a prompt without a `sleep` directive works. */
export const DEFAULT_WORK_SECONDS = 0.3;
export const FAILURE_LINE = 'Error: simulated failure';
/** Where `fail-times` keeps its counts, inside the sim's working directory. */
export const COUNTS_DIR = '.zoro-sim';

export interface SimWorld {
  /** The sim's working directory: `write` paths and `.zoro-sim/` are relative to it. */
  cwd: string;
  readySignal: string;
  /** Print one line (without its newline). */
  print(line: string): void;
  /** Wait `ms`, or less when `signal` aborts (resolves either way). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): number;
  /** Wait for the human's answer to an `ask`: true for Yes. Resolves (to anything) on abort. */
  choose(signal: AbortSignal): Promise<boolean>;
}

/** `finished` printed the ready signal; `crashed` asks the program to exit with status 1. */
export type PromptOutcome = 'finished' | 'interrupted' | 'crashed';

export async function runPrompt(prompt: string, world: SimWorld, signal: AbortSignal): Promise<PromptOutcome> {
  const directives = parseDirectives(prompt);
  const say = (line: string) => {
    if (!signal.aborted) world.print(printable(line));
  };
  const progress = createProgress(directives, world, signal, say);
  const failing = await decideFailure(directives, prompt, world.cwd, say);

  if (!directives.some((d) => d.kind === 'sleep' || d.kind === 'crash')) {
    await progress.work(DEFAULT_WORK_SECONDS * 1000);
  }
  for (const directive of directives) {
    if (signal.aborted) return 'interrupted';
    switch (directive.kind) {
      case 'sleep':
        await progress.work(directive.seconds * 1000);
        break;
      case 'write':
        if (!failing) await writeWorkFile(world.cwd, directive.path, directive.text, say);
        break;
      case 'echo':
        say(directive.text);
        break;
      case 'fail':
      case 'fail-times':
        if (failing) return finish(FAILURE_LINE);
        break;
      case 'error-loop':
        while (!signal.aborted) {
          say(directive.message);
          await world.sleep(1000, signal);
        }
        return 'interrupted';
      case 'silent':
        // Waiting on the clock (not just the signal) keeps a piped sim alive while it stalls.
        while (!signal.aborted) await world.sleep(60_000, signal);
        return 'interrupted';
      case 'ask': {
        say(directive.question);
        say('  1. Yes');
        say('  2. No');
        const yes = await world.choose(signal);
        if (signal.aborted) return 'interrupted';
        if (!yes) return finish('declined');
        say('» answered yes');
        break;
      }
      case 'crash':
        return 'crashed';
      case 'output':
        break;
      case 'invalid':
        say(`sim: ${directive.reason}`);
        break;
    }
  }
  return finish();

  function finish(lastWords?: string): PromptOutcome {
    if (signal.aborted) return 'interrupted';
    if (lastWords) say(lastWords);
    say(world.readySignal);
    return 'finished';
  }
}

/** Keeps output from untrusted ticket text to one line of visible characters. */
export function printable(text: string): string {
  return sanitizeText(text).replace(/[\n\t]/g, ' ');
}

/** `work(ms)` sleeps, printing `working… (k)` at the `output` directive's rate meanwhile. */
function createProgress(directives: Directive[], world: SimWorld, signal: AbortSignal, say: (line: string) => void) {
  const rates = directives.flatMap((d) => (d.kind === 'output' ? [d.linesPerSecond] : []));
  const rate = rates.at(-1);
  let printed = 0;
  return {
    async work(ms: number): Promise<void> {
      if (rate === undefined) return world.sleep(ms, signal);
      const interval = 1000 / rate;
      const start = world.now();
      let mine = 0;
      // Lines due are computed from the clock, so a slow timer catches up instead of drifting.
      for (;;) {
        const elapsed = Math.min(world.now() - start, ms);
        const due = Math.floor(elapsed / interval);
        for (; mine < due; mine++) say(`working… (${++printed})`);
        if (elapsed >= ms || signal.aborted) return;
        await world.sleep(Math.min(interval * (due + 1) - elapsed, ms - elapsed), signal);
      }
    },
  };
}

/**
 * Whether this prompt fails: any `fail`, or a `fail-times N` while fewer than N earlier
 * prompts of this ticket carried one. Counting happens here, once per prompt.
 */
async function decideFailure(directives: Directive[], prompt: string, cwd: string, say: (line: string) => void): Promise<boolean> {
  if (directives.some((d) => d.kind === 'fail')) return true;
  const limits = directives.flatMap((d) => (d.kind === 'fail-times' ? [d.times] : []));
  if (limits.length === 0) return false;
  try {
    const seen = await bumpCount(cwd, ticketKey(prompt));
    return seen < Math.max(...limits);
  } catch (error) {
    say(`sim: could not keep the fail-times count in ${COUNTS_DIR}/: ${errorMessage(error)}`);
    return false;
  }
}

/** Returns how many earlier prompts were counted for `key`, and counts this one. */
async function bumpCount(cwd: string, key: string): Promise<number> {
  const dir = join(cwd, COUNTS_DIR);
  await mkdir(dir, { recursive: true });
  // The counts are the sim's own bookkeeping, not the agent's work: keep them out of git.
  await writeFile(join(dir, '.gitignore'), '*\n');
  const file = join(dir, `${key}.fail-times`);
  let seen = 0;
  try {
    seen = Number.parseInt(await readFile(file, 'utf8'), 10) || 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFile(file, `${seen + 1}\n`);
  return seen;
}

/** Ticket text is untrusted: a `write` may only land inside the working directory. */
async function writeWorkFile(cwd: string, path: string, text: string, say: (line: string) => void): Promise<void> {
  const target = resolve(cwd, path);
  const inside = relative(cwd, target);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    say(`sim: refusing to write ${path}: outside the working directory`);
    return;
  }
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${text}\n`);
  } catch (error) {
    say(`Error: could not write ${path}: ${errorMessage(error)}`);
  }
}
