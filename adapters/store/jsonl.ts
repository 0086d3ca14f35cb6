/**
 * Append-only JSON Lines files: one record a line, written by appending, read whole or from
 * the end. A crash mid-append leaves at most one cut-off last line; it is dropped with a
 * warning on open (so the next append starts on a fresh line) and every earlier line is kept.
 */
import { createReadStream, writeSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { basename } from 'node:path';
import { errorMessage } from '../../lib/errors.js';
import { isMissing } from './files.js';

export type Warn = (message: string) => void;

const CHUNK = 64 * 1024;

/**
 * If `path` does not end with a newline, its last line was cut off by a crash: a complete
 * JSON value gets its newline back, anything else is truncated away (with a warning).
 */
export async function repairTail(path: string, warn: Warn): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, 'r+');
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  try {
    const { size } = await file.stat();
    if (size === 0) return;
    // Walk back to the last newline.
    let end = size;
    let tail = Buffer.alloc(0);
    let lastNewline = -1;
    while (end > 0 && lastNewline < 0) {
      const start = Math.max(0, end - CHUNK);
      const chunk = Buffer.alloc(end - start);
      await file.read(chunk, 0, chunk.length, start);
      tail = Buffer.concat([chunk, tail]);
      const at = chunk.lastIndexOf(0x0a);
      if (at >= 0) lastNewline = start + at;
      end = start;
    }
    if (lastNewline === size - 1) return;
    const fragment = tail.subarray(tail.length - (size - lastNewline - 1)).toString('utf8');
    if (parsesAsJson(fragment)) {
      await file.write('\n', size);
      return;
    }
    await file.truncate(lastNewline + 1);
    await file.sync();
    warn(`${basename(path)}: the last line was cut off (${size - lastNewline - 1} bytes, a crash mid-append?); dropped it, earlier lines kept`);
  } finally {
    await file.close();
  }
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    // Not JSON is the answer here, not a failure.
    return false;
  }
}

/** Parses each line; a line that is not JSON is skipped with a warning naming its number. */
function parseLine(line: string, where: string, warn: Warn): unknown {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    warn(`${where}: skipped a line that is not JSON (${errorMessage(error)})`);
    return undefined;
  }
}

/** Every record of `path` in order (none if it does not exist), streamed line by line. */
export async function readJsonl(path: string, warn: Warn, onRecord: (value: unknown) => void): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const missing = new Promise<boolean>((resolve, reject) => {
    stream.once('open', () => resolve(false));
    stream.once('error', (error) => (isMissing(error) ? resolve(true) : reject(error)));
  });
  if (await missing) return;
  let number = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    number += 1;
    const value = parseLine(line, `${basename(path)}:${number}`, warn);
    if (value !== undefined) onRecord(value);
  }
}

/** The last `max` records of `path`, oldest first, reading only the end of the file. */
export async function readJsonlTail(path: string, max: number, warn: Warn): Promise<unknown[]> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const file = await open(path, 'r');
  try {
    let end = size;
    let text = '';
    let lines: string[] = [];
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const chunk = Buffer.alloc(end - start);
      await file.read(chunk, 0, chunk.length, start);
      end = start;
      // Bytes before the first newline of a chunk may be half a character: decode whole lines only.
      text = chunk.toString('latin1') + text;
      lines = text.split('\n');
      if (lines.length > max + 1) break;
    }
    // Unless we reached the start, the first piece may be a partial line.
    const whole = end > 0 ? lines.slice(1) : lines;
    const records: unknown[] = [];
    for (const line of whole.slice(-max - 1)) {
      const value = parseLine(Buffer.from(line, 'latin1').toString('utf8'), basename(path), warn);
      if (value !== undefined) records.push(value);
    }
    return records.slice(-max);
  } finally {
    await file.close();
  }
}

/**
 * A single buffered append stream: `append` is synchronous and cheap; lines written in the
 * same tick go out in one write. `sync()` also fsyncs, for records that must be durable.
 */
export class JsonlAppender {
  #file: FileHandle | null = null;
  #buffer: string[] = [];
  #draining: Promise<void> | null = null;
  #scheduled = false;
  #failure: unknown = null;

  constructor(
    readonly path: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async open(): Promise<void> {
    this.#file = await open(this.path, 'a', 0o600);
  }

  append(line: string): void {
    this.#buffer.push(line + '\n');
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.drain().catch(this.onError);
      });
    }
  }

  /** Resolves when every line appended so far has been handed to the OS. */
  async drain(): Promise<void> {
    while (this.#draining) await this.#draining;
    if (this.#buffer.length === 0) return;
    const file = this.#file;
    if (!file) throw new Error(`${basename(this.path)} is not open`);
    const text = this.#buffer.join('');
    this.#buffer = [];
    this.#draining = file.write(text).then(
      () => undefined,
      (error: unknown) => {
        // Keep the lines so a later drain retries them, and report this one.
        this.#buffer.unshift(text);
        this.#failure = error;
      },
    );
    try {
      await this.#draining;
    } finally {
      this.#draining = null;
    }
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = null;
      throw failure;
    }
  }

  /**
   * Appends `line` with a blocking write, so it is in the OS's hands (and survives a SIGKILL
   * of this process) when this returns. Lines still queued go first: order is kept.
   */
  appendNow(line: string): void {
    const file = this.#file;
    if (!file || this.#buffer.length > 0 || this.#draining) return this.append(line);
    try {
      writeSync(file.fd, line + '\n');
    } catch (error) {
      // Queued for the next drain, which retries it; this failure is reported now.
      this.onError(error);
      this.append(line);
    }
  }

  async sync(): Promise<void> {
    await this.drain();
    await this.#file?.sync();
  }

  async close(): Promise<void> {
    await this.drain();
    await this.#file?.close();
    this.#file = null;
  }
}
