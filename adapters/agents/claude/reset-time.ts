/**
 * Turning the reset times Claude Code prints ("resets 7:30am (UTC)", "resets May 5 at 9pm
 * (America/New_York)", "resets in 5m") into an instant. Claude Code formats them with
 * `toLocaleTimeString('en-US')`: the time alone when the reset is within a day, month and day
 * before it when later, and the year only when it differs from this one.
 */

/** A wall-clock time as printed; month/day/year absent when only the time was given. */
export interface WallTime {
  hour: number;
  minute: number;
  month?: number;
  day?: number;
  year?: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// "5pm", "12:50am", "9:30 AM", "May 5 at 9pm", "Jul 31, 2am", "Jan 3, 2027, 2am", "17:00"
const WHEN = new RegExp(
  String.raw`^(?:(?<month>[a-z]{3})[a-z]*\.?\s+(?<day>\d{1,2})(?:,\s*(?<year>\d{4}))?(?:,|\s+at)?\s+)?` +
    String.raw`(?<hour>\d{1,2})(?::(?<minute>\d{2}))?\s*(?<ampm>[ap]\.?m\.?)?$`,
  'i',
);

/** Parses the time part of a reset message, or null when it is not one. */
export function parseWallTime(text: string): WallTime | null {
  const match = WHEN.exec(text.trim());
  if (!match?.groups) return null;
  const { month, day, year, hour, minute, ampm } = match.groups;
  let h = Number(hour);
  const m = minute === undefined ? 0 : Number(minute);
  if (ampm) {
    if (h < 1 || h > 12) return null;
    const pm = ampm.toLowerCase().startsWith('p');
    h = (h % 12) + (pm ? 12 : 0);
  } else if (minute === undefined || h > 23) {
    return null; // a bare number is not a time
  }
  if (m > 59) return null;
  const wall: WallTime = { hour: h, minute: m };
  if (month !== undefined) {
    const index = MONTHS.indexOf(month.toLowerCase());
    if (index < 0) return null;
    wall.month = index + 1;
    wall.day = Number(day);
    if (year !== undefined) wall.year = Number(year);
  }
  return wall;
}

/** "5m", "1h 20m", "2d 3h", "45s" → milliseconds, or null. */
export function parseDuration(text: string): number | null {
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
  const parts = text.trim().split(/\s+/);
  let total = 0;
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)([dhms])$/.exec(part);
    if (!match) return null;
    total += Number(match[1]) * units[match[2]];
  }
  return parts.length ? total : null;
}

/**
 * The instant a printed wall time names, in `timeZone` (IANA; the machine's own when absent
 * or unknown). A time alone is the next such time — but one that passed less than an hour ago
 * is kept (the message was read late: the limit has already reset), so the caller resumes
 * at once instead of waiting a day.
 */
export function resolveWallTime(wall: WallTime, now: Date, timeZone?: string): Date {
  const zone = usableZone(timeZone);
  const today = zonedDate(now, zone);
  if (wall.month === undefined || wall.day === undefined) {
    let at = zonedInstant(today.year, today.month, today.day, wall.hour, wall.minute, zone);
    if (at.getTime() < now.getTime() - 3_600_000) {
      at = zonedInstant(today.year, today.month, today.day + 1, wall.hour, wall.minute, zone);
    }
    return at;
  }
  const year = wall.year ?? today.year;
  let at = zonedInstant(year, wall.month, wall.day, wall.hour, wall.minute, zone);
  if (wall.year === undefined && at.getTime() < now.getTime() - 86_400_000) {
    at = zonedInstant(year + 1, wall.month, wall.day, wall.hour, wall.minute, zone);
  }
  return at;
}

function usableZone(timeZone: string | undefined): string {
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!timeZone) return local;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch (error) {
    // An abbreviation Intl does not know ("PST"): the machine's zone is the best guess, and
    // Claude Code prints its own machine's zone, which is usually this one.
    if (error instanceof RangeError) return local;
    throw error;
  }
}

function zoneParts(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function zonedDate(instant: Date, timeZone: string) {
  const { year, month, day } = zoneParts(instant, timeZone);
  return { year, month, day };
}

/** Offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const p = zoneParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The UTC instant of a wall time in a zone (day overflow such as day 32 rolls over). */
function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset across a daylight-saving change.
  let at = asUtc - offsetAt(asUtc, timeZone);
  at = asUtc - offsetAt(at, timeZone);
  return new Date(at);
}
