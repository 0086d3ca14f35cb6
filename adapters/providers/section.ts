/**
 * Reads an adapter's own keys out of its `[provider:NAME]` section. A missing or bad value
 * is a ConfigError naming the file, the line and the key, raised when the adapter is
 * created (so `zoro` refuses to start, or a hot reload keeps the old provider), never
 * halfway through a poll.
 */
import { ConfigError } from '../../lib/errors.js';
import type { ProviderSection } from '../config/types.js';

export class SectionReader {
  constructor(readonly section: ProviderSection) {}

  get name(): string {
    return this.section.name;
  }

  /** A value that must be there and not be empty. */
  required(key: string): string {
    const value = this.optional(key);
    if (value === null) {
      throw new ConfigError(this.section.file, this.section.line, key, `[provider:${this.section.name}] is missing ${key}`);
    }
    return value;
  }

  /** The trimmed value, or null when the key is absent or empty. */
  optional(key: string): string | null {
    const value = this.section.values[key]?.value.trim();
    return value ? value : null;
  }

  /** A comma-separated list (`repos = a/b, c/d`); empty when absent. */
  list(key: string): string[] {
    return (this.optional(key) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** A ConfigError pointing at the key's own line. */
  invalid(key: string, detail: string): ConfigError {
    const line = this.section.values[key]?.line ?? this.section.line;
    return new ConfigError(this.section.file, line, key, `[provider:${this.section.name}] ${detail}`);
  }

  /** `api_url` when set (checked to be an http(s) URL), else the tracker's public host. */
  apiUrl(fallback: string): string {
    const value = this.section.api_url?.trim();
    if (!value) return fallback;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw this.invalid('api_url', `api_url is not a URL: ${JSON.stringify(value)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw this.invalid('api_url', `api_url must be http(s): ${JSON.stringify(value)}`);
    return value.replace(/\/+$/, '');
  }
}
