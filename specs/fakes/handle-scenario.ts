/**
 * A lived-in fake zoro for screenshots and the browser walk: six sessions in every state,
 * tickets done, failed, escalated, blocked and queued, a provider in backoff, and an hour
 * of history (the fake's clock is moved back, then forward, while the story is played).
 */
import { FakeHandle } from './handle.js';

export const DEMO_SESSIONS = ['api', 'web', 'billing', 'docs', 'infra', 'mobile'];

export function createDemoFake(): FakeHandle {
  const fake = new FakeHandle({ sessions: DEMO_SESSIONS, providers: ['plan', 'github', 'linear'] });
  const minutes = (n: number) => (fake.clockOffsetMs += n * 60_000);
  fake.clockOffsetMs = -70 * 60_000;
  fake.poke('poller:plan', { type: 'POLL' });
  fake.poke('poller:plan', { type: 'POLLED', at: fake.now() });
  fake.poke('poller:github', { type: 'POLL' });
  fake.poke('poller:github', { type: 'POLLED', at: fake.now() });

  const titles: [string, string][] = [
    ['Add /health endpoint with build info', 'api'],
    ['Rate-limit the login route', 'api'],
    ['Dark mode for the settings page', 'web'],
    ['Fix flaky checkout e2e test', 'web'],
    ['Invoice PDF: wrap long addresses', 'billing'],
    ['Migrate Stripe webhooks to v2024', 'billing'],
    ['Document the plan.md grammar', 'docs'],
    ['Terraform: tag every bucket', 'infra'],
    ['Upgrade React Native to 0.76', 'mobile'],
    ['Retry failed uploads in background', 'mobile'],
  ];
  const ids = titles.map(([title, session]) => fake.createTicket(title, session, [], session === 'docs' ? 'github' : 'plan'));
  const run = (id: string, error?: string) => {
    fake.dispatch(id);
    minutes(4 + (Number(id) % 5));
    fake.finish(id, error);
    minutes(2);
  };
  run(ids[0]!);
  run(ids[2]!);
  run(ids[4]!, 'signal_cmd `npm test` failed: 3 tests failing in invoice.spec.ts');
  fake.poke(`ticket:${ids[4]}`, { type: 'REQUEUE' });
  run(ids[4]!);
  run(ids[6]!);
  run(ids[7]!);
  run(ids[3]!, 'checkout.e2e.ts timed out after 120 s');
  fake.poke(`ticket:${ids[3]}`, { type: 'ESCALATE', at: fake.now() });
  fake.log('ticket.escalated', `ticket ${ids[3]} escalated after repeated failures`, { ticket: ids[3], session: 'web' });
  run(ids[1]!);
  fake.poke('poller:linear', { type: 'POLL' });
  fake.poke('poller:linear', { type: 'POLL_FAILED', at: fake.now(), error: 'linear: 401 Unauthorized — check api_key in [provider:linear]' });
  fake.log('provider.error', 'linear poll failed: 401 Unauthorized', { provider: 'linear' });

  const blocked = fake.createTicket('Ship the billing dashboard', 'billing', [ids[3]!]);
  fake.poke(`ticket:${blocked}`, { type: 'BLOCK' });
  fake.log('ticket.blocked', `ticket ${blocked} blocked: parent ${ids[3]} escalated`, { ticket: blocked });
  const more = [fake.createTicket('Add request-id to every log line', 'api'), fake.createTicket('Cache the pricing API', 'api'), fake.createTicket('Accessibility audit of forms', 'web')];
  minutes(3);
  fake.dispatch(ids[5]!); // billing: working
  fake.emitScreen('billing', 'Reading src/webhooks/stripe.ts…\r\nEditing 3 files\r\n');
  fake.dispatch(ids[8]!); // mobile: needs a human
  fake.needsHuman('mobile');
  fake.dispatch(more[0]!, 'api'); // api: working
  fake.poke('session:docs', { type: 'PAUSE' });
  fake.log('session.paused', 'docs paused from the cockpit', { session: 'docs' });
  fake.dispatch(ids[9]!, 'infra');
  fake.poke('session:infra', { type: 'LOOP' });
  fake.log('session.error_loop', 'infra: "ECONNREFUSED 127.0.0.1:5432" seen 3 times in 100 lines', { session: 'infra' });
  fake.clockOffsetMs = 0;
  fake.poke('poller:plan', { type: 'POLL' });
  fake.poke('poller:plan', { type: 'POLLED', at: fake.now() });
  return fake;
}
