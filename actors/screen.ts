/**
 * What a session's terminal has shown: a rolling buffer of visible lines (for the cockpit,
 * screen rules and escalations), the raw output for live viewers, the ready-signal detector
 * and the repeated-error heuristic. Fed only by output events.
 */
import { LineAssembler } from '../lib/ansi.js';
import { SignalDetector } from '../lib/signal.js';

export interface ScreenOptions {
  readySignal: string;
  bufferLines: number;
  errorRepeatThreshold: number;
  errorWindowLines: number;
}

const ERRORISH = /error|exception|traceback|fatal|panic|failed|cannot|denied|refused/i;

export class ScreenBuffer {
  readonly detector: SignalDetector;
  private readonly assembler = new LineAssembler();
  private readonly lines: string[] = [];
  private readonly rawListeners = new Set<(chunk: string) => void>();
  /** Lines seen since the current turn began, for the error heuristic. */
  private turnLines: string[] = [];
  private loopReported = false;
  /** Lines completed since the buffer began, and that count when the current turn began. */
  private pushed = 0;
  private turnStart = 0;
  /** Raw output kept for a viewer that subscribes late (bounded). */
  private raw = '';

  constructor(private readonly options: ScreenOptions) {
    this.detector = new SignalDetector(options.readySignal);
  }

  /** Feed output. Returns what it completed: the ready signal, a repeated error. */
  push(chunk: string): { signal: boolean; repeatedError: string | null } {
    this.raw = (this.raw + chunk).slice(-200_000);
    for (const listener of this.rawListeners) listener(chunk);
    const signal = this.detector.push(chunk);
    let repeatedError: string | null = null;
    for (const line of this.assembler.push(chunk)) {
      this.lines.push(line);
      this.pushed += 1;
      if (this.detector.isArmed || signal) repeatedError ??= this.noteTurnLine(line);
    }
    if (this.lines.length > this.options.bufferLines) this.lines.splice(0, this.lines.length - this.options.bufferLines);
    return { signal, repeatedError };
  }

  /** Seed from a capture of the screen (on attach), without raising anything. */
  seed(lines: string[]): void {
    this.lines.push(...lines);
    this.pushed += lines.length;
    if (this.lines.length > this.options.bufferLines) this.lines.splice(0, this.lines.length - this.options.bufferLines);
    this.raw = lines.join('\r\n') + '\r\n';
  }

  /** A new turn: forget the last turn's errors and start listening for the signal. */
  beginTurn(): void {
    this.turnLines = [];
    this.loopReported = false;
    this.turnStart = this.pushed;
    this.detector.reset();
    this.detector.arm();
  }

  /** Visible lines, oldest first, including the unfinished last line. */
  text(): string[] {
    const pending = this.assembler.pending;
    return pending ? [...this.lines, pending] : [...this.lines];
  }

  tail(n: number): string[] {
    return this.text().slice(-n);
  }

  /**
   * The last `n` lines of the current turn: from the line being written when it began (the
   * agent's input line) on. Before any turn, every line.
   */
  turnTail(n: number): string[] {
    const since = Math.min(this.pushed - this.turnStart, this.lines.length);
    const pending = this.assembler.pending;
    const lines = since > 0 ? this.lines.slice(-since) : [];
    return (pending ? [...lines, pending] : lines).slice(-n);
  }

  rawOutput(): string {
    return this.raw;
  }

  onRaw(listener: (chunk: string) => void): () => void {
    this.rawListeners.add(listener);
    return () => this.rawListeners.delete(listener);
  }

  private noteTurnLine(line: string): string | null {
    const text = line.trim();
    this.turnLines.push(text);
    if (this.turnLines.length > this.options.errorWindowLines) this.turnLines.shift();
    if (this.loopReported || !ERRORISH.test(text)) return null;
    const key = normalise(text);
    let count = 0;
    for (const seen of this.turnLines) if (normalise(seen) === key) count += 1;
    if (count < this.options.errorRepeatThreshold) return null;
    this.loopReported = true;
    return text;
  }
}

/** The same error with a different counter or timestamp is the same error. */
function normalise(line: string): string {
  return line.replace(/\d+/g, '#').replace(/\s+/g, ' ').toLowerCase();
}
