/**
 * Every rule zoro uses to read Claude Code's screen, in one place, each checked by a spec
 * against real screens captured from the CLI (`specs/adapters/agents/claude/screens/`).
 * Measured on Claude Code 2.1.197. When a release changes its UI, one of those specs breaks.
 *
 * The rules accept both kinds of "screen" zoro has: a rendered capture (tmux `capture-pane`,
 * one row per line) and lines assembled from the raw output stream, where Claude Code's
 * renderer redraws only the cells that changed, so old frames and fragments of rows pile up.
 * That is why a state is read from the LAST line that says something about it (an anchor),
 * never from a line being present somewhere in the tail.
 */
import type { ScreenState } from '../types.js';
import { isExitMark } from '../screen.js';
import { parseDuration, parseWallTime, resolveWallTime } from './reset-time.js';
import { visibleLines } from '../../../lib/ansi.js';

type Anchor = 'busy' | 'idle' | 'needs_human' | 'exited';

/** Footer while a turn runs: `… · esc to interrupt · ← for agents`. */
const BUSY_FOOTER = /esc to interrupt/i;
/**
 * The spinner row while a turn runs, at the left edge: a glyph and a verb, maybe
 * `(3s · ↓ 6 tokens)`: `✶ Whatchamacalliting…`, `* Channeling… (0s · ↓ 6 tokens)`. In the
 * output stream only the changed cells are redrawn, so the row often arrives as the glyph
 * alone or with a few letters (`✢`, `✻      e  i`). Also the row shown while Stop hooks run.
 */
const SPINNER = /^[✻✶✳✢✽·*](?:\s|$)|running stop hooks?\b/;
/** Footer while idle: `? for shortcuts`, `⏵⏵ accept edits on (shift+tab to cycle) · ← for agents`. */
const IDLE_FOOTER = /\? for shortcuts|\bfor agents\b|\bon \(shift\+tab to cycle\)|ctrl\+g to edit/;
/** The row a finished turn leaves: `✻ Cooked for 2s`, `✻ Brewed for 2m 53s`. */
const TURN_DONE = /(?:^|\s)\S*ed for \d+(?:\.\d+)?(?:ms|s|m|h)\b/;
/** The selected first choice of a question: `❯ 1. Yes`. */
const CHOICE = /^\s*❯\s*1\.\s+\S/;
/** The hint under a question: `Esc to cancel · Tab to amend`, `Enter to confirm · Esc to cancel`. */
const QUESTION_HINT = /\bEsc to cancel\b|\bEnter to confirm\b/;
/** What `/exit` (or Ctrl-C twice) prints as it quits. (The runtimes' own marks, such as tmux's "Pane is dead", count too.) */
const EXITED = /^\s*Resume this session with:|^\s*claude --resume [0-9a-f-]{36}\s*$/;
/** A horizontal rule of the input box. */
const RULE = /^\s*─{8,}\s*$/;
/** The input box's first row: `❯ ` and what is typed (a no-break space may follow the ❯). */
const INPUT = /^\s*❯(?:\s(?!\s*\d+\.\s)(.*))?$/;

function anchorOf(line: string, previous: string | undefined): Anchor | null {
  if (EXITED.test(line) || isExitMark(line)) return 'exited';
  if (CHOICE.test(line) || QUESTION_HINT.test(line)) return 'needs_human';
  if (BUSY_FOOTER.test(line)) return 'busy';
  // The finished-turn row starts with a spinner glyph too, so it is tested first.
  if (TURN_DONE.test(line)) return 'idle';
  if (SPINNER.test(line)) return 'busy';
  if (IDLE_FOOTER.test(line)) return 'idle';
  if (previous !== undefined && RULE.test(previous) && INPUT.test(line)) return 'idle';
  return null;
}

/**
 * What the screen's last lines say: `busy` (a turn runs), `needs_human` (a question such as a
 * permission prompt waits for an answer), `idle` (the input box waits), `exited` (Claude Code
 * quit), or `starting` (nothing recognisable yet).
 */
export function classifyScreen(lines: string[]): ScreenState {
  for (let i = lines.length - 1; i >= 0; i--) {
    const anchor = anchorOf(lines[i], lines[i - 1]);
    if (anchor) return anchor;
  }
  return 'starting';
}

/**
 * True when the input box is empty: the last `❯` row sits right under a rule and holds no
 * text. (An older, empty box further up proves nothing, so only the last `❯` row counts.)
 */
export function inputBoxEmpty(lines: string[]): boolean {
  for (let i = lines.length - 1; i > 0; i--) {
    const match = INPUT.exec(lines[i]);
    if (match) return RULE.test(lines[i - 1]) && (match[1] ?? '').trim() === '';
  }
  return false;
}

/**
 * After Enter: did Claude Code take the prompt? Yes when the output since shows a turn
 * starting (`esc to interrupt`), when the screen is busy or asking something, or when the
 * input box emptied.
 */
export function promptTaken(visibleOutputSinceEnter: string, screen: string[]): boolean {
  if (BUSY_FOOTER.test(visibleOutputSinceEnter)) return true;
  const state = classifyScreen(screen);
  return state === 'busy' || state === 'needs_human' || inputBoxEmpty(screen);
}

/**
 * After Enter, judged on the output since Enter alone: did Claude Code take the prompt? The
 * screen zoro assembles from the output stream still holds the empty input box drawn before
 * the paste (Claude Code redraws only the cells that change, and a paste shows as
 * `[Pasted text #1 +10 lines]` without a new `❯`), so an Enter that was lost would look
 * taken there. A taken prompt is echoed (`❯ line 1 of the prompt`), the spinner starts
 * (`✶ Zesting…`) and an empty box is drawn again, all within the first frame after Enter.
 */
export function promptTakenSince(rawOutputSinceEnter: string): boolean {
  const lines = visibleLines(rawOutputSinceEnter);
  // Any moment of it counts, not only the last: a quick turn may start and end in one read.
  return lines.some((line, i) => {
    const anchor = anchorOf(line, lines[i - 1]);
    const box = INPUT.exec(line);
    const emptyBox = box !== null && RULE.test(lines[i - 1] ?? '') && (box[1] ?? '').trim() === '';
    return anchor === 'busy' || anchor === 'needs_human' || TURN_DONE.test(line) || emptyBox;
  });
}

/** The collapsed form of a long paste in the input box: `[Pasted text #1 +10 lines]`. */
const PASTED = /\[Pasted text #\d+/;

/**
 * True once Claude Code shows what was pasted: the collapsed `[Pasted text #N +M lines]`, or
 * for a short paste its last line. An Enter that arrives before that is lost (measured on
 * 2.1.197: Enter right after the paste never submits; Enter once the paste shows always does).
 */
export function pasteShown(rawOutputSincePaste: string, pasted: string): boolean {
  const visible = visibleLines(rawOutputSincePaste).join('\n');
  if (PASTED.test(visible)) return true;
  const last = pasted.trim().split('\n').pop()?.trim() ?? '';
  return last !== '' && visible.includes(last);
}

export interface UsageLimit {
  /** When the limit resets; may lie in the past when the message was read late (resume now). */
  resetAt: Date;
  /** The line that said so, trimmed. */
  message: string;
}

/** Lines that announce a usage limit (and are worth looking for a reset time in). */
const LIMIT_LINE = /limit reached|hit your [^·∙]*limit|reached your [^·∙]*limit/i;
/** The old raw form: `Claude AI usage limit reached|1755615600` (epoch seconds). */
const LIMIT_EPOCH = /usage limit reached\|(\d{9,11})\b/i;
/** Where the time sits: `resets 7:30am (UTC)`, `reset at 5pm (Europe/Warsaw).`, `Retrying in 3s (7:25am)`. */
const RESET_AT = /\breset(?:s| at)\s+(?!in\b)(.+?)\s*(?:[·∙|]|\.\s*$|$)/i;
const RESET_IN = /\bresets in\s+((?:\d+(?:\.\d+)?[dhms]\s*)+)/i;
const RETRY_AT = /\bRetrying in \S+\s+\(([^)]+)\)/i;
/** A trailing `(Europe/Paris)`, `(UTC)`, `(Etc/GMT+5)`. */
const ZONE = /\s*\(([A-Za-z][\w+-]*(?:\/[\w+-]+)*)\)\s*$/;

/**
 * Recognises Claude Code's usage-limit messages and the reset time they state. The wordings,
 * newest first (2.1.x shows the first to subscription users; an API-billed user sees the
 * `Retrying` form while Claude Code retries a 429):
 *   You've hit your session limit · resets 7:30am (UTC)
 *   You've hit your weekly limit · resets Jul 31, 2am (UTC)   / … resets Sep 15 at 7pm
 *   You've hit your limit · resets May 5 at 9pm (America/New_York)
 *   Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade to Max or turn on /extra-usage
 *   5-hour limit reached ∙ resets 9pm
 *   Session limit reached · Retrying in 3s (7:25am) · attempt 4/10
 *   Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).
 *   Claude AI usage limit reached|1755615600
 * A time without a zone is the machine's local time (`timeZone` overrides that, for specs).
 * The latest such line wins; null when there is none or it states no time.
 */
export function parseUsageLimit(lines: string[], now: Date, options: { timeZone?: string } = {}): UsageLimit | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!LIMIT_LINE.test(line)) continue;
    const resetAt = resetTimeOf(line, now, options.timeZone);
    if (resetAt) return { resetAt, message: line };
  }
  return null;
}

function resetTimeOf(line: string, now: Date, defaultZone: string | undefined): Date | null {
  const epoch = LIMIT_EPOCH.exec(line);
  if (epoch) return new Date(Number(epoch[1]) * 1000);
  const within = RESET_IN.exec(line);
  if (within) {
    const ms = parseDuration(within[1]);
    return ms === null ? null : new Date(now.getTime() + ms);
  }
  const stated = RESET_AT.exec(line)?.[1] ?? RETRY_AT.exec(line)?.[1];
  if (!stated) return null;
  const zone = ZONE.exec(stated);
  const wall = parseWallTime(zone ? stated.slice(0, zone.index) : stated);
  return wall ? resolveWallTime(wall, now, zone?.[1] ?? defaultZone) : null;
}
