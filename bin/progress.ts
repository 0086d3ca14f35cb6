/**
 * Live progress for people: which session took which ticket, what passed, what failed.
 * On a terminal, coloured lines and a status footer redrawn in place; otherwise plain
 * lines (logs, CI, `--json` runs, where it goes to stderr).
 */
import type { ZoroEvent } from '../lib/events.js';
import { sanitizeLine } from '../lib/sanitize.js';

const SHOWN = new Map<string, { mark: string; colour: number }>([
  ['zoro.started', { mark: '•', colour: 36 }],
  ['provider.tickets', { mark: '•', colour: 36 }],
  ['ticket.dispatched', { mark: '→', colour: 34 }],
  ['ticket.done', { mark: '✔', colour: 32 }],
  ['ticket.queued', { mark: '↻', colour: 33 }],
  ['ticket.escalated', { mark: '✘', colour: 31 }],
  ['ticket.failed', { mark: '✘', colour: 31 }],
  ['ticket.blocked', { mark: '⊘', colour: 31 }],
  ['ticket.cancelled', { mark: '⊘', colour: 90 }],
  ['ticket.escalation_written', { mark: '!', colour: 31 }],
  ['session.state', { mark: '·', colour: 90 }],
  ['session.reapproach', { mark: '!', colour: 33 }],
  ['session.added', { mark: '+', colour: 36 }],
  ['session.removed', { mark: '-', colour: 36 }],
  ['actor.failed', { mark: '!', colour: 31 }],
  ['config.reloaded', { mark: '•', colour: 36 }],
  ['config.error', { mark: '!', colour: 31 }],
  ['provider.error', { mark: '!', colour: 31 }],
]);

export interface Progress {
  event(event: ZoroEvent): void;
  footer(text: string): void;
  close(): void;
}

export function createProgress(stream: NodeJS.WriteStream, options: { verbose?: boolean } = {}): Progress {
  const tty = stream.isTTY === true && process.env.NO_COLOR === undefined;
  let footer = '';
  const clearFooter = () => {
    if (tty && footer) stream.write('\r\x1b[K');
  };
  const drawFooter = () => {
    if (tty && footer) stream.write(`\x1b[2m${footer.slice(0, (stream.columns ?? 100) - 1)}\x1b[0m`);
  };
  return {
    event(event) {
      const style = SHOWN.get(event.type);
      if (!style) return;
      // Session state changes are noise unless asked for, except the ones a person must see.
      if (event.type === 'session.state' && !options.verbose && !/UNREACHABLE|ERROR_LOOP|PAUSED/.test(event.message)) return;
      const time = event.at.slice(11, 19);
      const text = sanitizeLine(event.message, 200);
      clearFooter();
      stream.write(tty ? `\x1b[90m${time}\x1b[0m \x1b[${style.colour}m${style.mark}\x1b[0m ${text}\n` : `${time} ${style.mark} ${text}\n`);
      drawFooter();
    },
    footer(text) {
      if (!tty || text === footer) return;
      clearFooter();
      footer = text;
      drawFooter();
    },
    close() {
      clearFooter();
      footer = '';
    },
  };
}
