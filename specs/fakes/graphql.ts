/**
 * Just enough GraphQL for the monday.com and Linear fakes to answer like a GraphQL server:
 * parse the one operation in a request (its root fields, their arguments, nested
 * selections and inline fragments), then resolve it against plain objects and return only
 * the fields that were selected. Asking for a field the fake's objects do not have is an
 * error, as on the real server ("Cannot query field …"), so a query that drifts from the
 * schema fails here too.
 *
 * A resolver object maps field names to values, or to functions of the field's arguments
 * (`issues: (args) => connection`). `__typename` selects inline fragments.
 */

export type Args = Record<string, unknown>;

export interface Selection {
  name: string;
  args: Args;
  selections: Selection[];
  /** Set for `... on Type { … }`: the selections apply only to objects of that type. */
  on?: string;
}

export interface Operation {
  kind: 'query' | 'mutation';
  name: string | null;
  selections: Selection[];
}

export class GraphqlRequestError extends Error {}

/** An error a resolver raises: reported in `errors` with these `extensions`, HTTP 200 (or `status`). */
export class GraphqlFieldError extends GraphqlRequestError {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown>,
    readonly status = 200,
  ) {
    super(message);
  }
}

type Token = { kind: 'name' | 'punct' | 'string' | 'number' | 'variable' | 'spread'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|,|#[^\n]*|(\.\.\.)|(\$[A-Za-z_]\w*)|([A-Za-z_]\w*)|(-?\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*")|([{}()[\]:!=@])/gy;
  let position = 0;
  while (position < source.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(source);
    if (!match) throw new GraphqlRequestError(`Syntax Error: Unexpected character "${source[position]}".`);
    position = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'spread', value: '...' });
    else if (match[2]) tokens.push({ kind: 'variable', value: match[2].slice(1) });
    else if (match[3]) tokens.push({ kind: 'name', value: match[3] });
    else if (match[4]) tokens.push({ kind: 'number', value: match[4] });
    else if (match[5]) tokens.push({ kind: 'string', value: JSON.parse(match[5]) as string });
    else if (match[6]) tokens.push({ kind: 'punct', value: match[6] });
  }
  return tokens;
}

/** Parses the request's single operation, with `variables` substituted into arguments. */
export function parseOperation(query: string, variables: Args): Operation {
  const tokens = tokenize(query);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const next = (): Token => {
    const token = tokens[i++];
    if (!token) throw new GraphqlRequestError('Syntax Error: Unexpected <EOF>.');
    return token;
  };
  const expect = (value: string): void => {
    const token = next();
    if (token.value !== value) throw new GraphqlRequestError(`Syntax Error: Expected "${value}", found "${token.value}".`);
  };

  function value(): unknown {
    const token = next();
    if (token.kind === 'variable') return variables[token.value] ?? null;
    if (token.kind === 'number') return Number(token.value);
    if (token.kind === 'string') return token.value;
    if (token.kind === 'name') return token.value === 'true' ? true : token.value === 'false' ? false : token.value === 'null' ? null : token.value;
    if (token.value === '[') {
      const list: unknown[] = [];
      while (peek()?.value !== ']') list.push(value());
      expect(']');
      return list;
    }
    if (token.value === '{') {
      const object: Args = {};
      while (peek()?.value !== '}') {
        const key = next().value;
        expect(':');
        object[key] = value();
      }
      expect('}');
      return object;
    }
    throw new GraphqlRequestError(`Syntax Error: Unexpected "${token.value}".`);
  }

  function selectionSet(): Selection[] {
    expect('{');
    const selections: Selection[] = [];
    while (peek()?.value !== '}') {
      if (peek()?.kind === 'spread') {
        next();
        if (next().value !== 'on') throw new GraphqlRequestError('Fragment spreads are not supported by this fake; use inline fragments.');
        const on = next().value;
        selections.push({ name: '', args: {}, selections: selectionSet(), on });
        continue;
      }
      const name = next().value;
      const args: Args = {};
      if (peek()?.value === '(') {
        next();
        while (peek()?.value !== ')') {
          const key = next().value;
          expect(':');
          args[key] = value();
        }
        expect(')');
      }
      selections.push({ name, args, selections: peek()?.value === '{' ? selectionSet() : [] });
    }
    expect('}');
    return selections;
  }

  let kind: Operation['kind'] = 'query';
  let name: string | null = null;
  if (peek()?.kind === 'name') {
    const word = next().value;
    if (word !== 'query' && word !== 'mutation') throw new GraphqlRequestError(`Syntax Error: Unexpected Name "${word}".`);
    kind = word;
    if (peek()?.kind === 'name') name = next().value;
    if (peek()?.value === '(') {
      // Variable definitions: their types are not checked by the fake, only skipped.
      let depth = 0;
      do {
        const token = next().value;
        if (token === '(') depth += 1;
        if (token === ')') depth -= 1;
      } while (depth > 0);
    }
  }
  const selections = selectionSet();
  if (i < tokens.length) throw new GraphqlRequestError('This fake answers one operation per request.');
  return { kind, name, selections };
}

/** Resolves `selections` against `value`, keeping only what was selected. */
export function project(value: unknown, selections: Selection[], type = 'Query'): unknown {
  if (selections.length === 0 || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => project(item, selections, type));
  if (typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const typename = typeof source.__typename === 'string' ? source.__typename : type;
  const out: Record<string, unknown> = {};
  for (const selection of selections) {
    if (selection.on !== undefined) {
      if (selection.on === typename) Object.assign(out, project(source, selection.selections, typename));
      continue;
    }
    if (selection.name === '__typename') {
      out.__typename = typename;
      continue;
    }
    if (!(selection.name in source)) throw new GraphqlRequestError(`Cannot query field "${selection.name}" on type "${typename}".`);
    const field = source[selection.name];
    const resolved = typeof field === 'function' ? (field as (args: Args) => unknown)(selection.args) : field;
    out[selection.name] = project(resolved, selection.selections, selection.name);
  }
  return out;
}

/** A Relay connection page over `items`, cursors being positions. */
export function connection<T>(items: T[], args: Args, defaultFirst = 50): { nodes: T[]; pageInfo: Record<string, unknown> } {
  const first = typeof args.first === 'number' ? args.first : defaultFirst;
  const start = typeof args.after === 'string' ? Number(Buffer.from(args.after, 'base64url').toString()) : 0;
  const end = start + first;
  const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
  return {
    nodes: items.slice(start, end),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: items.length ? cursor(start) : null,
      endCursor: items.length ? cursor(Math.min(end, items.length)) : null,
    },
  };
}

/**
 * Answers one GraphQL request body: the selected fields of `root(kind)`, or a GraphQL error
 * (HTTP 400 for a request that does not parse, as both vendors do).
 */
export function answer(body: unknown, root: (operation: Operation) => Record<string, unknown>): { status: number; body: unknown } {
  const request = (typeof body === 'object' && body !== null ? body : {}) as { query?: unknown; variables?: unknown };
  if (typeof request.query !== 'string') {
    return { status: 400, body: { errors: [{ message: 'Must provide query string.', extensions: { code: 'BAD_REQUEST' } }] } };
  }
  const variables = (typeof request.variables === 'object' && request.variables !== null ? request.variables : {}) as Args;
  try {
    const operation = parseOperation(request.query, variables);
    return { status: 200, body: { data: project(root(operation), operation.selections, operation.kind === 'query' ? 'Query' : 'Mutation') } };
  } catch (error) {
    if (!(error instanceof GraphqlRequestError)) throw error;
    if (error instanceof GraphqlFieldError) {
      return { status: error.status, body: { data: null, errors: [{ message: error.message, extensions: error.extensions }] } };
    }
    const status = error.message.startsWith('Syntax Error') ? 400 : 200;
    return { status, body: { errors: [{ message: error.message, extensions: { code: status === 400 ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED' } }] } };
  }
}
