/**
 * Calls to `/api`. The page authenticates with the HttpOnly cookie set by `/api/login`, so
 * no script holds the token after start-up.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, data.error ?? `${method} ${path} failed with ${res.status}`);
  return data as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T = { ok: true }>(path: string, body?: unknown) => call<T>('POST', path, body);

/** Trades the start-up token for the cookie. */
export function login(token: string): Promise<void> {
  return call<void>('POST', '/api/login', undefined, { Authorization: `Bearer ${token}` });
}
