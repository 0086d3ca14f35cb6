/**
 * Re-captures the screen fixtures of `screen.spec.ts` from the real Claude Code CLI (offline,
 * against the fake Messages API). Run it after upgrading `@anthropic-ai/claude-code`, then run
 * the screen spec: a rule that no longer matches the new UI fails there.
 *
 *   npx tsx specs/adapters/agents/claude/capture-screens.ts
 *
 * Writes `screens/*.txt` (rendered screens, `capture-pane -p -J`) and `screens/stream-*.json`
 * (the raw output of a whole turn with the byte offsets where each state was on screen, for
 * the rules applied to lines assembled from output events).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claudeProfile } from '../../../../adapters/agents/claude/index.js';
import { classifyScreen, inputBoxEmpty } from '../../../../adapters/agents/claude/screen.js';
import { projectRoot } from '../../../../lib/self.js';
import type { FakeReply } from '../../../fakes/anthropic.js';
import { startClaudeWorld, type ClaudePane } from './harness.js';

const out = join(projectRoot, 'specs/adapters/agents/claude/screens');
/**
 * The usage limit resets at the next 8am UTC (at least ten minutes away), which Claude Code,
 * run with TZ=UTC, always prints as "8am (UTC)": the screen spec relies on that.
 */
const resetEpoch = (() => {
  const at = new Date();
  at.setUTCHours(8, 0, 0, 0);
  if (at.getTime() < Date.now() + 600_000) at.setUTCDate(at.getUTCDate() + 1);
  return at.getTime() / 1000;
})();

const world = await startClaudeWorld({
  chunkDelayMs: 60,
  script: (prompt): FakeReply[] => {
    if (prompt.includes('stall')) return [{ stall: true }];
    if (prompt.includes('limit')) {
      return [{
        error: {
          status: 429,
          type: 'rate_limit_error',
          message: "This request would exceed your account's rate limit. Please try again later.",
          headers: {
            'anthropic-ratelimit-unified-status': 'rejected',
            'anthropic-ratelimit-unified-representative-claim': 'five_hour',
            'anthropic-ratelimit-unified-reset': String(resetEpoch),
            'anthropic-ratelimit-unified-overage-status': 'rejected',
            'anthropic-ratelimit-unified-overage-disabled-reason': 'out_of_credits',
          },
        },
      }];
    }
    if (prompt.includes('notes')) {
      // A new file each time: Claude Code refuses to overwrite a file it has not read.
      const file = prompt.includes('again') ? 'more-notes.txt' : 'notes.txt';
      return [
        { text: 'I will write the notes.', toolUse: { name: 'Write', input: { file_path: join(world.repo, file), content: 'notes\n' } } },
        { text: `Wrote ${file}.\nREADY FOR NEW TASKS` },
      ];
    }
    return [{ text: 'Hello.\nREADY FOR NEW TASKS' }];
  },
});

const is = (state: string) => (lines: string[]) => classifyScreen(lines) === state;
const save = (name: string, lines: string[]) => writeFile(join(out, `${name}.txt`), lines.join('\n') + '\n');
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
const mark = async (pane: ClaudePane) => {
  await settle();
  return Buffer.byteLength(await pane.rawOutput());
};

try {
  // acceptEdits: idle, a pasted prompt not yet sent, a Write that goes through, the finished turn.
  const edits = await world.start();
  await save('idle-accept-edits', await edits.waitForScreen(is('idle'), 'the idle prompt'));
  await edits.paste('Please write the notes file.\nKeep it short.');
  await save('input-holds-prompt', await edits.waitForScreen((l) => l.some((x) => x.includes('Keep it short.')), 'the pasted prompt'));
  await edits.press('Enter');
  await save('finished-turn', await edits.waitForScreen((l) => is('idle')(l) && l.some((x) => x.trim() === 'READY FOR NEW TASKS'), 'the finished turn'));

  // default mode: a permission prompt, answered; the raw stream of the whole turn.
  const asks = await world.start({ permission_mode: 'default' });
  const checkpoints: Record<string, number> = {};
  await save('idle-default', await asks.waitForScreen(is('idle'), 'the idle prompt'));
  checkpoints.idle = await mark(asks);
  await asks.paste('Write the notes again.');
  await asks.press('Enter');
  await save('permission-prompt', await asks.waitForScreen(is('needs_human'), 'the permission prompt'));
  checkpoints.needs_human = await mark(asks);
  await asks.press('1');
  await asks.waitForScreen((l) => is('idle')(l) && l.some((x) => x.trim() === 'READY FOR NEW TASKS'), 'the finished turn');
  checkpoints.finished = await mark(asks);
  // A stalled API: busy until interrupted; Esc puts the prompt back in the box.
  await asks.paste('Now stall.');
  await asks.press('Enter');
  await save('busy', await asks.waitForScreen((l) => l.some((x) => x.includes('esc to interrupt')), 'the busy footer'));
  checkpoints.busy = await mark(asks);
  await asks.press('Escape');
  await save('interrupted', await asks.waitForScreen((l) => !l.some((x) => x.includes('esc to interrupt')) && l.some((x) => /❯\s+Now stall\./.test(x)), 'the interrupted turn'));
  checkpoints.interrupted = await mark(asks);
  for (const key of claudeProfile.clearInputKeys ?? []) await asks.press(key);
  await asks.waitForScreen(inputBoxEmpty, 'the input box emptied');
  await asks.type('/exit');
  await asks.press('Enter');
  await save('exited', await asks.waitForScreen((l) => l.some((x) => x.includes('Resume this session with')), 'the exit message'));
  checkpoints.exited = await mark(asks);
  await writeFile(join(out, 'stream-default-mode.json'), JSON.stringify({ raw: await asks.rawOutput(), checkpoints }, null, 1) + '\n');

  // A folder not yet trusted: the first-run question.
  const untrusted = join(world.root, 'elsewhere');
  await import('node:fs/promises').then((fs) => fs.mkdir(untrusted));
  const trust = await world.start({}, { cwd: untrusted });
  await save('trust-dialog', await trust.waitForScreen((l) => l.some((x) => x.includes('trust this folder')), 'the trust question'));

  // An API key left in the environment: Claude Code asks whether to use it.
  const keyed = await world.start({}, { env: { ANTHROPIC_API_KEY: 'sk-ant-fixture-0000000000000000' } });
  await save('api-key-dialog', await keyed.waitForScreen((l) => l.some((x) => x.includes('Do you want to use this API key?')), 'the API key question'));

  // Usage limits, rendered in UTC: a subscriber sees "You've hit your session limit · resets …";
  // an API-billed user sees the retry line while Claude Code retries the 429.
  const utc = { TZ: 'UTC' };
  const subscriber = await world.start({}, { env: { ...utc, ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: 'fake-oauth-token', CLAUDE_CODE_MAX_RETRIES: '0' } });
  await subscriber.waitForScreen(is('idle'), 'the idle prompt');
  await subscriber.paste('Hit the limit.');
  await subscriber.press('Enter');
  await save('usage-limit-subscriber', await subscriber.waitForScreen((l) => l.some((x) => x.includes('hit your')), 'the usage-limit message'));
  // …followed by Claude Code's own question of what to do about it.
  await save('usage-limit-dialog', await subscriber.waitForScreen((l) => l.some((x) => x.includes('Stop and wait for limit to reset')), 'the rate-limit options'));
  const billed = await world.start({}, { env: utc });
  await billed.waitForScreen(is('idle'), 'the idle prompt');
  await billed.paste('Hit the limit.');
  await billed.press('Enter');
  await save('usage-limit-retrying', await billed.waitForScreen((l) => l.some((x) => x.includes('Retrying in')), 'the retry line', 30_000));
  console.log(`screens written to ${out}; reset time used: ${new Date(resetEpoch * 1000).toISOString()}`);
} finally {
  await world.close();
}
