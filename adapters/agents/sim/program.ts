/**
 * `zoro sim`: the simulated agent as an interactive terminal program. zoro drives it exactly
 * as it drives Claude Code — a bracketed paste, then Enter — and watches its screen.
 *
 * On a terminal: raw mode and bracketed paste mode, a `sim> ` prompt, typed characters
 * echoed, Enter submits, Ctrl-C or Escape interrupts the work, Ctrl-D at an empty prompt
 * exits. On a pipe: lines of input, a blank line (or the end of input) submits.
 * What a prompt does is `engine.ts`'s business.
 */
import { createInterface } from 'node:readline';
import { errorMessage } from '../../../lib/errors.js';
import { LineEditor } from './editor.js';
import { runPrompt, printable, type PromptOutcome, type SimWorld } from './engine.js';
import { KeyReader, type KeyEvent } from './keys.js';

export const IDLE_PROMPT = 'sim> ';
export const WORKING_PREFIX = '» working on: ';
export const INTERRUPTED_LINE = '^C interrupted';
export const CRASH_LINE = 'sim: crash — exiting with status 1';
export const EXIT_LINE = 'sim: bye';

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';
/** How long a lone ESC waits for the rest of a possible escape sequence. */
const ESCAPE_WAIT_MS = 40;

export interface SimInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

export interface SimProgramOptions {
  input: SimInput;
  output: NodeJS.WritableStream;
  cwd: string;
  readySignal: string;
  /** Timers, injectable for specs. */
  sleep?: SimWorld['sleep'];
  now?: SimWorld['now'];
}

/** Runs until Ctrl-D / end of input (0) or a `crash` directive (1). */
export function runSim(options: SimProgramOptions): Promise<number> {
  return options.input.isTTY && options.input.setRawMode ? runInteractive(options) : runPiped(options);
}

/** What the confirmation line shows of a prompt: its first non-blank line, shortened. */
export function promptSummary(prompt: string, width = 60): string {
  const first = printable(prompt.split('\n').find((line) => line.trim() !== '')?.trim() ?? '');
  return first.length > width ? `${first.slice(0, width - 1)}…` : first;
}

export function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const onAbort = () => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function createWorld(options: SimProgramOptions, choose: SimWorld['choose']): SimWorld {
  return {
    cwd: options.cwd,
    readySignal: options.readySignal,
    print: (line) => options.output.write(`${line}\n`),
    sleep: options.sleep ?? realSleep,
    now: options.now ?? Date.now,
    choose,
  };
}

function runInteractive(options: SimProgramOptions): Promise<number> {
  const { input, output } = options;
  const write = (text: string) => output.write(text);
  const reader = new KeyReader();
  const editor = new LineEditor();
  /** The prompt being worked on; null at the idle prompt. */
  let task: { controller: AbortController; answer?: (yes: boolean) => void } | null = null;
  let escapeTimer: NodeJS.Timeout | undefined;

  return new Promise<number>((resolveExit) => {
    const exit = (code: number) => {
      clearTimeout(escapeTimer);
      task?.controller.abort();
      task = null;
      input.off('data', onData);
      input.off('end', onEnd);
      write(BRACKETED_PASTE_OFF);
      input.setRawMode?.(false);
      input.pause();
      resolveExit(code);
    };
    const onEnd = () => exit(0);
    const onData = (chunk: Buffer | string) => {
      clearTimeout(escapeTimer);
      for (const key of reader.feed(chunk.toString())) handle(key);
      if (reader.pending) escapeTimer = setTimeout(() => reader.flush().forEach(handle), ESCAPE_WAIT_MS);
    };

    const handle = (key: KeyEvent) => (task ? whileWorking(key) : atPrompt(key));

    const atPrompt = (key: KeyEvent) => {
      switch (key.type) {
        case 'text': return void write(editor.type(key.text));
        case 'paste': return void write(editor.paste(key.text));
        case 'backspace': return void write(editor.backspace());
        case 'enter': return submit();
        case 'interrupt':
          editor.clear();
          return void write(`^C\n${IDLE_PROMPT}`);
        case 'eof':
          if (editor.empty) {
            write(`\n${EXIT_LINE}\n`);
            exit(0);
          }
          return;
        case 'escape': return;
      }
    };

    // While working only interrupts and an `ask`'s answer count; anything else is dropped,
    // so a second Enter from a delivery retry cannot submit an empty prompt later.
    const whileWorking = (key: KeyEvent) => {
      if (!task) return;
      if (key.type === 'interrupt' || key.type === 'escape') {
        task.controller.abort();
        task = null;
        write(`${INTERRUPTED_LINE}\n${IDLE_PROMPT}`);
      } else if (key.type === 'text' && task.answer) {
        const choice = [...key.text].find((ch) => ch === '1' || ch === '2');
        if (choice) task.answer(choice === '1');
      }
    };

    const submit = () => {
      const prompt = editor.text;
      editor.clear();
      write('\n');
      if (prompt.trim() === '') return void write(IDLE_PROMPT);
      write(`${WORKING_PREFIX}${promptSummary(prompt)}\n`);
      const current: NonNullable<typeof task> = { controller: new AbortController() };
      task = current;
      const world = createWorld(options, (signal) =>
        new Promise<boolean>((answer) => {
          current.answer = (yes) => {
            current.answer = undefined;
            write(`${yes ? '1' : '2'}\n`);
            answer(yes);
          };
          signal.addEventListener('abort', () => answer(false), { once: true });
        }),
      );
      void runPrompt(prompt, world, current.controller.signal).then(
        (outcome) => settle(current, outcome),
        (error: unknown) => {
          // runPrompt reports its own failures; reaching here is a bug, shown rather than hidden.
          if (task === current) write(`sim: internal error: ${printable(errorMessage(error))}\n`);
          settle(current, 'interrupted');
        },
      );
    };

    const settle = (finished: NonNullable<typeof task>, outcome: PromptOutcome) => {
      if (task !== finished) return; // interrupted meanwhile; the prompt is already back
      task = null;
      if (outcome === 'crashed') {
        write(`${CRASH_LINE}\n`);
        return exit(1);
      }
      write(IDLE_PROMPT);
    };

    input.setRawMode?.(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
    write(`${BRACKETED_PASTE_ON}zoro sim — a simulated agent. Paste or type a prompt; Enter submits, Ctrl-C interrupts, Ctrl-D exits.\n${IDLE_PROMPT}`);
  });
}

async function runPiped(options: SimProgramOptions): Promise<number> {
  const write = (text: string) => options.output.write(text);
  const lines = createInterface({ input: options.input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  // An `ask`'s answer is the next line of input; the end of input declines.
  const world = createWorld(options, async () => {
    const next = await lines.next();
    return !next.done && /^\s*(1|y|yes)\s*$/i.test(next.value);
  });
  let pending: string[] = [];
  for (;;) {
    const next = await lines.next();
    const line = next.done ? '' : next.value;
    if (line.trim() !== '') pending.push(line);
    else if (pending.length > 0) {
      const prompt = pending.join('\n');
      pending = [];
      write(`${WORKING_PREFIX}${promptSummary(prompt)}\n`);
      // Nothing can interrupt a piped prompt; an error-loop or silent one runs until killed.
      const outcome = await runPrompt(prompt, world, new AbortController().signal);
      if (outcome === 'crashed') {
        write(`${CRASH_LINE}\n`);
        return 1;
      }
    }
    if (next.done) return 0;
  }
}
