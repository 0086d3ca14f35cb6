/**
 * One colour per state, the same everywhere (cards, pills, tables, charts, the inspector).
 * A state maps to a tone; CSS gives each tone its colour (`[data-tone=busy]`).
 */
export type Tone = 'ok' | 'busy' | 'check' | 'human' | 'paused' | 'warn' | 'bad' | 'escalated' | 'blocked' | 'queued' | 'muted';

const TONES: Record<string, Tone> = {
  // sessions
  idle: 'ok',
  busy: 'busy',
  working: 'busy',
  settling: 'check',
  needs_human: 'human',
  paused: 'paused',
  error_loop: 'warn',
  unreachable: 'bad',
  unknown: 'muted',
  // tickets
  queued: 'queued',
  dispatched: 'busy',
  verifying: 'check',
  reviewing: 'check',
  closing: 'check',
  retry: 'warn',
  done: 'ok',
  failed: 'bad',
  escalated: 'escalated',
  blocked: 'blocked',
  cancelled: 'muted',
  // providers
  polling: 'busy',
  backoff: 'warn',
  error: 'bad',
};

export function toneOf(state: string, detail: string | null = null): Tone {
  if (detail === 'needs_human') return 'human';
  return TONES[state.toLowerCase()] ?? 'muted';
}

/** The legend, in the order a ticket or session usually moves through. */
export const LEGEND: { tone: Tone; label: string }[] = [
  { tone: 'queued', label: 'queued' },
  { tone: 'busy', label: 'busy / dispatched' },
  { tone: 'check', label: 'verifying' },
  { tone: 'ok', label: 'idle / done' },
  { tone: 'human', label: 'needs a human' },
  { tone: 'paused', label: 'paused' },
  { tone: 'warn', label: 'retry / error loop' },
  { tone: 'bad', label: 'failed / unreachable' },
  { tone: 'escalated', label: 'escalated' },
  { tone: 'blocked', label: 'blocked' },
  { tone: 'muted', label: 'cancelled / unknown' },
];
