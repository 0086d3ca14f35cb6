import { realpath, stat } from 'node:fs/promises';
import { TerminalError } from '../../lib/errors.js';

/** `path` with symlinks resolved, checked to be a directory, for a runtime to start a program in. */
export async function workingDirectory(path: string, runtime: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    throw new TerminalError(runtime, `working directory ${path} does not exist`, { cause: error });
  }
  if (!(await stat(real)).isDirectory()) throw new TerminalError(runtime, `working directory ${path} is not a directory`);
  return real;
}
