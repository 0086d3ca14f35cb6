import { LineAssembler } from './ansi.js';

/**
 * Finds the ready signal in a terminal's output: a line whose visible text, trimmed, is
 * exactly the signal — however the output was split into chunks. It only counts once armed
 * (after the prompt was delivered) and fires once per arming, so the echoed prompt and a
 * full-screen agent redrawing the same line never count twice.
 */
export class SignalDetector {
  private readonly lines = new LineAssembler();
  private armed = false;

  constructor(readonly signal: string) {}

  /** Start counting: output from now on may carry the signal. */
  arm(): void {
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
  }

  get isArmed(): boolean {
    return this.armed;
  }

  /** Feed output; true exactly when this chunk completed the signal line while armed. */
  push(chunk: string): boolean {
    let found = false;
    for (const line of this.lines.push(chunk)) {
      if (this.armed && isSignalLine(line, this.signal)) {
        this.armed = false;
        found = true;
      }
    }
    return found;
  }

  /**
   * Output seen before arming must not complete a line after it: forget the partial line.
   * (Pushing a newline did not: inside a cut escape sequence the parser swallows it.)
   */
  reset(): void {
    this.lines.discardLine();
  }
}

export function isSignalLine(visibleLine: string, signal: string): boolean {
  return visibleLine.trim() === signal;
}
