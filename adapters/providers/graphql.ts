/**
 * GraphQL over the common HTTP path (monday.com, Linear). A GraphQL API reports most
 * failures as an `errors` array, often with HTTP 200 and partial `data`: any `errors`
 * entry fails the call (partial data is never used), classified by the adapter's
 * `classify` so a rate-limit error is waited on and retried like a 429.
 *
 *   const gql = new GraphqlClient(api, '/graphql', classifyLinearError);
 *   const data = await gql.request('viewer', 'query { viewer { id } }', {}, object({ viewer: … }));
 */
import type { ProviderErrorCategory } from '../../lib/errors.js';
import type { ApiClient, Problem } from './http.js';
import { array, check, nullable, object, optional, string, unknown, type Shape } from './shape.js';
import { oneLine } from './text.js';

/** One entry of a GraphQL `errors` array, as much of it as zoro reads. */
export interface GraphqlError {
  message: string;
  /** `extensions` as sent (codes, types, retry hints differ per API). */
  extensions: Record<string, unknown>;
}

/** The adapter's reading of an error: its category and, for rate limits, the wait it asks for. */
export type Classify = (error: GraphqlError) => { category: ProviderErrorCategory; waitMs?: number | null };

const ErrorEntry = object({ message: optional(string, 'unknown error'), extensions: optional(unknown, {}) });
const Envelope = object({ data: optional(unknown, null), errors: nullable(array(unknown)) });

/**
 * The endpoint for an `api_url`: used as it is when it already ends with the API's path
 * (`https://api.linear.app/graphql`), else with the path added (`http://127.0.0.1:4000` →
 * `http://127.0.0.1:4000/graphql`), so either spelling works in access.txt.
 */
export function graphqlEndpoint(apiUrl: string, path: string): string {
  const url = new URL(apiUrl);
  return url.pathname.replace(/\/+$/, '').endsWith(path) ? apiUrl : `${apiUrl.replace(/\/+$/, '')}${path}`;
}

export class GraphqlClient {
  constructor(
    readonly api: ApiClient,
    private readonly path: string,
    private readonly classify: Classify,
  ) {}

  /**
   * Sends one operation; `what` names it in errors. Queries are retried after a 5xx or a
   * network failure, mutations only after a rate limit (they may have been carried out).
   */
  async request<T>(
    what: string,
    query: string,
    variables: Record<string, unknown>,
    shape: Shape<T>,
    options: { mutation?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const body = await this.api.json(
      { method: 'POST', path: this.path, json: { query, variables }, idempotent: !options.mutation, signal: options.signal },
      unknown,
      (payload, status) => this.interpret(what, payload, status),
    );
    const envelope = this.parse(what, Envelope, body);
    if (envelope.data === null) throw this.api.error('bad_response', `${what}: the response has no data`);
    return this.parse(what, shape, envelope.data, 'data');
  }

  private interpret(what: string, payload: unknown, status: number): Problem | null {
    if (typeof payload !== 'object' || payload === null || !('errors' in payload)) return null;
    const errors = (payload as { errors: unknown }).errors; // `in` checked above
    if (!Array.isArray(errors) || errors.length === 0) return null;
    const first = readError(errors[0]);
    // monday's older error format keeps the code beside the array: { error_code, errors: ["…"] }.
    const code = (payload as { error_code?: unknown }).error_code;
    if (first.extensions.code === undefined && typeof code === 'string') first.extensions = { ...first.extensions, code };
    const { category, waitMs } = this.classify(first);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    const message =
      category === 'auth'
        ? this.api.authFailed(oneLine(first.message, 80))
        : `${what} failed: ${oneLine(first.message)}${more}`;
    return { category, message, status, waitMs: waitMs ?? null };
  }

  private parse<T>(what: string, shape: Shape<T>, value: unknown, root = 'body'): T {
    try {
      return check(shape, value, root);
    } catch (error) {
      throw this.api.error('bad_response', `unexpected response to ${what}: ${oneLine(error instanceof Error ? error.message : String(error), 300)}`);
    }
  }
}

function readError(value: unknown): GraphqlError {
  if (typeof value === 'string') return { message: value, extensions: {} };
  try {
    const entry = check(ErrorEntry, value, 'errors[0]');
    const extensions = typeof entry.extensions === 'object' && entry.extensions !== null && !Array.isArray(entry.extensions)
      ? (entry.extensions as Record<string, unknown>) // a plain object, checked on this line
      : {};
    return { message: entry.message, extensions };
  } catch {
    // An error entry that is not even an object: still an error, just without detail.
    return { message: String(value), extensions: {} };
  }
}
