/**
 * Claude Code's screen rules against screens captured from the real CLI (2.1.197, offline,
 * see capture-screens.ts): rendered captures, and lines assembled from the raw output stream
 * the way zoro's screen buffer assembles them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyScreen, inputBoxEmpty, parseUsageLimit, pasteShown, promptTaken } from '../../../../adapters/agents/claude/screen.js';
import { claudeProfile } from '../../../../adapters/agents/claude/index.js';
import { visibleLines } from '../../../../lib/ansi.js';
import { projectRoot } from '../../../../lib/self.js';

const dir = join(projectRoot, 'specs/adapters/agents/claude/screens');
const screen = (name: string) => readFileSync(join(dir, `${name}.txt`), 'utf8').replace(/\n$/, '').split('\n');
/** What zoro's session actor passes: the last 40 lines. */
const tail = (lines: string[]) => lines.slice(-40);

const expected: Record<string, string> = {
  'idle-accept-edits': 'idle',
  'idle-default': 'idle',
  'input-holds-prompt': 'idle',
  busy: 'busy',
  'permission-prompt': 'needs_human',
  'finished-turn': 'idle',
  interrupted: 'idle',
  exited: 'exited',
  'trust-dialog': 'needs_human',
  'api-key-dialog': 'needs_human',
  'usage-limit-subscriber': 'idle',
  'usage-limit-dialog': 'needs_human',
  'usage-limit-retrying': 'busy',
};

for (const [name, state] of Object.entries(expected)) {
  test(`the captured screen "${name}" reads as ${state}`, () => {
    assert.is(classifyScreen(tail(screen(name))), state);
  });
}

test('a terminal whose program ended reads as exited, whatever Claude Code showed last', () => {
  assert.is(classifyScreen([...screen('busy'), 'Pane is dead (status 1, Sun Nov 22 04:42:00 2026)']), 'exited');
});

test('nothing recognisable yet (an empty pane, a shell) reads as starting', () => {
  assert.is(classifyScreen([]), 'starting');
  assert.is(classifyScreen(['$ claude', '']), 'starting');
});

test('the latest footer wins over an older one left higher up', () => {
  const busy = screen('busy');
  const idle = screen('idle-default');
  assert.is(classifyScreen([...busy, ...idle]), 'idle');
  assert.is(classifyScreen([...idle, ...busy]), 'busy');
});

test('the ready signal shows on a line of its own, indented by two spaces', () => {
  const lines = screen('finished-turn');
  assert.ok(lines.some((line) => line.trimEnd() === '  READY FOR NEW TASKS'));
  assert.ok(lines.some((line) => line.trim() === 'READY FOR NEW TASKS'), 'a detector that trims sees exactly the signal');
});

test('the input box reads empty when it waits, and full while it holds a pasted or interrupted prompt', () => {
  assert.ok(inputBoxEmpty(screen('idle-default')));
  assert.ok(inputBoxEmpty(screen('finished-turn')));
  assert.not.ok(inputBoxEmpty(screen('input-holds-prompt')));
  assert.not.ok(inputBoxEmpty(screen('interrupted')), 'Esc puts the prompt back in the box');
  assert.not.ok(inputBoxEmpty(screen('permission-prompt')), 'a question replaces the box');
});

test('a prompt counts as taken once the turn starts, and not while it still sits in the box', () => {
  assert.not.ok(promptTaken('', screen('input-holds-prompt')));
  assert.ok(promptTaken('', screen('busy')));
  assert.ok(promptTaken('', screen('permission-prompt')));
  assert.ok(promptTaken('', screen('finished-turn')), 'a turn that already ended took it too');
  assert.ok(promptTaken('… esc to interrupt · ← for agents', screen('input-holds-prompt')), 'the busy footer in the output since Enter');
  // As the renderer writes the footer: each word placed with a cursor-column move.
  const footer = '\u001b[3G\u001b[38;5;246mesc\u001b[7Gto\u001b[10Ginterrupt\u001b[20G·\u001b[22G←\u001b[24Gfor\u001b[28Gagents\u001b[39m\r\r\n';
  assert.ok(claudeProfile.submitted(footer, screen('input-holds-prompt')), 'raw output is made visible first');
});

test('delivery reads only the output since the paste and since Enter: the paste shown, then the prompt taken', () => {
  // Captured: a 11-line paste, then Enter (at byte `entered`), from 2.1.197 in tmux.
  const { raw, entered } = JSON.parse(readFileSync(join(dir, 'stream-paste-enter.json'), 'utf8')) as { raw: string; entered: number };
  const bytes = Buffer.from(raw, 'utf8');
  const beforeEnter = bytes.subarray(0, entered).toString('utf8');
  const afterEnter = bytes.subarray(entered).toString('utf8');
  const prompt = Array.from({ length: 11 }, (_, i) => `line ${i} of the prompt`).join('\n');
  assert.not.ok(pasteShown('', prompt), 'nothing drawn yet: an Enter now would be lost');
  assert.ok(pasteShown(beforeEnter, prompt), '[Pasted text #1 +10 lines]');
  assert.ok(pasteShown('\u001b[3Gfix the bug\u001b[K', 'fix the bug'), 'a short paste shows as itself');
  assert.not.ok(claudeProfile.submitted('', screen('idle-default')), 'an empty box drawn before the paste proves nothing');
  assert.not.ok(claudeProfile.submitted(beforeEnter, screen('idle-default')));
  assert.ok(claudeProfile.submitted(afterEnter, screen('input-holds-prompt')), 'echoed, spinner, an empty box again');
});

test('lines assembled from the raw output stream read as the screen did at each moment', () => {
  const { raw, checkpoints } = JSON.parse(readFileSync(join(dir, 'stream-default-mode.json'), 'utf8')) as {
    raw: string;
    checkpoints: Record<string, number>;
  };
  const bytes = Buffer.from(raw, 'utf8');
  const states: Record<string, string> = { idle: 'idle', needs_human: 'needs_human', finished: 'idle', busy: 'busy', interrupted: 'idle', exited: 'exited' };
  for (const [moment, offset] of Object.entries(checkpoints)) {
    const lines = tail(visibleLines(bytes.subarray(0, offset).toString('utf8')));
    assert.is(classifyScreen(lines), states[moment], `stream at "${moment}"`);
  }
});

test('a spinner redrawn cell by cell still reads as busy', () => {
  // How the spinner row arrives in the output stream: glyphs and letters, one frame per line.
  assert.is(classifyScreen(['  esc to interrupt · ← for agents', '✻      e  i', '', 'ell', '', '✶', '', '*', '', 'Ch']), 'busy');
  assert.is(classifyScreen(['✶ Channelling…', '✻ Churned for 1s', '❯', '? for shortcuts · ← for agents']), 'idle');
});

const at = (iso: string) => new Date(iso);
const resetOf = (line: string, now: string, timeZone?: string) => parseUsageLimit([line], at(now), { timeZone })?.resetAt.toISOString() ?? null;

test('the usage-limit screens captured from the CLI name their reset time', () => {
  const now = at('2026-11-22T05:00:00Z');
  for (const name of ['usage-limit-subscriber', 'usage-limit-dialog']) {
    const limit = parseUsageLimit(screen(name), now);
    assert.is(limit?.resetAt.toISOString(), '2026-11-22T08:00:00.000Z', name);
    assert.match(limit!.message, "You've hit your session limit · resets 8am (UTC)");
  }
  // The retry line gives the time in the CLI's local zone (UTC when captured).
  assert.is(parseUsageLimit(screen('usage-limit-retrying'), now, { timeZone: 'UTC' })?.resetAt.toISOString(), '2026-11-22T08:00:00.000Z');
  assert.is(claudeProfile.parseUsageLimit?.(screen('idle-default'), now), null);
});

test('every wording Claude Code has used for a usage limit gives the instant it resets', () => {
  const cases: [line: string, now: string, zone: string | undefined, reset: string][] = [
    ["You've hit your session limit · resets 12:50pm (America/Los_Angeles)", '2026-07-20T10:00:00Z', undefined, '2026-07-20T19:50:00.000Z'],
    ["You've hit your limit · resets May 5 at 9pm (America/New_York)", '2026-05-03T20:54:00Z', undefined, '2026-05-06T01:00:00.000Z'],
    ["You've hit your weekly limit · resets Jul 31, 2am (UTC)", '2026-07-27T09:00:00Z', undefined, '2026-07-31T02:00:00.000Z'],
    ["You've hit your weekly limit · resets Sep 15 at 7pm", '2026-09-08T12:00:00Z', 'UTC', '2026-09-15T19:00:00.000Z'],
    ["You've hit your weekly limit · resets Jan 3, 2027, 2am (UTC)", '2026-12-30T12:00:00Z', undefined, '2027-01-03T02:00:00.000Z'],
    ["You've hit your limit · resets 1:30am (Asia/Dhaka)", '2026-04-29T14:58:00Z', undefined, '2026-04-29T19:30:00.000Z'],
    ['⎿  Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade to Max or turn on /extra-usage', '2025-12-01T04:32:00Z', undefined, '2025-12-02T01:00:00.000Z'],
    ['5-hour limit reached ∙ resets 9pm', '2025-09-19T17:00:00Z', 'UTC', '2025-09-19T21:00:00.000Z'],
    ['✻ Session limit reached · Retrying in 3s (7:25am) · attempt 4/10', '2026-11-22T04:25:00Z', 'UTC', '2026-11-22T07:25:00.000Z'],
    ['Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).', '2025-08-19T14:08:00Z', undefined, '2025-08-19T15:00:00.000Z'],
    ['Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).', '2025-06-14T17:56:00Z', undefined, '2025-06-14T18:00:00.000Z'],
    ['You’ve hit your limit for Claude messages. Limits will reset at 9:30 AM.', '2026-07-22T05:00:00Z', 'UTC', '2026-07-22T09:30:00.000Z'],
    ["You've hit your fast limit · resets in 5m", '2026-07-22T05:00:00Z', undefined, '2026-07-22T05:05:00.000Z'],
    ['Claude AI usage limit reached|1755615600', '2025-08-19T14:08:00Z', undefined, '2025-08-19T15:00:00.000Z'],
  ];
  for (const [line, now, zone, reset] of cases) assert.is(resetOf(line, now, zone), reset, line);
});

test('a reset time read a little late is kept (resume at once); one long past means tomorrow', () => {
  assert.is(resetOf("You've hit your session limit · resets 8am (UTC)", '2026-11-22T08:20:00Z'), '2026-11-22T08:00:00.000Z');
  assert.is(resetOf("You've hit your session limit · resets 8am (UTC)", '2026-11-22T23:00:00Z'), '2026-11-23T08:00:00.000Z');
});

test('a wall time crossing a daylight-saving change lands on the right instant', () => {
  // New York leaves daylight time on 2026-11-01 at 2am: 9am that day is 14:00Z, not 13:00Z.
  assert.is(resetOf("You've hit your session limit · resets 9am (America/New_York)", '2026-11-01T05:30:00Z'), '2026-11-01T14:00:00.000Z');
});

test('text about limits that states no reset time is not a usage limit', () => {
  const now = '2026-07-22T05:00:00Z';
  assert.is(resetOf("● API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later.", now), null);
  assert.is(resetOf('Approaching usage limit · resets at 9pm', now), null);
  assert.is(resetOf("You've hit your session limit", now), null);
  assert.is(resetOf('We reached your limit of patience · resets nothing', now), null);
  assert.is(parseUsageLimit([], at(now)), null);
});

test('the latest usage-limit line wins', () => {
  const limit = parseUsageLimit(["You've hit your session limit · resets 8am (UTC)", 'text', "You've hit your weekly limit · resets Jul 31, 2am (UTC)"], at('2026-07-27T09:00:00Z'));
  assert.is(limit?.resetAt.toISOString(), '2026-07-31T02:00:00.000Z');
});

test.run();
