/**
 * One tmux control-mode client (`tmux -C attach-session -t SESSION`), kept open: commands go
 * in on its stdin, one per line; their results come back as `%begin … %end|%error` blocks,
 * in order; notifications (`%output`, `%window-close`, …) come between blocks.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { TerminalError } from '../../../lib/errors.js';
import { Listeners } from '../listeners.js';
import { serverArgs, tmuxCommandLine, tmuxEnvironment, type TmuxServer } from './exec.js';
import { parseControlLine, type ControlLine } from './protocol.js';

type Notification = Exclude<ControlLine, { kind: 'begin' | 'end' | 'error' }>;

interface Waiter {
  label: string;
  resolve(lines: string[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

interface Block {
  number: string;
  /** Null for blocks that are not answers to our commands (the attach itself, hooks). */
  waiter: Waiter | null;
  lines: string[];
}

export interface ControlClientOptions {
  server: TmuxServer;
  /** `attach-session -t` target: `$3` or `=zoro`. */
  target: string;
  /** `attach-session -f` flags: `ignore-size,pause-after=10`. */
  flags: string;
  commandTimeoutMs: number;
}

const FLAG_FROM_CLIENT = 1;

export class ControlClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Waiter[] = [];
  private block: Block | null = null;
  private partial: Buffer[] = [];
  private exitReason: string | null = null;
  private finished = false;
  private stderr = '';
  private readonly notifications = new Listeners<Notification>();
  private readonly exits = new Listeners<string>();
  readonly closed: Promise<string>;

  constructor(private readonly options: ControlClientOptions) {
    this.child = spawn(
      options.server.binary,
      [...serverArgs(options.server), '-C', 'attach-session', '-t', options.target, '-f', options.flags],
      { stdio: ['pipe', 'pipe', 'pipe'], env: tmuxEnvironment() },
    );
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000);
    });
    // A write after tmux went away fails with EPIPE; 'close' below reports the exit.
    this.child.stdin.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.child.on('error', (error) => this.finish(`cannot run ${options.server.binary}: ${error.message}`, resolve));
      this.child.on('close', (code, signal) => {
        const said = this.stderr.trim();
        const why = this.exitReason ?? (said || (signal ? `killed by ${signal}` : `exit code ${code}`));
        this.finish(why, resolve);
      });
    });
  }

  /** Attach, and confirm the client is live by asking for its session id. */
  static async open(options: ControlClientOptions): Promise<{ client: ControlClient; sessionId: string }> {
    const client = new ControlClient(options);
    const [sessionId] = await client.run(['display-message', '-p', '#{session_id}']);
    if (!sessionId) throw new TerminalError('tmux', `control client for ${options.target} did not report its session`);
    return { client, sessionId };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitReason !== null;
  }

  /** Run one tmux command (argv); resolves with its output lines, rejects on `%error`. */
  run(args: string[], options: { label?: string; timeoutMs?: number } = {}): Promise<string[]> {
    const label = options.label ?? args[0] ?? 'command';
    if (this.exitReason !== null) {
      return Promise.reject(new TerminalError('tmux', `${label}: the tmux control client has exited (${this.exitReason})`));
    }
    const line = tmuxCommandLine(args);
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
      const waiter: Waiter = {
        label,
        resolve,
        reject,
        settled: false,
        // On timeout the waiter stays queued, so its late answer is still matched to it and
        // does not shift every later answer by one.
        timer: setTimeout(() => settle(waiter, new TerminalError('tmux', `${label} got no answer within ${timeoutMs} ms`)), timeoutMs),
      };
      this.waiting.push(waiter);
      this.child.stdin.write(`${line}\n`);
    });
  }

  onNotification(listener: (notification: Notification) => void): () => void {
    return this.notifications.add(listener);
  }

  /** The client ended: tmux server killed, session destroyed, or `close()`. */
  onExit(listener: (reason: string) => void): () => void {
    return this.exits.add(listener);
  }

  /** Detach (an empty line ends a control client); kill it if it does not go in time. */
  async close(): Promise<void> {
    if (this.exitReason === null) {
      this.child.stdin.end('\n');
      const timer = setTimeout(() => this.child.kill('SIGTERM'), 2000);
      await this.closed;
      clearTimeout(timer);
    }
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      let line = chunk.subarray(start, newline);
      if (this.partial.length > 0) {
        line = Buffer.concat([...this.partial, line]);
        this.partial = [];
      }
      this.line(line);
      start = newline + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  private line(raw: Buffer): void {
    const block = this.block;
    if (block) {
      // Inside a block every line is output, even one starting with `%` (pane ids do),
      // until the %end/%error that carries the block's number.
      const parsed = raw[0] === 0x25 ? parseControlLine(raw) : null;
      if (parsed && (parsed.kind === 'end' || parsed.kind === 'error') && parsed.number === block.number) {
        this.block = null;
        if (block.waiter) {
          const output = block.lines;
          settle(block.waiter, parsed.kind === 'end' ? output : new TerminalError('tmux', `${block.waiter.label}: ${output.join(' ') || 'failed'}`));
        }
      } else {
        block.lines.push(raw.toString('utf8'));
      }
      return;
    }
    const parsed = parseControlLine(raw);
    if (parsed.kind === 'begin') {
      const ours = (parsed.flags & FLAG_FROM_CLIENT) !== 0;
      this.block = { number: parsed.number, waiter: ours ? (this.waiting.shift() ?? null) : null, lines: [] };
      return;
    }
    if (parsed.kind === 'end' || parsed.kind === 'error') return; // an end without a begin: nothing waits on it
    if (parsed.kind === 'exit') this.exitReason = parsed.reason || 'detached';
    this.notifications.emit(parsed);
  }

  private finish(reason: string, resolve: (reason: string) => void): void {
    if (this.finished) return;
    this.finished = true;
    this.exitReason = reason;
    const error = new TerminalError('tmux', `the tmux control client for ${this.options.target} exited: ${reason}`);
    for (const waiter of this.waiting.splice(0)) settle(waiter, error);
    if (this.block?.waiter) settle(this.block.waiter, error);
    this.block = null;
    this.exits.emit(reason);
    this.exits.clear();
    this.notifications.clear();
    resolve(reason);
  }
}

function settle(waiter: Waiter, result: string[] | Error): void {
  if (waiter.settled) return;
  waiter.settled = true;
  clearTimeout(waiter.timer);
  if (result instanceof Error) waiter.reject(result);
  else waiter.resolve(result);
}
