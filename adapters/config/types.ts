/**
 * access.txt, resolved once: every default applied, every value typed. Nothing downstream
 * checks for a missing value again.
 */

/** A value with where it came from, so a later check can still name file, line and key. */
export interface Located<T = string> {
  value: T;
  line: number;
}

export interface ZoroSettings {
  web_port: number;
  web_host: string;
  poll_interval_seconds: number;
  /** Absolute, `~` resolved. */
  data_dir: string;
  runtime: 'tmux' | 'pty' | 'iterm2';
  iterm2_socket: string;
  ready_signal: string;
  buffer_lines: number;
  anthropic_api_key: string | null;
  anthropic_base_url: string | null;
  model: string;
  verifier_model: string;
  strict_review: boolean;
  max_signal_attempts: number;
  max_review_attempts: number;
  max_reapproach: number;
  error_repeat_threshold: number;
  error_window_lines: number;
  busy_no_comment_minutes: number;
  no_file_change_minutes: number;
}

export type SessionRole = 'executor' | 'planner' | 'supervisor';

export interface SessionConfig {
  name: string;
  /** Absolute, `~` resolved. */
  repo_path: string;
  /** Provider names this session takes tickets from (`provider = a, b`); empty = any. */
  provider: string[];
  project_ids: string[];
  description: string;
  /** `claude`, `sim`, or a command line for the generic profile. */
  agent: string;
  runtime: 'tmux' | 'pty' | 'iterm2';
  role: SessionRole;
  /** Keys not in the core list (agent options such as `permission_mode`, `auto_create`). */
  options: Record<string, string>;
  line: number;
}

/**
 * A `[provider:NAME]` section. Its keys are validated by the provider's own adapter, which
 * knows which it needs, and reports a missing or bad one as ConfigError(file, line, key).
 */
export interface ProviderSection {
  name: string;
  type: string;
  poll_interval_seconds: number;
  api_url: string | null;
  values: Record<string, Located>;
  file: string;
  line: number;
}

export interface ConfigWarning {
  file: string;
  line: number;
  key: string | null;
  message: string;
}

export interface ZoroConfig {
  /** Absolute path of the file this came from (or `<demo>` for a generated config). */
  file: string;
  zoro: ZoroSettings;
  sessions: SessionConfig[];
  providers: ProviderSection[];
  warnings: ConfigWarning[];
}
