/**
 * The one HTTP path every tracker adapter takes (over `ky`): a timeout on every call,
 * retries with backoff on 429 / 5xx / network failures (honouring `Retry-After` and the
 * rate-limit reset headers, up to a cap), conditional GETs (ETag → 304), a typed
 * ProviderError for every failure, and validation of every body it hands back.
 *
 *   const api = new ApiClient({ provider: 'github', baseUrl, headers, authKey: 'token' }, deps);
 *   const user = await api.json({ path: '/user' }, object({ login: string }));
 *
 * Secrets: request headers never appear in an error, a log line or an error's `cause`
 * (ky's errors carry the request, so only their message is kept).
 */
import ky from 'ky';
import { setTimeout as delay } from 'node:timers/promises';
import { ProviderError, type ProviderErrorCategory } from '../../lib/errors.js';
import { check, ShapeError, type Shape } from './shape.js';
import { oneLine } from './text.js';

/** The outside world an adapter talks through; specs pass their own to control time and the network. */
export interface ProviderDeps {
  /** The fetch ky uses. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Waits between retries. @default a real timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Wall clock (ms since the epoch), for rate-limit reset stamps. @default Date.now */
  now?: () => number;
  /** Time allowed for one HTTP exchange, body included. @default 30_000 */
  timeoutMs?: number;
  /** Retries after the first attempt. @default 4 */
  retries?: number;
  /** Longest single wait accepted inside one call; a longer one fails it as rate_limited. @default 120_000 */
  maxWaitMs?: number;
  /** Notices (retries, missing features). Never given a secret. */
  log?: (message: string) => void;
}

type ResolvedDeps = Required<Omit<ProviderDeps, 'log'>> & { log: (message: string) => void };

export function resolveDeps(deps: ProviderDeps = {}): ResolvedDeps {
  return {
    fetch: deps.fetch ?? globalThis.fetch,
    sleep: deps.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
    now: deps.now ?? Date.now,
    timeoutMs: deps.timeoutMs ?? 30_000,
    retries: deps.retries ?? 4,
    maxWaitMs: deps.maxWaitMs ?? 120_000,
    log: deps.log ?? (() => {}),
  };
}

export interface ApiOptions {
  /** The `[provider:NAME]` name, first word of every error. */
  provider: string;
  /** Everything before the paths, e.g. `https://api.github.com` or `https://ghe.example/api/v3`. */
  baseUrl: string;
  /** Sent on every call (credentials included); never logged. */
  headers: Record<string, string>;
  /** The access.txt key to name when the API refuses the credentials. */
  authKey: string;
  /** What to tell the user to check, when it is more than that key. @default authKey */
  authHint?: string;
  /** Remember ETags of GET responses and revalidate with If-None-Match. */
  conditional?: boolean;
  /**
   * Credentials to blank out of any text an API sends back into an error or a log line
   * (an API that echoes a token). The `authorization` header and its last word are always
   * included.
   */
  secrets?: string[];
}

export interface ApiCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/path` below baseUrl, or an absolute URL on the same origin (a pagination link). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** Safe to send twice? Only idempotent calls are retried after a 5xx or a network failure. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface ApiReply<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** What went wrong with one attempt, before it becomes a ProviderError or a retry. */
export interface Problem {
  category: ProviderErrorCategory;
  message: string;
  status: number | null;
  /** How long the API asks us to wait, when it says. */
  waitMs?: number | null;
}

/** A hook that reads API-level errors out of a body (GraphQL `errors` in a 200). */
export type Interpret = (body: unknown, status: number, headers: Headers) => Problem | null;

interface Cached {
  etag: string;
  headers: Headers;
  text: string;
}

const CACHE_LIMIT = 500;

export class ApiClient {
  readonly provider: string;
  private readonly deps: ResolvedDeps;
  private readonly base: URL;
  private readonly cache = new Map<string, Cached>();
  private readonly secrets: string[];

  constructor(
    private readonly options: ApiOptions,
    deps: ProviderDeps = {},
  ) {
    this.provider = options.provider;
    this.deps = resolveDeps(deps);
    this.base = new URL(options.baseUrl);
    const authorization = Object.entries(options.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? '';
    this.secrets = [...(options.secrets ?? []), authorization, authorization.split(' ').at(-1) ?? '']
      .filter((secret) => secret.length >= 6)
      .sort((a, b) => b.length - a.length);
  }

  /** `text` with every credential replaced by [redacted]. */
  private scrub(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  }

  /** The log sink, for adapters' own notices. */
  log(message: string): void {
    this.deps.log(`${this.provider}: ${this.scrub(message)}`);
  }

  /** `authentication failed (401): check [provider:github] token`: the message for refused credentials. */
  authFailed(why: string | number): string {
    return `authentication failed (${why}): check [provider:${this.provider}] ${this.options.authHint ?? this.options.authKey}`;
  }

  error(category: ProviderErrorCategory, message: string, status: number | null = null): ProviderError {
    return new ProviderError(this.provider, category, this.scrub(message), status, category === 'auth' ? this.options.authKey : null);
  }

  /** The body only. */
  async json<T>(call: ApiCall, shape: Shape<T>, interpret?: Interpret): Promise<T> {
    return (await this.call(call, shape, interpret)).body;
  }

  async call<T>(call: ApiCall, shape: Shape<T>, interpret?: Interpret): Promise<ApiReply<T>> {
    const method = call.method ?? 'GET';
    const url = this.url(call);
    const label = `${method} ${url.pathname}`;
    const idempotent = call.idempotent ?? method !== 'POST';
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.attempt(method, url, label, call, interpret);
      if ('reply' in outcome) return this.validate(outcome.reply, shape, label);
      const problem = outcome.problem;
      // A 429 means the request was not carried out, so even a POST may be sent again.
      const retryable = problem.category === 'rate_limited' || ((problem.category === 'server' || problem.category === 'network') && idempotent);
      if (!retryable || attempt >= this.deps.retries) throw this.error(problem.category, problem.message, problem.status);
      const wait = problem.waitMs ?? Math.min(1000 * 2 ** attempt, this.deps.maxWaitMs);
      if (wait > this.deps.maxWaitMs) {
        throw this.error(problem.category, `${problem.message}; the API asks to wait ${seconds(wait)}, longer than the ${seconds(this.deps.maxWaitMs)} one call may wait`, problem.status);
      }
      this.log(`${problem.message}; retrying in ${seconds(wait)} (${attempt + 1} of ${this.deps.retries})`);
      await this.deps.sleep(wait, call.signal);
    }
  }

  private url(call: ApiCall): URL {
    let url: URL;
    if (/^https?:\/\//i.test(call.path)) {
      url = new URL(call.path);
      // Credentials go only to the configured host, whatever a Link header says.
      if (url.origin !== this.base.origin) throw this.error('bad_response', `refused to follow a link to another host (${url.origin})`);
    } else {
      url = new URL(this.base.href.replace(/\/+$/, '') + call.path);
    }
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private async attempt(
    method: string,
    url: URL,
    label: string,
    call: ApiCall,
    interpret: Interpret | undefined,
  ): Promise<{ reply: ApiReply<unknown> } | { problem: Problem }> {
    const headers: Record<string, string> = { ...this.options.headers };
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    const cached = method === 'GET' && this.options.conditional ? this.cache.get(url.href) : undefined;
    if (cached) headers['if-none-match'] = cached.etag;

    const timeout = AbortSignal.timeout(this.deps.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await ky(url, {
        method,
        headers,
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
        signal,
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        fetch: this.deps.fetch,
      });
      text = await response.text();
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      const message = timeout.aborted
        ? `timed out after ${seconds(this.deps.timeoutMs)} on ${label}`
        : `network error on ${label}: ${oneLine(error instanceof Error ? error.message : String(error))}`;
      return { problem: { category: 'network', message, status: null } };
    }

    let status = response.status;
    let replyHeaders = response.headers;
    if (status === 304 && cached) {
      // Unchanged since the last poll: GitHub does not count this against the rate limit.
      status = 200;
      text = cached.text;
      replyHeaders = cached.headers;
    } else if (status === 200 && method === 'GET' && this.options.conditional) {
      const etag = response.headers.get('etag');
      if (etag) this.remember(url.href, { etag, headers: response.headers, text });
    }

    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: fine for an error status (a proxy's HTML page), not for a success.
      if (status >= 200 && status < 300) {
        return { problem: { category: 'bad_response', message: `unexpected response to ${label}: the body is not JSON`, status } };
      }
      body = undefined;
    }
    const found = interpret?.(body, status, replyHeaders);
    // An API-level rate limit without its own wait still gets the wait the headers ask for.
    const problem = found ? { ...found, waitMs: found.waitMs ?? waitFromHeaders(status, replyHeaders, this.deps.now()) } : null;
    if (problem) return { problem };
    if (status < 200 || status >= 300) return { problem: this.statusProblem(status, replyHeaders, body, label) };
    return { reply: { status, headers: replyHeaders, body } };
  }

  private statusProblem(status: number, headers: Headers, body: unknown, label: string): Problem {
    const said = apiErrorText(body);
    const detail = said ? ` (the API said: ${said})` : '';
    const section = `[provider:${this.provider}]`;
    const waitMs = waitFromHeaders(status, headers, this.deps.now());
    if (status === 401) {
      return { category: 'auth', status, message: this.authFailed(401) };
    }
    // GitHub signals both its primary and secondary rate limits with 403 as well as 429.
    if (status === 429 || (status === 403 && (waitMs !== null || /rate limit/i.test(said ?? '')))) {
      return { category: 'rate_limited', status, message: `rate limited (${status}) on ${label}`, waitMs: waitMs ?? (status === 403 ? 60_000 : null) };
    }
    if (status === 403) {
      const hint = this.options.authHint ?? this.options.authKey;
      return { category: 'auth', status, message: `access denied (403) on ${label}: check ${section} ${hint} and what it may access${detail}` };
    }
    if (status === 404 || status === 410) return { category: 'not_found', status, message: `not found (${status}): ${label}${detail}` };
    if (status >= 500) return { category: 'server', status, message: `server error (${status}) on ${label}${detail}`, waitMs };
    return { category: 'bad_response', status, message: `request refused (${status}) on ${label}${detail}` };
  }

  private validate<T>(reply: ApiReply<unknown>, shape: Shape<T>, label: string): ApiReply<T> {
    try {
      return { ...reply, body: check(shape, reply.body, 'body') };
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw this.error('bad_response', `unexpected response to ${label}: ${oneLine(error.message, 300)}`, reply.status);
    }
  }

  private remember(key: string, entry: Cached): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }
}

/**
 * How long a rate-limited or failing API asks us to wait, in ms, or null when it does not
 * say. Reads `Retry-After` (seconds or an HTTP date), then the reset stamps of the
 * rate-limit headers when the budget is spent (`x-ratelimit-reset`: GitHub epoch seconds,
 * Jira ISO 8601; Linear's `x-ratelimit-requests-reset` / `-complexity-reset`).
 */
export function waitFromHeaders(status: number, headers: Headers, now: number): number | null {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  for (const prefix of ['x-ratelimit', 'x-ratelimit-requests', 'x-ratelimit-complexity']) {
    const reset = headers.get(`${prefix}-reset`);
    if (reset === null) continue;
    if (status !== 429 && headers.get(`${prefix}-remaining`) !== '0') continue;
    const at = resetStamp(reset.trim(), now);
    if (at !== null) return Math.max(0, at - now);
  }
  return null;
}

function resetStamp(value: string, now: number): number | null {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1e9) return now + n * 1000; // a count of seconds, not a date
    return n < 1e12 ? n * 1000 : n; // epoch seconds or epoch milliseconds
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/** The API's own words from an error body, whichever tracker's shape it has. */
export function apiErrorText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>; // only read through typeof checks below
  const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : undefined);
  const candidates: unknown[] = [
    b.message, // GitHub
    first(b.errorMessages), // Jira
    b.error_message, // monday (old format)
    (first(b.errors) as Record<string, unknown> | undefined)?.message, // Asana, GraphQL
    first(b.errors), // monday (old format: strings)
  ];
  if (typeof b.errors === 'object' && b.errors !== null && !Array.isArray(b.errors)) {
    candidates.push(...Object.values(b.errors)); // Jira field errors
  }
  const text = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return text ? oneLine(text) : null;
}

/** The `rel="next"` target of an RFC 8288 `Link` header, or null. */
export function nextLink(headers: Headers): string | null {
  const link = headers.get('link');
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match && /\brel="?([^"]*\s)?next(\s[^"]*)?"?/.test(match[2]!)) return match[1]!;
  }
  return null;
}

/**
 * Walks a paginated listing to its end. `page(cursor)` returns the items and the next
 * cursor (null when done). Stops with bad_response if the API repeats a cursor or goes
 * past `maxPages`, so a broken server cannot keep a poll running forever.
 */
export async function collectPages<T>(
  api: ApiClient,
  what: string,
  page: (cursor: string | null) => Promise<{ items: T[]; next: string | null }>,
  maxPages = 200,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let n = 0; n < maxPages; n += 1) {
    const { items, next } = await page(cursor);
    all.push(...items);
    if (next === null) return all;
    if (seen.has(next)) throw api.error('bad_response', `${what}: the API returned the same page cursor twice`);
    seen.add(next);
    cursor = next;
  }
  throw api.error('bad_response', `${what}: more than ${maxPages} pages; refusing to read further`);
}

function seconds(ms: number): string {
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
