import type { ApiState } from '../../actors/handle.js';
import { sanitizeLine } from '../../lib/sanitize.js';
import { parseFlags } from '../args.js';
import { ask, dataDirFor } from '../running.js';

const HELP = `usage: zoro status [--json] [--config FILE]

Asks the running zoro what each session is doing, and how the tickets stand.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, config: { type: 'string' } }, HELP);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const state = (await ask(await dataDirFor(values.config), 'GET', '/state')) as unknown as ApiState;
  if (values.json) {
    console.log(JSON.stringify(state));
    return 0;
  }
  console.log(`zoro ${state.version}, up since ${state.started_at}`);
  console.log('\nsessions');
  for (const s of state.sessions) {
    const doing = s.ticket ? `${s.ticket.id} ${sanitizeLine(s.ticket.title, 60)}` : '';
    console.log(`  ${s.name.padEnd(16)} ${s.state.padEnd(12)} ${doing}${s.queue.length ? `  (queue: ${s.queue.join(', ')})` : ''}`);
  }
  const counts = new Map<string, number>();
  for (const t of state.tickets) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  console.log(`\ntickets  ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`);
  for (const t of state.tickets.filter((t) => !['done', 'cancelled'].includes(t.status))) {
    console.log(`  ${t.id.padEnd(16)} ${t.status.padEnd(11)} ${sanitizeLine(t.title, 60)}${t.session ? ` [${t.session}]` : ''}`);
  }
  if (state.providers.length) {
    console.log('\nproviders');
    for (const p of state.providers) console.log(`  ${p.name.padEnd(16)} ${p.state.padEnd(8)} last poll ${p.last_poll_at ?? 'never'}${p.last_error ? `  error: ${sanitizeLine(p.last_error, 80)}` : ''}`);
  }
  return 0;
}
