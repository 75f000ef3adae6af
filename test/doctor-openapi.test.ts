// Which operations the doctor may call: GET/HEAD whose required parameters have a value to send;
// nothing else without --unsafe; include/exclude; streams recognised; only relative servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesPattern, OpenApiError, selectOperations } from '../src/doctor/openapi.js';

const doc = {
  openapi: '3.0.2',
  info: { title: 'shop', version: '2' },
  components: {
    parameters: { lang: { name: 'lang', in: 'query', required: true, schema: { $ref: '#/components/schemas/Lang' } } },
    schemas: { Lang: { type: 'string', enum: ['en', 'fr'] } },
  },
  paths: {
    '/health': { get: { operationId: 'health' }, head: {} },
    '/items/{item_id}': { get: { parameters: [{ name: 'item_id', in: 'path', required: true, schema: { type: 'integer' }, example: 42 }] } },
    '/users/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] } },
    '/search': {
      get: {
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string', default: 'shoes' } },
          { name: 'page', in: 'query', schema: { type: 'integer' } },
          { $ref: '#/components/parameters/lang' },
        ],
      },
    },
    '/tenant': { parameters: [{ name: 'X-Tenant', in: 'header', required: true, examples: { a: { value: 'acme' } } }], get: {} },
    '/orders': { get: {}, post: { requestBody: { required: true, content: { 'application/json': {} } } }, delete: {} },
    '/events': { get: { responses: { '200': { content: { 'text/event-stream': { schema: { type: 'string' } } } } } } },
    '/feed': { get: { responses: { '200': { content: { 'application/x-ndjson': {} } } } } },
    '/upload': { get: { requestBody: { required: true } } },
  },
};

test('safe operations with their parameters filled in; the rest skipped with the reason', () => {
  const s = selectOperations(doc);
  assert.equal(s.title, 'shop');
  assert.deepEqual(
    s.operations.map((o) => `${o.method} ${o.path}`),
    ['GET /health', 'HEAD /health', 'GET /items/42', 'GET /search?q=shoes&lang=en', 'GET /tenant', 'GET /orders', 'GET /events', 'GET /feed'],
  );
  assert.deepEqual(s.operations.find((o) => o.path === '/tenant')!.headers, { 'X-Tenant': 'acme' });
  assert.equal(s.operations.find((o) => o.path === '/events')!.stream, 'sse');
  assert.equal(s.operations.find((o) => o.path === '/feed')!.stream, 'lines');
  assert.equal(s.operations.find((o) => o.path === '/items/42')!.template, '/items/{item_id}');
  assert.deepEqual(
    s.skipped.map((k) => `${k.method} ${k.template}: ${k.reason}`),
    [
      'GET /users/{id}: required path parameter "id" has no example, default or enum to send',
      'POST /orders: POST may change data: called only with --unsafe',
      'DELETE /orders: DELETE may change data: called only with --unsafe',
      'GET /upload: it needs a request body',
    ],
  );
});

test('--unsafe calls other methods too (not those that need a body); --include and --exclude narrow', () => {
  const unsafe = selectOperations(doc, { unsafe: true });
  assert.ok(unsafe.operations.some((o) => o.method === 'DELETE' && o.path === '/orders'));
  assert.ok(unsafe.skipped.some((k) => k.method === 'POST' && k.reason === 'it needs a request body'));
  const only = selectOperations(doc, { include: ['/items/*', 'HEAD /health'], exclude: ['/items/42'] });
  assert.deepEqual(only.operations.map((o) => `${o.method} ${o.path}`), ['HEAD /health']);
  assert.ok(only.skipped.some((k) => k.template === '/items/{item_id}' && k.reason === 'matched by --exclude'));
});

test('patterns: * is one segment, ** any depth, an optional method', () => {
  assert.equal(matchesPattern('/a/*', 'GET', '/a/{id}', '/a/1'), true);
  assert.equal(matchesPattern('/a/*', 'GET', '/a/{id}/b', '/a/1/b'), false);
  assert.equal(matchesPattern('/a/**', 'GET', '/a/{id}/b', '/a/1/b'), true);
  assert.equal(matchesPattern('POST /a', 'GET', '/a', '/a'), false);
  assert.equal(matchesPattern('/a.json', 'GET', '/aXjson', '/aXjson'), false, 'a dot is a dot');
});

test('a relative servers URL prefixes the paths; another host is ignored (only the target given is called)', () => {
  const rel = selectOperations({ servers: [{ url: '/api/v1/' }], paths: { '/x': { get: {} } } });
  assert.equal(rel.operations[0]!.path, '/api/v1/x');
  const abs = selectOperations({ servers: [{ url: 'https://evil.example' }], paths: { '/x': { get: {} } } });
  assert.equal(abs.operations[0]!.path, '/x');
});

test('a document without paths is refused with what was expected; remote $refs are not followed', () => {
  assert.throws(() => selectOperations({ openapi: '3.0.0' }), OpenApiError);
  assert.throws(() => selectOperations([]), /no "paths" mapping/);
  const remote = selectOperations({ paths: { '/r/{id}': { get: { parameters: [{ $ref: 'https://evil.example/p.json' }] } } } });
  assert.equal(remote.operations.length, 0);
  assert.match(remote.skipped[0]!.reason, /path parameter "id" \(undocumented\)/);
});
