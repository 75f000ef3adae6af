// The scenario file format, as a zod schema. It is the single source for validation and for the
// JSON Schema in scenarios/scenario.schema.json (see `npm run schema`; a test checks it does not drift).
import { z } from 'zod';
import { DURATION_PATTERN } from './units.js';
import { acceptPlaceholders } from './schema-params.js';
const RATE_PATTERN = /^\s*\d+(\.\d+)?\s*\/\s*(s|sec|second|m|min|minute)\s*$/;
const PARAM_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export const DURATION_HINT = 'expected a duration like "500ms", "2s" or "1m"';
export const RATE_HINT = 'expected a rate like "100/s" or "600/m"';

const duration = z
  .string({ error: DURATION_HINT })
  .regex(DURATION_PATTERN, { error: DURATION_HINT })
  .describe('A duration with a unit: us, ms, s, m or h ("250ms", "2s"), or several, largest first ("1m30s", "2s500ms").');
const rate = z
  .string({ error: RATE_HINT })
  .regex(RATE_PATTERN, { error: RATE_HINT })
  .describe('Requests per second or per minute ("100/s", "600/m").');
const positiveInt = (what: string) =>
  z.number({ error: `expected a whole number (${what})` }).int({ error: `expected a whole number (${what})` }).min(1, { error: `expected at least 1 (${what})` });

const extract = z
  .strictObject({
    from: z.enum(['body', 'event', 'header']).describe('Where to look: the response body, an SSE event\'s data, or a response header.'),
    regex: z.string().optional().describe('Regular expression; its first capture group (or the whole match) is the value.'),
    json: z.string().optional().describe('JSON pointer into the body or event data, e.g. "/0" or "/worker/pid".'),
    header: z.string().optional().describe('Header name (with from: header).'),
  })
  .describe('A value pulled out of each response, counted as an identity (thread id, worker pid, ...).');

const http = {
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'expected a name of letters, digits, "-" or "_", starting with a letter' }).optional()
    .describe('Name used in reports and expectations (probe.p99 < 200ms). Defaults to the kind, numbered when repeated.'),
  path: z.string({ error: 'expected a path like "/health"' }).startsWith('/', { error: 'expected a path starting with "/"' }).describe('Request path, appended to the target.'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).optional().describe('HTTP method (default GET).'),
  headers: z.record(z.string(), z.string()).optional().describe('Request headers.'),
  body: z
    .union([z.string(), z.strictObject({ file: z.string().min(1, { error: 'expected a file name' }).describe('File whose text is the body, relative to the scenario file (at most 1 MiB).') })], {
      error: 'expected a body text or { file: path }',
    })
    .optional()
    .describe('Request body: its text, or { file: path } to read it from a file when the scenario is loaded.'),
  timeout: duration.optional().describe('Per-request timeout (default 5s for probes, 60s otherwise).'),
  extract: z.record(z.string(), extract).optional().describe('Values to pull out of each response, by name.'),
};

const probe = z
  .strictObject({
    kind: z.literal('probe'),
    ...http,
    rate: rate.describe('Fixed send rate (open model): requests are scheduled at t0 + i/rate whatever the answers.'),
    start: duration.optional().describe('When the probe starts, from the start of the run (default 0s).'),
    stop: duration.optional().describe('When the probe stops (default: the end of the run).'),
    maxInFlight: positiveInt('maxInFlight').optional().describe('Cap on probes in flight; beyond it a probe is counted as missed (default: rate × timeout, at most 1000).'),
    stallThreshold: duration.optional().describe('A probe slower than this is late; a run of late probes is a stall (default max(100ms, 10 × unloaded p99)).'),
    connection: z.enum(['keep-alive', 'new']).optional().describe('keep-alive (default): reuse connections; new: open a new connection for every request.'),
    connections: positiveInt('connections').optional().describe('With keep-alive: a fixed set of this many connections, used in turn (default: as many as needed).'),
    calibrate: positiveInt('calibrate').optional().describe('Sequential requests that measure the unloaded latency before the run, within 3 s (default 100; fewer for a slow path).'),
  })
  .describe('Cheap requests at a fixed rate; their latency is counted from the scheduled time (no coordinated omission).');

const request = z
  .strictObject({
    kind: z.literal('request'),
    ...http,
    at: duration.optional().describe('When to send, from the start of the run (default 0s).'),
    count: positiveInt('count').optional().describe('How many identical requests to send at once (default 1).'),
  })
  .describe('One or a few requests at a given time: the heavy request.');

const stream = z
  .strictObject({
    kind: z.literal('stream'),
    ...http,
    streams: positiveInt('streams').optional().describe('How many streams to hold open at once (default 1).'),
    format: z.enum(['sse', 'lines']).optional().describe('sse (default): Server-Sent Events; lines: plain chunked text, one event per line.'),
    at: duration.optional().describe('When to open the streams, from the start of the run (default 0s).'),
    rampUp: duration.optional().describe('Spread the openings evenly over this time (default 0s: all at once).'),
    events: positiveInt('events').optional().describe('Events each stream should deliver; a stream that ends with fewer ended early.'),
    stallGap: duration.optional().describe('A stream with no event for longer than this stalled (default max(1s, 10 × the median gap)).'),
    identity: z.string().optional().describe('The extract field that should stay the same within a stream (default: the first from: event field).'),
  })
  .describe('K concurrent streamed responses (SSE or chunked text): per event arrival time, gap, time to first event; early ends, stalls, errors.');

/** What load and sweep share: when, the service time S, and the worker threads. */
const closedModel = {
  start: duration.optional().describe('When it starts, from the start of the run (default 0s).'),
  serviceTime: duration.optional().describe('The endpoint\'s unloaded service time S, declared: no calibration requests are sent.'),
  calibrate: z
    .number({ error: 'expected a whole number (calibrate)' })
    .int({ error: 'expected a whole number (calibrate)' })
    .min(0, { error: 'expected 0 or more (calibrate)' })
    .optional()
    .describe('Sequential requests that measure S before the run, after one that opens the connection (default 5; 0: none, declare serviceTime instead).'),
  workers: positiveInt('workers').optional().describe('Worker threads the connections are spread over (default 1); the probes stay on the main thread either way.'),
};

const load = z
  .strictObject({
    kind: z.literal('load'),
    ...http,
    ...closedModel,
    connections: positiveInt('connections').describe('Concurrent connections N (ab -c): each sends its next request as soon as the last one is answered.'),
    amount: positiveInt('amount').optional().describe('Total requests (ab -n); without it the load sends until `duration` or the end of the run.'),
    duration: duration.optional().describe('How long it sends (requests in flight are then waited for); default: until the end of the run.'),
  })
  .describe('Closed-model load like `ab -c N -n K`: finds pool starvation and serialized handlers from the effective concurrency.');

const STEPS_HINT = 'expected a list of connection counts like [1, 2, 4, 8] (or "1,2,4,8")';
const sweep = z
  .strictObject({
    kind: z.literal('sweep'),
    ...http,
    ...closedModel,
    connections: z
      .union([z.array(positiveInt('connections'), { error: STEPS_HINT }).min(1, { error: STEPS_HINT }), z.string().regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, { error: STEPS_HINT })], { error: STEPS_HINT })
      .describe('Connection counts, ascending, one step each: [1, 2, 4, 8, 16, 32, 64] (a "1,2,4" string works too, for --set).'),
    step: duration.optional().describe('How long each step sends (default 3s); its requests in flight are then waited for.'),
    amount: positiveInt('amount').optional().describe('Requests per step (ab -n), instead of waiting for `step`.'),
    pause: duration.optional().describe('Quiet time between steps (default 0s).'),
  })
  .describe('The load repeated over connection counts: throughput and effective concurrency per N; the knee is the concurrency limit.');

/** Every actor kind's schema, by kind: add a kind here and the union, messages and JSON Schema follow. */
export const ACTOR_SCHEMAS = { probe, request, stream, load, sweep } as const;
export const ACTOR_KINDS = Object.keys(ACTOR_SCHEMAS) as (keyof typeof ACTOR_SCHEMAS)[];

export const actorSchema = z.discriminatedUnion('kind', [probe, request, stream, load, sweep]);

/** The fields a mapping may have at a path of the raw scenario (for "did you mean" hints). */
export function allowedKeysAt(path: readonly (string | number)[], kindAt: (path: readonly (string | number)[]) => string | undefined): string[] {
  if (path.length === 0) return Object.keys(scenarioSchema.shape);
  if (path[0] === 'timeline') return ['bucket'];
  if (path[0] === 'server') return ['command', 'cwd', 'env', 'ready', 'readyTimeout'];
  if (path[0] === 'actors' && path.length === 2) {
    const kind = kindAt(path) as keyof typeof ACTOR_SCHEMAS | undefined;
    const schema = kind && ACTOR_SCHEMAS[kind];
    return schema ? Object.keys(schema.shape) : [...new Set(ACTOR_KINDS.flatMap((k) => Object.keys(ACTOR_SCHEMAS[k].shape)))];
  }
  if (path[0] === 'actors' && path[2] === 'extract') return Object.keys(extract.shape);
  return [];
}

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    name: z.string({ error: 'expected a name' }).regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected lower-case letters, digits and "-"' }).describe('Scenario name, shown in reports.'),
    description: z.string().optional().describe('One line: what the scenario finds.'),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
      .describe('Defaults for ${name} placeholders used anywhere in the file; override with --set name=value.'),
    target: z.string().regex(/^https?:\/\/[^/\s]+/, { error: 'expected a base URL like "http://127.0.0.1:8000"' }).optional()
      .describe('Base URL of the server under test; override with --target.'),
    duration: duration.optional().describe('Length of the run; every actor stops by then. Optional when every actor ends by itself (a load\'s amount or duration, a request\'s count, a stream\'s events, a probe\'s stop): the run then ends when they are done, probes without stop shortly after.'),
    timeline: z.strictObject({ bucket: duration.describe('Bucket size of the per-second timeline, 100ms or more (default 1s).') }).optional(),
    actors: z.array(actorSchema, { error: 'expected a list of actors' }).min(1, { error: 'expected at least one actor' }).describe('What sends traffic during the run.'),
    expect: z.array(z.string()).optional()
      .describe('Expectations checked after the run (exit 1 when one fails): "<actor>.<metric> <op> <value>[unit]" such as "probe.p99 < 200ms", "load.rps >= 30", "probe.errorRate < 1%", or "verdict.event-loop-stall == clear".'),
    server: z
      .strictObject({
        command: z.string({ error: 'expected a command line like "uvicorn app:app --port {port}"' }).min(1, { error: 'expected a command line' })
          .describe('Command line (run by /bin/sh); {port} becomes a free loopback port.'),
        cwd: z.string().optional().describe('Working directory, relative to the scenario file.'),
        env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('Extra environment variables ({port} allowed).'),
        ready: z.string().startsWith('/', { error: 'expected a path starting with "/"' }).optional().describe('Path that answers once the server is ready (default "/"; any status below 500).'),
        readyTimeout: duration.optional().describe('How long to wait for it (default 20s).'),
      })
      .optional()
      .describe('A server wobbly starts before the run and stops after it (its whole process group).'),
  })
  .describe('A wobbly scenario.');

export type RawScenario = z.infer<typeof scenarioSchema>;
export type RawActor = z.infer<typeof actorSchema>;
export { PARAM_REF };

/** The JSON Schema for editors, generated from the zod schema above. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  // The loader validates after ${param} substitution; an editor sees the file before it.
  return { title: 'wobbly scenario', ...acceptPlaceholders(schema) };
}
