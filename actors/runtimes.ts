import type { ZoroConfig } from '../adapters/config/types.js';
import { createRuntime, type Iterm2RuntimeOptions } from '../adapters/terminals/index.js';
import type { TerminalRuntime } from '../adapters/terminals/types.js';
import { tmux, TmuxCommandError, type TmuxRuntime } from '../adapters/terminals/tmux/index.js';

type RuntimeName = 'tmux' | 'pty' | 'iterm2';

/** The terminal runtimes in use, created on first need and disposed together. */
export class RuntimeSet {
  private readonly runtimes = new Map<RuntimeName, TerminalRuntime>();

  constructor(
    private readonly config: ZoroConfig,
    private readonly options: {
      given?: Partial<Record<RuntimeName, TerminalRuntime>>;
      tmuxSocket?: string;
      /** Which sessions may get a new iTerm2 tab, running what; where its warnings go. */
      iterm2?: Pick<Iterm2RuntimeOptions, 'autoCreate' | 'agentCommand' | 'onWarning'>;
    },
  ) {}

  get(name: RuntimeName): TerminalRuntime {
    const existing = this.runtimes.get(name) ?? this.options.given?.[name];
    if (existing) return existing;
    let runtime: TerminalRuntime;
    if (name === 'tmux') runtime = createRuntime('tmux', { socketName: this.options.tmuxSocket });
    else if (name === 'pty') runtime = createRuntime('pty', {});
    else runtime = createRuntime('iterm2', { socketPath: this.config.zoro.iterm2_socket, ...this.options.iterm2 });
    this.runtimes.set(name, runtime);
    return runtime;
  }

  /** Release control clients; with killAgents also end the agents zoro started. */
  async dispose(options: { killAgents: boolean }): Promise<void> {
    for (const runtime of this.runtimes.values()) {
      await runtime.dispose();
      if (options.killAgents && runtime.name === 'tmux') await this.killTmuxSession(runtime as TmuxRuntime);
    }
    this.runtimes.clear();
  }

  /**
   * The agents zoro started live in its own tmux session (`zoro`), which outlives the
   * control clients; ending it ends them, and a private server with no session left exits.
   */
  private async killTmuxSession(runtime: TmuxRuntime): Promise<void> {
    try {
      await tmux({ binary: 'tmux', socketName: this.options.tmuxSocket }, ['kill-session', '-t', `=${runtime.sessionName}`]);
    } catch (error) {
      // No server or no such session: nothing of ours is left running.
      const gone = error instanceof TmuxCommandError && (error.noServer || /can't find session/.test(error.stderr));
      if (!gone) throw error;
    }
  }
}
