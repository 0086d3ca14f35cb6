/**
 * `zoro`: run from access.txt — poll the providers, drive the sessions, serve the cockpit.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../adapters/config/load.js';
import { configPath } from '../../adapters/config/paths.js';
import { intFlag, parseFlags } from '../args.js';
import { serve } from '../serve.js';

export const RUN_HELP = `usage: zoro [--config FILE] [--once] [--json] [--port N | --no-cockpit] [--inspect]
       zoro COMMAND …

Runs zoro from access.txt: polls the ticket providers, routes each ticket to the session that
owns its project, types the prompt, watches the agent, verifies, writes back, escalates.

  --config FILE   the access.txt to use (default: $ZORO_CONFIG, ./access.txt, ~/.zoro/access.txt)
  --once          poll every provider once, work those tickets to the end, print the summary, exit
  --json          with --once: the summary as one JSON document on stdout
  --port N        cockpit port (default: web_port, 7070)
  --no-cockpit    no web cockpit
  --inspect       also stream inspection events in @statelyai/inspect's format (relay on :8080)

commands:
  demo            a self-contained team on a sample plan (no setup needed)
  init            write access.txt from the example and check prerequisites
  doctor          check tmux / iTerm2 / claude / each provider's credentials
  status          ask the running zoro what it is doing
  plan check FILE parse a plan.md and report its tasks and errors
  add TITLE       add a ticket (--session S, --signal CMD, --depends-on IDS)
  pause SESSION   stop giving a session tickets (after its current one)
  resume SESSION  give it tickets again
  done [SUMMARY]  tell zoro the current turn is finished (for agents and hooks)
  sim             run the simulated agent in this terminal
  hook EVENT      forward a Claude Code hook to the running zoro

  zoro COMMAND --help for a command's options; zoro --version.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      config: { type: 'string' },
      once: { type: 'boolean' },
      json: { type: 'boolean' },
      port: { type: 'string' },
      'no-cockpit': { type: 'boolean' },
      inspect: { type: 'boolean' },
    },
    RUN_HELP,
  );
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  const file = configPath(values.config);
  if (!values.config && !existsSync(file)) {
    console.error(`zoro: no access.txt found (looked for ${file}).
To begin:  zoro init     write one from the example and check what is installed
Or try:    zoro demo     a simulated team on a sample plan, no setup needed`);
    return 2;
  }
  const config = await loadConfig(file);
  for (const warning of config.warnings) console.error(`zoro: warning: ${warning.file}:${warning.line}${warning.key ? ` (${warning.key})` : ''}: ${warning.message}`);
  const port = intFlag(values.port, '--port', 0, 65535) ?? config.zoro.web_port;
  return serve({
    config,
    reload: () => loadConfig(file),
    exitWhenDone: values.once === true,
    once: values.once === true,
    json: values.json === true,
    cockpit: { enabled: !values['no-cockpit'], port, host: config.zoro.web_host, takeFreePort: false },
    inspect: values.inspect === true,
    killAgentsOnExit: false,
  });
}
