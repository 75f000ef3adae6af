// Units behind streams and head-of-line blocking: connection reuse per request, the per-stream
// identity tally, the verdict sentences from fixed facts, and the scenario rules for the new fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRequest } from '../src/net/exchange.js';
import { probeConnections } from '../src/net/connections.js';
import { parseTarget } from '../src/net/target.js';
import { IdentityTally, StreamIdentity, StreamStats } from '../src/metrics/stream-stats.js';
import { judgeThreadHopping } from '../src/verdicts/thread-hopping.js';
import { judgeHeadOfLineFacts } from '../src/verdicts/head-of-line.js';
import type { HeadOfLineFacts } from '../src/analysis/head-of-line.js';
import { parseScenario } from '../src/scenario/load.js';
import { ScenarioError } from '../src/scenario/problems.js';
import { getJson, stallServer } from './helpers.js';

test('each request knows whether it went out on a new or a reused connection', async () => {
  const server = await stallServer();
  const stop = new AbortController().signal;
  const origin = server.url;
  const target = parseTarget(origin);
  const connectionsSeen = async () => (await getJson<{ connections: number }>(`${origin}/stats`)).connections - 1; // minus /stats's own
  try {
    const sequence = async (mode: Parameters<typeof probeConnections>[1], n: number) => {
      const before = await connectionsSeen();
      const conns = probeConnections(target, mode);
      const request = prepareRequest(target, { path: '/live', method: 'GET', headers: {}, reset: conns.reset });
      const reused: (boolean | undefined)[] = [];
      for (let i = 0; i < n; i++) {
        const out = await conns.send(i, request, 2000, stop);
        assert.equal(out.status, 200);
        reused.push(out.reused);
      }
      conns.close();
      return { reused, opened: (await connectionsSeen()) - before };
    };
    // One request at a time: the pool keeps using the connection it opened first.
    assert.deepEqual(await sequence({ maxInFlight: 10 }, 6), { reused: [false, true, true, true, true, true], opened: 1 });
    assert.deepEqual(await sequence({ maxInFlight: 10, connection: 'new' }, 4), { reused: [false, false, false, false], opened: 4 });
    assert.deepEqual(await sequence({ maxInFlight: 10, connections: 2 }, 5), { reused: [false, false, true, true, true], opened: 2 });
  } finally {
    await server.stop();
  }
});

test('a request waiting for its turn on a fixed connection times out or stops on time, and is never sent then', async () => {
  const server = await stallServer();
  const target = parseTarget(server.url);
  const seen = async () => (await getJson<{ requests: number }>(`${server.url}/stats`)).requests;
  try {
    const conns = probeConnections(target, { maxInFlight: 10, connections: 1 });
    const slow = prepareRequest(target, { path: '/slow?ms=600', method: 'GET', headers: {} });
    const before = await seen();
    const began = performance.now();
    const first = conns.send(0, slow, 5000, new AbortController().signal);
    const waited = await conns.send(1, slow, 100, new AbortController().signal);
    const waitedMs = performance.now() - began;
    assert.equal(waited.error, 'timeout');
    // Its own timeout (100 ms, a timer's lateness on a busy machine aside), not the 600 ms request ahead of it.
    assert.ok(waitedMs >= 99 && waitedMs < 400, `timed out after ${waitedMs} ms`);
    const stopper = new AbortController();
    const third = conns.send(2, slow, 5000, stopper.signal);
    setTimeout(() => stopper.abort(), 50);
    assert.equal((await third).error, 'unfinished');
    assert.equal((await first).status, 200);
    conns.close();
    assert.equal((await seen()) - before, 1, 'only the first request reached the server');
  } finally {
    await server.stop();
  }
});

test('per-stream identities: distinct values, switches, the streams that hop', () => {
  const tally = new IdentityTally('thread');
  const stream = (values: string[]) => {
    const id = new StreamIdentity();
    for (const v of values) id.add(v);
    return id;
  };
  tally.add(0, stream(['a', 'a', 'a']));
  tally.add(1, stream(['a', 'b', 'a', 'c']));
  tally.add(2, stream(['b', 'b', 'c', 'c']));
  tally.add(3, stream(['x']));
  tally.add(4, undefined);
  assert.equal(tally.streams, 3);
  assert.equal(tally.tooShort, 2);
  assert.equal(tally.hopping, 2);
  assert.equal(tally.maxDistinct, 3);
  assert.equal(tally.switches, 4);
  assert.equal(tally.maxSwitches, 3);
  assert.deepEqual([...tally.distinctHistogram].sort(), [[1, 1], [2, 1], [3, 1]]);
  assert.deepEqual(tally.examples, [{ stream: 1, values: ['a', 'b', 'a', 'c'] }, { stream: 2, values: ['b', 'b', 'c', 'c'] }]);
});

test('stalled streams: the longest silence of each against the declared or default gap', () => {
  const stats = new StreamStats(undefined, 3);
  for (let i = 0; i < 300; i++) stats.finish(i, 'complete', undefined, { responded: true, events: 3, bytes: 10, longestSilenceMs: i === 7 ? 2500 : 100 }, undefined);
  stats.finish(300, 'failed', 'ECONNREFUSED', { responded: false, events: 0, bytes: 0, longestSilenceMs: 0 }, undefined);
  for (let i = 0; i < 10; i++) stats.gaps.record(50);
  assert.equal(stats.stallGapMs(undefined), 1000, 'max(1 s, 10 × the 50 ms median gap)');
  assert.deepEqual(stats.stalled(1000), { streams: 1, longestMs: 2500 });
  assert.deepEqual(stats.stalled(50), { streams: 300, longestMs: 2500 });
  assert.deepEqual([...stats.failedBy], [['ECONNREFUSED', 1]]);
  assert.equal(stats.bytes, 3000);
});

test('thread-hopping sentences: detected with the counts, clear with a word on concurrency', () => {
  const facts = {
    actor: 'streams', label: 'GET /stream/sync', field: 'thread', streams: 8, tooShort: 0, hoppingStreams: 3, maxDistinctPerStream: 4,
    maxSwitchesPerStream: 5, switches: 9, distinctPerStream: { '1': 5, '2': 2, '4': 1 }, examples: [{ stream: 2, values: ['1', '2'] }],
  };
  const [detected] = judgeThreadHopping({ windows: [], stalls: [], hopping: [facts] });
  assert.equal(detected!.status, 'detected');
  assert.equal(
    detected!.summary,
    '3 of 8 streams of GET /stream/sync were served by more than one thread (up to 4 threads per stream, 9 switches in all): a sync generator is iterated in the threadpool, one chunk per thread.',
  );
  assert.deepEqual([detected!.evidence.streams, detected!.evidence.hoppingStreams, detected!.evidence.maxDistinctPerStream], [8, 3, 4]);
  const [clear] = judgeThreadHopping({ windows: [], stalls: [], hopping: [{ ...facts, streams: 2, hoppingStreams: 0, maxDistinctPerStream: 1, switches: 0 }] });
  assert.equal(clear!.status, 'clear');
  assert.ok(clear!.summary.startsWith('Each of the 2 streams of GET /stream/sync was served by a single thread ') && clear!.summary.includes(' hopping shows under concurrency'), clear!.summary);
  const [none] = judgeThreadHopping({ windows: [], stalls: [], hopping: [{ ...facts, streams: 0, tooShort: 8, hoppingStreams: 0 }] });
  assert.equal(none!.status, 'inconclusive');
});

test('head-of-line sentences: two workers, keep-alive connections pinned to the busy one', () => {
  const g = (requests: number, delayed: number, maxDelayMs = 0) => ({ requests, delayed, maxDelayMs });
  const facts: HeadOfLineFacts = {
    field: 'pid',
    probes: { 'fast-new': 'GET /2', 'fast-keepalive': 'GET /2' },
    slow: [{ actor: 'slow', label: 'GET /1', sentMs: 1000, endMs: 2000, identity: '12832' }],
    exposed: 40,
    delayed: 10,
    maxDelayMs: 955,
    remainingAtMaxMs: 960,
    answeredAfterSlowEndMs: 4,
    byIdentity: { '12832': g(10, 10, 955), '12831': g(30, 0) },
    byConnection: { new: g(20, 0), reused: g(20, 10, 955), unknown: g(0, 0) },
    byProbe: { 'fast-new': { ...g(20, 0), thresholdMs: 100 }, 'fast-keepalive': { ...g(20, 10, 955), thresholdMs: 100 } },
    selfLagMs: 2,
  };
  const v = judgeHeadOfLineFacts(facts);
  assert.equal(v.status, 'detected');
  assert.equal(
    v.summary,
    '10 of 40 requests to GET /2 that overlapped GET /1 (slow) waited for it: up to 955 ms, about the 960 ms it still had to run (answered a median 4.0 ms after it finished). ' +
      'The delayed ones were answered by pid 12832, the worker that ran the slow request; pid 12831 answered its 30 at once. ' +
      'By connection: 10 of 20 on reused keep-alive connections waited, 0 of 20 on new connections. ' +
      'Keep-alive connections pinned to the busy worker waited although another worker was free.',
  );
  assert.deepEqual(v.evidence.byIdentity, { '12832': g(10, 10, 955), '12831': g(30, 0) });
  assert.equal(judgeHeadOfLineFacts({ ...facts, selfLagMs: 900 }).status, 'inconclusive');
  assert.equal(judgeHeadOfLineFacts({ ...facts, exposed: 0, delayed: 0 }).status, 'inconclusive');
});

test('scenario rules for streams and connections', () => {
  const problems = (actors: string) => {
    try {
      parseScenario(`name: t\ntarget: http://127.0.0.1:1\nduration: 2s\nactors:\n${actors}`, 't.yaml');
      return [];
    } catch (err) {
      if (err instanceof ScenarioError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
  };
  assert.deepEqual(problems(`  - { kind: stream, path: /s, extract: { t: { from: body, regex: x } } }\n`), ['actors[0].extract.t.from: a stream\'s body is its events: use from: event (or from: header)']);
  assert.deepEqual(problems(`  - { kind: probe, path: /p, rate: 1/s, extract: { t: { from: event, regex: x } } }\n`), ['actors[0].extract.t.from: from: event is for stream actors; this is a probe (use from: body or from: header)']);
  assert.deepEqual(problems(`  - { kind: stream, path: /s, identity: tid, extract: { thread: { from: event, regex: x } } }\n`), ['actors[0].identity: expected the name of a from: event extract field (thread), got "tid"']);
  assert.deepEqual(problems(`  - { kind: probe, path: /p, rate: 1/s, connection: new, connections: 2 }\n`), ['actors[0].connections: only with connection: keep-alive (connection: new opens one per request)']);
  assert.deepEqual(problems(`  - { kind: stream, path: /s, format: xml }\n`), ['actors[0].format: expected one of "sse", "lines", got "xml"']);
  const s = parseScenario(`name: t\ntarget: http://127.0.0.1:1\nduration: 5s\nactors:\n  - { kind: stream, path: /s, streams: 100, rampUp: 2s, at: 1s, events: 10, stallGap: 3s }\n`, 't.yaml');
  assert.deepEqual(s.actors[0], {
    kind: 'stream', name: 'stream', method: 'GET', path: '/s', headers: {}, body: undefined, extract: {}, timeoutMs: 60_000, atMs: 1000, streams: 100,
    format: 'sse', rampUpMs: 2000, events: 10, stallGapMs: 3000, identity: undefined,
  });
});
