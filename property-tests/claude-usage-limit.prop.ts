/**
 * Claude Code's screen rules never throw on any screen, and a usage-limit reset time printed
 * the way Claude Code prints it (its own formatting function, reproduced below) parses back
 * to the minute it named, in any zone, near or far, across years and daylight-saving days.
 */
import { test } from 'uvu';
import fc from 'fast-check';
import { classifyScreen, inputBoxEmpty, parseUsageLimit, promptTaken } from '../adapters/agents/claude/screen.js';

const ZONES = ['UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Paris', 'Europe/Warsaw', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Adelaide', 'Etc/GMT+5', 'Pacific/Chatham'];
const PREFIXES = ["You've hit your session limit", "You've hit your weekly limit", "You've hit your limit", 'Weekly limit reached', '5-hour limit reached'];

/** Claude Code 2.1.197's reset-time formatting (time alone within 24 h, else month and day). */
function claudeFormat(reset: Date, now: Date, timeZone: string): string {
  const minute = Number(new Intl.DateTimeFormat('en-US', { timeZone, minute: 'numeric' }).format(reset));
  const hours = (reset.getTime() - now.getTime()) / 3_600_000;
  const lower = (text: string) => text.replace(/ ([AP]M)/i, (_, ampm: string) => ampm.toLowerCase());
  if (hours > 24) {
    const yearOf = (d: Date) => new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(d);
    const options: Intl.DateTimeFormatOptions = { timeZone, month: 'short', day: 'numeric', hour: 'numeric', minute: minute === 0 ? undefined : '2-digit', hour12: true };
    if (yearOf(reset) !== yearOf(now)) options.year = 'numeric';
    return lower(reset.toLocaleString('en-US', options));
  }
  return lower(reset.toLocaleTimeString('en-US', { timeZone, hour: 'numeric', minute: minute === 0 ? undefined : '2-digit', hour12: true }));
}

/**
 * Within an hour of a clock change a printed time is ambiguous (the hour that repeats) or
 * names a moment whose wall time was skipped (Chatham springs from 2:45 to 3:45): no answer
 * is right there, so those instants are left out.
 */
function ambiguous(at: Date, timeZone: string): boolean {
  const offset = (d: Date) => {
    const wall = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' })
      .formatToParts(d)
      .reduce<Record<string, number>>((parts, p) => (p.type === 'literal' ? parts : { ...parts, [p.type]: Number(p.value) }), {});
    return Date.UTC(wall.year!, wall.month! - 1, wall.day!, wall.hour!, wall.minute!) - Math.floor(d.getTime() / 60_000) * 60_000;
  };
  return offset(new Date(at.getTime() - 3_600_000)) !== offset(new Date(at.getTime() + 3_600_000));
}

const minute = 60_000;
const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true });

test('a reset time Claude Code prints parses back to the minute it names', () => {
  fc.assert(
    fc.property(
      instant,
      // Within a day Claude Code prints the time alone; a reset 23–24 h ahead would be read as
      // "just passed" (kept for a message read late), so the near range stops at 23 h.
      fc.oneof(fc.integer({ min: 1, max: 23 * 60 }), fc.integer({ min: 24 * 60 + 1, max: 8 * 24 * 60 })),
      fc.constantFrom(...ZONES),
      fc.constantFrom(...PREFIXES),
      fc.constantFrom(' · ', ' ∙ '),
      (now, minutesAhead, zone, prefix, dot) => {
        const reset = new Date(Math.floor((now.getTime() + minutesAhead * minute) / minute) * minute);
        // In the hour a clock turns back, a printed time names two instants: no answer is right.
        fc.pre(!ambiguous(reset, zone));
        const line = `${prefix}${dot}resets ${claudeFormat(reset, now, zone)} (${zone})`;
        const parsed = parseUsageLimit(['  ⎿  ' + line], now);
        return parsed !== null && parsed.resetAt.getTime() === reset.getTime();
      },
    ),
    { numRuns: 500 },
  );
});

test('any screen at all reads as one of the five states, and no rule throws', () => {
  const piece = fc.oneof(
    fc.string(),
    fc.constantFrom('❯ ', '❯ 1. Yes', '────────────', 'esc to interrupt', '? for shortcuts', '✻ Cooked for 2s', '✶ Thinking…', '*', 'Resume this session with:', "You've hit your limit · resets ", '9pm (', 'Jan 3, 2027, 2am', 'Esc to cancel'),
  );
  const line = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 50 }), instant, (lines, now) => {
      const state = classifyScreen(lines);
      inputBoxEmpty(lines);
      promptTaken(lines.join('\n'), lines);
      const limit = parseUsageLimit(lines, now);
      return ['starting', 'idle', 'busy', 'needs_human', 'exited'].includes(state) && (limit === null || !Number.isNaN(limit.resetAt.getTime()));
    }),
    { numRuns: 500 },
  );
});

test.run();
