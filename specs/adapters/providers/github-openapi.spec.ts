/**
 * Holds the GitHub fake (and so the adapter) to GitHub's own published OpenAPI description
 * (`@octokit/openapi`): every request the adapter makes must be an operation there, with
 * only declared query parameters and a valid request body, and every body the fake serves
 * must validate against that operation's response schema.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createGithubProvider } from '../../../adapters/providers/github/provider.js';
import { projectRoot } from '../../../lib/self.js';
import { startFakeGithub } from '../../fakes/github.js';
import type { Recorded } from '../../fakes/server.js';
import { instantDeps, providerError, section } from './helpers.js';

interface Operation {
  operationId: string;
  parameters?: ({ in: string; name: string } | { $ref: string })[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

// The description as published; parsed once for the whole file.
const doc = JSON.parse(readFileSync(join(projectRoot, 'node_modules/@octokit/openapi/generated/api.github.com.json'), 'utf8')) as OpenApi;

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms: `null` added to `type` and to `enum`,
 * or, for a schema without a type (a `$ref`, an `allOf`), `anyOf: [schema, {type: null}]`.
 */
function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (typeof node !== 'object' || node === null) return node;
  const schema: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) schema[key] = convertNullable(value);
  if (schema.nullable !== true) return schema;
  delete schema.nullable;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}
doc.components = convertNullable(doc.components) as Record<string, unknown>;
doc.paths = convertNullable(doc.paths) as OpenApi['paths'];

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, logger: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'github', components: doc.components });

/** Refs in a path's schemas point at `#/components/…` of the document, which lives under `github`. */
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"github#/'));
}
const compiled = new Map<string, ValidateFunction>();
function validator(key: string, schema: unknown): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rebase(schema) as object);
    compiled.set(key, validate);
  }
  return validate;
}

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  params: (template.match(/\{/g) ?? []).length,
  regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

function operationOf(request: Recorded): { template: string; operation: Operation } | null {
  const method = request.method.toLowerCase();
  const candidates = templates
    .filter((t) => t.regex.test(request.path) && doc.paths[t.template]?.[method])
    .sort((a, b) => a.params - b.params); // a literal segment beats a parameter
  const best = candidates[0];
  return best ? { template: best.template, operation: doc.paths[best.template]![method]! } : null;
}

/** `#/components/parameters/per-page` → the parameter it names. */
function parameterAt(ref: string): { in: string; name: string } {
  const name = ref.replace('#/components/parameters/', '');
  return (doc.components.parameters as Record<string, { in: string; name: string }>)[name]!;
}

/** Every problem with one recorded exchange, as sentences. */
function conformance(request: Recorded): string[] {
  const problems: string[] = [];
  const label = `${request.method} ${request.path}`;
  const found = operationOf(request);
  if (!found) return [`${label} is not an operation in GitHub's OpenAPI description`];
  const { template, operation } = found;
  const declared = new Set(
    (operation.parameters ?? [])
      .map((p) => ('$ref' in p ? parameterAt(p.$ref) : p))
      .filter((p) => p.in === 'query')
      .map((p) => p.name),
  );
  for (const name of Object.keys(request.query)) {
    if (!declared.has(name)) problems.push(`${label}: query parameter "${name}" is not declared by ${operation.operationId}`);
  }
  const requestSchema = operation.requestBody?.content['application/json']?.schema;
  if (request.body !== undefined) {
    if (!requestSchema) problems.push(`${label}: ${operation.operationId} takes no JSON body`);
    else if (!validator(`${template} ${request.method} request`, requestSchema)(request.body)) {
      problems.push(`${label}: request body does not match: ${ajv.errorsText(compiled.get(`${template} ${request.method} request`)?.errors)}`);
    }
  }
  const response = request.response;
  if (!response) return [...problems, `${label}: no response recorded`];
  const status = String(response.status);
  if (status === '304') {
    // GitHub answers any conditional GET with an empty 304, listed or not.
    if (response.body !== undefined) problems.push(`${label}: a 304 must have no body`);
    return problems;
  }
  const declaredSchema = operation.responses[status]?.content?.['application/json']?.schema;
  const schema = declaredSchema ?? (response.status >= 400 ? { $ref: '#/components/schemas/basic-error' } : undefined);
  if (!schema) return [...problems, `${label}: status ${status} is not a response of ${operation.operationId}`];
  const validate = validator(`${template} ${request.method} ${status}`, schema);
  if (!validate(response.body)) {
    problems.push(`${label} → ${status}: body does not match ${operation.operationId}: ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}

test('every request the adapter makes, and every reply the fake gives, conforms to the OpenAPI description', async () => {
  const github = await startFakeGithub({ token: 'tok', maxPerPage: 2 });
  try {
    const all = createGithubProvider(section('github', { token: 'tok' }, github.url), instantDeps());
    await all.poll();
    await all.poll(); // revalidates: 304s
    const some = createGithubProvider(section('github', { token: 'tok', repos: 'acme/web, acme/api' }, github.url), instantDeps());
    await some.poll(); // GET /user, per-repo listings
    await all.details('acme/web#1');
    await all.comment('acme/web#2', 'zoro: started');
    await all.complete('acme/web#2', 'done: the summary');
    await providerError(() => createGithubProvider(section('github', { token: 'bad' }, github.url)).poll());
    await providerError(() => all.details('acme/web#404'));

    const operations = new Set(github.requests.map((r) => operationOf(r)?.operation.operationId));
    assert.equal([...operations].sort(), [
      'issues/create-comment',
      'issues/get',
      'issues/list',
      'issues/list-comments',
      'issues/list-for-repo',
      'issues/update',
      'users/get-authenticated',
    ]);
    const problems = github.requests.flatMap(conformance);
    assert.equal(problems, []);
  } finally {
    await github.close();
  }
});

test('the checker itself catches a reply that breaks the schema', () => {
  const request: Recorded = {
    method: 'GET',
    path: '/repos/acme/web/issues/1',
    query: {},
    headers: {},
    body: undefined,
    response: { status: 200, body: { number: 1, title: 'no other fields' } },
  };
  const problems = conformance(request);
  assert.is(problems.length, 1);
  assert.match(problems[0]!, 'issues/get');
});

test('the checker itself catches a request that is not an operation', () => {
  const problems = conformance({ method: 'DELETE', path: '/issues', query: {}, headers: {}, body: undefined, response: { status: 200, body: {} } });
  assert.equal(problems, ["DELETE /issues is not an operation in GitHub's OpenAPI description"]);
});

test.run();
