// A tiny interactive agent for the fake iTerm2's tabs (plain JavaScript so it runs the same
// from source and from dist/). It reads a prompt the way Claude Code does — a bracketed
// paste, then Enter — appends exactly the bytes it read to the JSON-lines file named by its
// first argument, echoes the prompt's lines, and prints the ready signal on its own line.
import { appendFileSync } from 'node:fs';

const logFile = process.argv[2];
const PASTE = /\x1b\[200~[\s\S]*?\x1b\[201~/g;
let raw = '';

process.stdin.setRawMode?.(true);
process.stdout.write('echo agent ready\r\n> ');

process.stdin.on('data', (data) => {
  raw += data.toString('utf8');
  const outside = raw.replace(PASTE, '');
  const enter = outside.indexOf('\r');
  if (enter < 0 || outside.includes('\x1b[200~')) return;
  // The prompt ends at the first Enter outside a paste.
  const submitted = raw;
  raw = '';
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ raw: submitted })}\n`);
  const text = submitted.replace(/\x1b\[20[01]~/g, '').replace(/\r$/, '');
  if (text.trim() === 'exit') process.exit(0);
  const lines = text.split('\n');
  process.stdout.write(`\r\nprompt received (${lines.length} lines)\r\n`);
  for (const line of lines) process.stdout.write(`| ${line}\r\n`);
  process.stdout.write('READY FOR NEW TASKS\r\n> ');
});
