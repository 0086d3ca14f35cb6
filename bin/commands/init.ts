/**
 * `zoro init [--force] [--config FILE]`: set zoro up on this machine.
 *
 * Init is a list of steps run in order (`INIT_STEPS`); each prints what it did and says
 * whether init may go on. To add one (Claude Code hooks, iTerm2 setup…), write an
 * `InitStep` and add it to the list: the command line, the output and the exit code
 * follow from it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { projectRoot } from '../../lib/self.js';
import { systemConfigEnv, type ConfigEnv } from '../../adapters/config/env.js';
import { initConfigPath } from '../../adapters/config/paths.js';
import { writeFileAtomic } from '../../adapters/config/files.js';
import { checkPrerequisites, formatCheck } from '../../adapters/config/prerequisites.js';
import { initHooks } from '../../adapters/agents/claude/hooks.js';
import { iterm2InitHelp } from '../../adapters/terminals/iterm2/doctor.js';

export interface InitContext {
  /** The access.txt being set up (absolute). */
  configFile: string;
  force: boolean;
  env: ConfigEnv;
  print(line: string): void;
  /** Lines for the closing "next steps" list; steps add their own. */
  nextSteps: string[];
}

export interface InitStep {
  name: string;
  /** 'stop' ends init with exit code 2 (the step printed why); 'continue' goes on. */
  run(context: InitContext): Promise<'continue' | 'stop'>;
}

export const EXAMPLE_CONFIG = join(projectRoot, 'access.example.txt');

/** Copy access.example.txt to the config file, mode 0600; never overwrite without --force. */
export const writeConfigStep: InitStep = {
  name: 'access.txt',
  async run(context) {
    const { configFile } = context;
    const example = await readFile(EXAMPLE_CONFIG, 'utf8');
    await mkdir(dirname(configFile), { recursive: true, mode: 0o700 });
    if (context.force) {
      await writeFileAtomic(configFile, example, { mode: 0o600 });
    } else {
      try {
        // 'wx' fails if the file exists, so a config written meanwhile is never clobbered.
        await writeFile(configFile, example, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        context.print(`✘ ${configFile} already exists; not overwriting it (use --force to replace it with the example)`);
        return 'stop';
      }
    }
    context.print(`✔ wrote ${configFile} (mode 0600)`);
    const local = join(context.env.cwd, 'access.txt');
    if (local !== configFile && existsSync(local)) {
      context.print(`! ${local} exists and is read before ${configFile} when zoro runs in this directory`);
    }
    context.nextSteps.push(`edit ${configFile}: add a [session:NAME] per agent terminal and a [provider:NAME] per tracker`);
    return 'continue';
  },
};

/** Node, tmux, Claude Code: reported, never fatal (zoro falls back or the user can add them later). */
export const prerequisitesStep: InitStep = {
  name: 'prerequisites',
  async run(context) {
    const checks = checkPrerequisites({ env: context.env });
    for (const check of checks) context.print(formatCheck(check));
    if (checks.some((check) => !check.ok && check.required)) context.nextSteps.push('install what is marked ✘ above');
    return 'continue';
  },
};

/** Claude Code hooks in ~/.claude/settings.json, so zoro hears when a turn ends (undo: --uninstall-hooks). */
export const claudeHooksStep: InitStep = {
  name: 'claude hooks',
  async run(context) {
    if (!context.env.onPath('claude')) {
      context.print('! Claude Code hooks: claude is not on PATH; run `zoro init` again after installing it');
      return 'continue';
    }
    const change = await initHooks({ home: context.env.home });
    const what = change.changed ? `${change.count} hook(s) added to ${change.settingsPath}` : `already in ${change.settingsPath}`;
    context.print(`✔ Claude Code hooks: ${what} (undo: \`zoro init --uninstall-hooks\`)`);
    return 'continue';
  },
};

/** On macOS, the one iTerm2 setting zoro needs. */
export const iterm2Step: InitStep = {
  name: 'iterm2',
  async run(context) {
    if (process.platform === 'darwin') context.print(iterm2InitHelp());
    return 'continue';
  },
};

export const INIT_STEPS: InitStep[] = [writeConfigStep, prerequisitesStep, claudeHooksStep, iterm2Step];

const HELP = `usage: zoro init [--force] [--config FILE]
       zoro init --uninstall-hooks

Write access.txt from the annotated example (mode 0600), check prerequisites, and add
zoro's Claude Code hooks to ~/.claude/settings.json.
  --config FILE       where to write (default: $ZORO_CONFIG, else ~/.zoro/access.txt)
  --force             replace an existing file with the example
  --uninstall-hooks   remove exactly the hooks zoro added, and nothing else
`;

export async function run(argv: string[], env: ConfigEnv = systemConfigEnv()): Promise<number> {
  let force = false;
  let config: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      return 0;
    } else if (arg === '--force') force = true;
    else if (arg === '--uninstall-hooks') {
      const change = await initHooks({ uninstall: true });
      console.log(change.changed ? `Claude Code hooks: ${change.count} removed from ${change.settingsPath}` : `Claude Code hooks: none of zoro's in ${change.settingsPath}`);
      return 0;
    }
    else if (arg === '--config') {
      config = argv[++index];
      if (!config) throw new UsageError('init: --config needs a FILE');
    } else if (arg.startsWith('--config=')) config = arg.slice('--config='.length);
    else throw new UsageError(`init: unknown argument ${arg}; see \`zoro init --help\``);
  }
  const context: InitContext = {
    configFile: initConfigPath(config, env),
    force,
    env,
    print: (line) => console.log(line),
    nextSteps: [],
  };
  for (const step of INIT_STEPS) {
    if ((await step.run(context)) === 'stop') return 2;
  }
  context.nextSteps.push('check it with `zoro doctor`', 'start with `zoro` (or try `zoro demo` first), then open the cockpit URL it prints');
  console.log('\nNext steps:');
  context.nextSteps.forEach((step, index) => console.log(`  ${index + 1}. ${step}`));
  return 0;
}
