/**
 * `zoro doctor`: is this machine ready? Node, tmux, Claude Code, iTerm2's API (when used),
 * access.txt, and each provider's credentials (one real poll, bounded in time).
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../adapters/config/load.js';
import { configPath } from '../../adapters/config/paths.js';
import { checkPrerequisites, formatCheck } from '../../adapters/config/prerequisites.js';
import type { ZoroConfig } from '../../adapters/config/types.js';
import { createProvider } from '../../adapters/providers/registry.js';
import { checkIterm2 } from '../../adapters/terminals/iterm2/doctor.js';
import { errorMessage } from '../../lib/errors.js';
import { parseFlags } from '../args.js';

const HELP = `usage: zoro doctor [--config FILE]

Checks what zoro needs: Node.js, tmux, Claude Code, iTerm2's API (on macOS or when a session
uses it), access.txt, and each provider's credentials (by polling it once).`;

const POLL_TIMEOUT_MS = 15_000;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { config: { type: 'string' } }, HELP);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let failed = false;
  const line = (ok: boolean | 'warn', text: string) => {
    if (ok === false) failed = true;
    console.log(`${ok === true ? '✔' : ok === false ? '✘' : '!'} ${text}`);
  };
  for (const check of checkPrerequisites()) {
    console.log(formatCheck(check));
    if (!check.ok && check.required) failed = true;
  }

  const file = configPath(values.config);
  let config: ZoroConfig | null = null;
  if (!values.config && !existsSync(file)) {
    line('warn', `access.txt: none at ${file} — \`zoro init\` writes one (\`zoro demo\` needs none)`);
  } else {
    try {
      config = await loadConfig(file);
      line(true, `access.txt: ${file} (${config.sessions.length} session(s), ${config.providers.length} provider(s))`);
      for (const w of config.warnings) line('warn', `${w.file}:${w.line}${w.key ? ` (${w.key})` : ''}: ${w.message}`);
    } catch (error) {
      line(false, errorMessage(error));
    }
  }

  const usesIterm2 = config?.sessions.some((s) => s.runtime === 'iterm2') ?? false;
  if (process.platform === 'darwin' || usesIterm2) {
    const socket = config?.zoro.iterm2_socket;
    const check = await checkIterm2(socket ?? '');
    line(check.ok ? true : usesIterm2 ? false : 'warn', `iTerm2: ${check.message}`);
  }

  for (const section of config?.providers ?? []) {
    try {
      const provider = createProvider(section);
      const tickets = await provider.poll(AbortSignal.timeout(POLL_TIMEOUT_MS));
      line(true, `${section.name} (${section.type}): reachable, ${tickets.length} ticket(s) for you now`);
      await provider.close?.();
    } catch (error) {
      line(false, `${section.name} (${section.type}): ${errorMessage(error)}`);
    }
  }
  return failed ? 1 : 0;
}
