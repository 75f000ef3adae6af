// The HTML report in a real browser (Debian's headless Chromium through playwright-core): reports
// of real runs against the Node test servers and of fixed fixtures open with no console error and
// no request, every chart is drawn with the series and points the result implies, markup from the
// server or the scenario stays text, and a screenshot of each report kind lands in the temp dir.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, startServer, stallServer, tempDir, type TestServer } from './helpers.js';
import { Browser, chartById, type OpenedReport } from './browser.js';
import { renderHtml } from '../src/report/html/index.js';
import type { RunResult } from '../src/result/types.js';
import { compareFixture, DOCTOR_SPARKS, doctorFixture, IMG_ID, loadsFixture, SCRIPT_ID, stallFixture } from './fixtures/html-results.js';
import type { DoctorReport } from '../src/doctor/report.js';

const dir = tempDir();
let browser: Browser;

before(async () => {
  browser = await Browser.launch();
});
after(async () => {
  await browser?.close();
});

/** Open a report: no console error, no request, every chart has a size and draws each series' points. */
async function open(file: string, shot: string, t: { diagnostic(m: string): void }): Promise<OpenedReport> {
  // No page renders beside the calm runs (Chromium is the heaviest work here).
  await calmRunsEnded();
  const png = join(dir, `${shot}.png`);
  const r = await browser.open(file, png);
  assert.deepEqual(r.consoleErrors, [], 'console errors');
  assert.deepEqual(r.requests, [], 'the report made requests');
  assert.ok(r.charts.length + r.sparks.length > 0, 'no chart');
  for (const c of r.charts) {
    assert.ok(c.width > 100 && c.height > 50, `${c.id} has no size: ${c.width}×${c.height}`);
    for (const s of c.series) assert.equal(s.drawn, s.points, `${c.id} / ${s.name}: drew ${s.drawn} of ${s.points}`);
  }
  for (const k of r.sparks) {
    assert.ok(k.width > 100 && k.height > 20, `sparkline ${k.kind} has no size: ${k.width}×${k.height}`);
    for (const s of k.series) assert.equal(s.drawn, s.points, `sparkline ${k.kind} / ${s.name}: drew ${s.drawn} of ${s.points}`);
  }
  assert.ok(existsSync(png));
  t.diagnostic(`screenshot: ${png}`);
  return r;
}

/** `wobbly run <fixture> --json --html --raw` against a test server of its own; the result and the files. */
async function runToFiles(server: () => Promise<TestServer>, fixture: string, name: string) {
  const target = await server();
  try {
    const html = join(dir, `${name}.html`);
    const json = join(dir, `${name}.json`);
    const raw = join(dir, `${name}.wob`);
    const run = await runCli(['run', join(ROOT, 'test/fixtures', fixture), '--target', target.url, '--json', json, '--html', html, '--raw', raw, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    return { result: JSON.parse(readFileSync(json, 'utf8')) as RunResult, html, json, raw };
  } finally {
    await target.stop();
  }
}

/** The same, and the page opened. */
async function runToHtml(server: () => Promise<TestServer>, fixture: string, name: string, t: { diagnostic(m: string): void }) {
  const run = await runToFiles(server, fixture, name);
  return { ...run, report: await open(run.html, name, t) };
}

/** `wobbly analyse RAW --html` recomputes every chart field from the saved run: the page the run wrote, byte for byte. */
async function assertAnalyseSamePage(raw: string, html: string, name: string, t: { diagnostic(m: string): void }): Promise<OpenedReport> {
  const again = join(dir, `${name}-analysed.html`);
  const r = await runCli(['analyse', raw, '--html', again, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(again, 'utf8'), readFileSync(html, 'utf8'));
  return open(again, `${name}-analysed`, t);
}

const nodeServer = (script: string) => () => startServer(join(ROOT, 'dist/test/servers', script));

/**
 * The real runs that need a calm CPU, each on its own server, started by whichever test asks first.
 * The stall and load runs go first, side by side: the stall threshold is 10 × the probe's p99
 * while calibrating and the verdict weighs wobbly's own loop lag; the first wave and the sweep are
 * timings. Both wait on timers and a blocking sleep (~0.7 s of CPU in 5 s). The doctor follows
 * them: it shares its 8 s budget by the overheads it measures (beside the pages it left /heavy
 * 735 ms of its 1000), and its start, a survey of short runs, is busy (with it beside the stall
 * run's calibration the threshold rose to 325–559 ms, and once no stall was found). Every page
 * (open) waits until all three have ended.
 */
let stallRun: ReturnType<typeof runToFiles> | undefined;
let loadRun: ReturnType<typeof runToFiles> | undefined;
let doctorRun: ReturnType<typeof doctorToFiles> | undefined;
const stallMeasured = () => (stallRun ??= runToFiles(stallServer, 'stall.yaml', 'stall-run'));
const loadMeasured = () => (loadRun ??= runToFiles(nodeServer('pool-server.js'), 'html-load.yaml', 'load-run'));
const stallAndLoadEnded = () => Promise.allSettled([stallMeasured(), loadMeasured()]);
const doctorMeasured = () => (doctorRun ??= stallAndLoadEnded().then(doctorToFiles));
const calmRunsEnded = () => Promise.allSettled([stallAndLoadEnded(), doctorMeasured()]);

/** `wobbly doctor` against the stall server: its JSON and HTML. */
async function doctorToFiles() {
  const server = await stallServer();
  try {
    const html = join(dir, 'doctor-run.html');
    const json = join(dir, 'doctor-run.json');
    const run = await runCli(['doctor', server.url, '--paths', '/live,/heavy', '--budget', '8s', '--json', json, '--html', html, '--quiet'], { timeoutMs: 60_000 });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    return { html, json };
  } finally {
    await server.stop();
  }
}

const seriesOf = (r: OpenedReport, id: string) => chartById(r, id).series.map((s) => [s.name, s.drawn] as const);
const total = (r: OpenedReport, id: string) => chartById(r, id).series.reduce((n, s) => n + s.drawn, 0);

// Side by side: every test has its own files and servers. At the start four CLIs begin (stall,
// load, demo, compare: a CLI start is ~0.1 s of CPU); the demo and compare runs are sleep-bound
// (pools, streams), their pages checked against their own JSON only, so they go on beside all the
// rest. The markup run (also sleep-bound, checked for its identities and text) goes beside the
// doctor. After the calm runs the pages (tabs of the one Chromium, at nice 10) and the report and
// analyse runs go side by side: none asserts a time or a verdict a busy CPU could change.
describe('HTML reports', { concurrency: true }, () => {
  test('fixed fixtures: every chart kind with the series and points the result holds', async (t) => {
    const file = join(dir, 'fixtures.html');
    writeFileSync(file, renderHtml({ kind: 'runs', title: 'fixtures', runs: [{ title: 'stall', result: stallFixture() }, { title: 'loads', result: loadsFixture() }] }));
    const r = await open(file, 'fixtures-runs', t);
    assert.equal(r.sections, 2);
    // Stall: 6 buckets, 5 with answers; 10 answered points in two identity colours; a stall and the heavy request shaded.
    assert.deepEqual(seriesOf(r, 's0/timeline-rate:probe'), [['answers/s', 6]]);
    assert.deepEqual(seriesOf(r, 's0/timeline-latency:probe'), [['p50', 5], ['max', 5]]);
    assert.deepEqual(chartById(r, 's0/timeline-rate:probe').bands.sort(), ['inflight', 'stall']);
    assert.deepEqual(seriesOf(r, 's0/requests:probe'), [[`who ${SCRIPT_ID}`, 5], [`who ${IMG_ID}`, 5]]);
    assert.deepEqual(seriesOf(r, 's0/distribution'), [['probe', 5], ['heavy', 2]]);
    // Loads: 7 of 8 first requests answered (+ the S line); 4 sweep steps and the knee; 3 lanes × 4 events in 3 identities.
    assert.deepEqual(seriesOf(r, 's1/first-wave:load'), [['first requests', 7], ['S unloaded (100 ms)', 2]]);
    assert.deepEqual(seriesOf(r, 's1/sweep-throughput:sweep'), [['throughput', 4], ['throughput', 4]]);
    assert.deepEqual(seriesOf(r, 's1/sweep-concurrency:sweep'), [['C measured', 4], ['C measured', 4], ['C = N (no limit)', 4]]);
    assert.deepEqual(chartById(r, 's1/sweep-concurrency:sweep').markers, ['knee: limit ≈ 4']);
    assert.deepEqual(chartById(r, 's1/timeline-rate:sweep').markers, ['N=1', 'N=2', 'N=4', 'N=8']);
    assert.deepEqual(seriesOf(r, 's1/histogram:load'), [['answers', 10]]);
    assert.equal(total(r, 's1/lanes:streams'), 12);
    assert.equal(chartById(r, 's1/lanes:streams').series.length, 3);
    // Head-of-line: 2 identities + new + reused connections (unknown had none).
    assert.deepEqual(seriesOf(r, 's1/hol-counts'), [['overlapped', 4], ['waited (delayed)', 4]]);
    assert.deepEqual(seriesOf(r, 's1/hol-delay'), [['max delay', 4]]);
    assert.deepEqual(r.cards, [{ id: 'event-loop-stall', status: 'detected' }, { id: 'head-of-line-blocking', status: 'detected' }]);

    const cmp = join(dir, 'compare-fixture.html');
    writeFileSync(cmp, renderHtml({ kind: 'compare', compare: compareFixture() }));
    const c = await open(cmp, 'fixtures-compare', t);
    assert.deepEqual(seriesOf(c, 'compare-throughput'), [['throughput', 2], ['recommended', 1]]);
    assert.deepEqual(seriesOf(c, 'compare-latency'), [['p50', 3], ['p99', 3]]);
    assert.deepEqual(seriesOf(c, 'compare-concurrency'), [['C', 3]]);
  });

  test('markup in the scenario, the verdicts and the identities (a fixture) is shown as text and never runs', async (t) => {
    const file = join(dir, 'markup-fixture.html');
    writeFileSync(file, renderHtml({ kind: 'run', result: stallFixture() }));
    const r = await open(file, 'markup-fixture', t);
    assert.equal(r.pwned, undefined, 'a script from the data ran');
    for (const text of [`fixture ${SCRIPT_ID}`, IMG_ID, `note=${SCRIPT_ID}`, '<b>bold?</b>']) assert.ok(r.text.includes(text), `"${text}" is not shown as text`);
  });

  test('markup from a real server (its JSON bodies and SSE events) is shown as text and never runs', async (t) => {
    await stallAndLoadEnded();
    const { result, report: real, raw, html } = await runToHtml(nodeServer('markup-server.js'), 'html-markup.yaml', 'markup-run', t);
    assert.deepEqual(Object.keys(result.actors.probe!.identities.who!).sort(), [SCRIPT_ID, IMG_ID].sort(), 'the server sent the markup');
    assert.equal(real.pwned, undefined, 'a script from the server ran');
    assert.ok(real.text.includes('<script>alert(1)</script>'), 'scenario description shown as text');
    const lanes = chartById(real, 'lanes:streams').series.map((s) => s.name).sort();
    assert.deepEqual(lanes, ['who <b onmouseover="window.__pwned=3">0</b>', 'who <b onmouseover="window.__pwned=3">1</b>']);

    // The stream lanes travel in the saved run: `analyse --html` draws the same swimlanes.
    assert.ok(result.actors.streams!.stream!.lanes!.lanes.length > 0);
    const analysed = await assertAnalyseSamePage(raw, html, 'markup-run', t);
    assert.deepEqual(seriesOf(analysed, 'lanes:streams'), seriesOf(real, 'lanes:streams'));
    assert.equal(analysed.pwned, undefined, 'a script from the server ran');
  });

  test('a real stall run: timelines with the heavy request shaded and the stall marked, each probe request drawn', async (t) => {
    const { result, html, json, raw } = await stallMeasured();
    const r = await open(html, 'stall-run', t);
    const probe = result.actors.probe!;
    assert.equal(total(r, 'timeline-rate:probe'), probe.timeline.length);
    assert.deepEqual(seriesOf(r, 'timeline-latency:probe').map(([, n]) => n), [2, 2].map(() => probe.timeline.filter((b) => b.count > 0).length));
    assert.equal(total(r, 'requests:probe'), probe.points!.filter((p) => p.ms !== null).length);
    assert.equal(total(r, 'requests:probe'), probe.summary.requests, 'every probe request is a point (fewer than the cap)');
    const stalls = (result.verdicts.find((v) => v.id === 'event-loop-stall')!.evidence as { stalls: unknown[] }).stalls.length;
    assert.ok(stalls >= 1);
    assert.deepEqual(chartById(r, 'requests:probe').bands.sort(), [...Array(stalls).fill('stall'), 'inflight'].sort());
    assert.deepEqual(seriesOf(r, 'distribution'), [['probe', probe.latencyDistribution!.length], ['heavy', result.actors.heavy!.latencyDistribution!.length]]);
    assert.deepEqual(r.cards.find((c) => c.id === 'event-loop-stall'), { id: 'event-loop-stall', status: 'detected' });

    // `wobbly report --html` renders the same page from the saved JSON.
    const again = join(dir, 'stall-again.html');
    const rep = await runCli(['report', json, '--html', again]);
    assert.equal(rep.code, 0, rep.stderr);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(html, 'utf8'));

    // `wobbly analyse --html` recomputes the probe's points, the distribution and what was in flight from the saved run.
    assert.ok(result.inFlight!.length > 0);
    const analysed = await assertAnalyseSamePage(raw, html, 'stall-run', t);
    assert.deepEqual(seriesOf(analysed, 'requests:probe'), seriesOf(r, 'requests:probe'));
    assert.deepEqual(chartById(analysed, 'requests:probe').bands, chartById(r, 'requests:probe').bands);
  });

  test('a real load and sweep: the first wave (at most 4 early, a pool of 4), the sweep against N with its steps and knee', async (t) => {
    const { result, raw, html } = await loadMeasured();
    const r = await open(html, 'load-run', t);
    const wave = result.actors.load!.load!.concurrency.firstWave;
    assert.equal(wave.answerMs!.length, 8);
    // A pool of 4 slots of 100 ms: every answer takes at least 100 ms, and at most 4 come before
    // 200 ms (a second-wave request waits for a slot first). A busy machine only delays answers.
    const answers = wave.answerMs!.map((x) => x ?? Infinity);
    assert.deepEqual(answers, [...answers].sort((a, b) => a - b), 'ascending');
    assert.ok(answers[0]! >= 99 && answers.filter((x) => x < 200).length <= 4, JSON.stringify(wave));
    assert.deepEqual(seriesOf(r, 'first-wave:load')[0], ['first requests', 8]);
    assert.deepEqual(seriesOf(r, 'histogram:load'), [['answers', result.actors.load!.latencyHistogram!.length]]);
    assert.equal(chartById(r, 'timeline-rate:sweep').markers.length, result.actors.sweep!.sweep!.steps.length);
    const steps = result.actors.sweep!.sweep!.steps.length;
    assert.deepEqual(seriesOf(r, 'sweep-throughput:sweep').map(([, n]) => n), [steps, steps]);
    const knee = result.actors.sweep!.sweep!.knee;
    assert.deepEqual(chartById(r, 'sweep-concurrency:sweep').markers, knee ? [`knee: limit ≈ ${knee.limit}`] : []);

    // From the saved run: the first wave (from the phases), the histogram (from the HDR data) and the step marks.
    const analysed = await assertAnalyseSamePage(raw, html, 'load-run', t);
    for (const id of ['first-wave:load', 'histogram:load', 'sweep-throughput:sweep']) assert.deepEqual(seriesOf(analysed, id), seriesOf(r, id), id);
    assert.deepEqual(chartById(analysed, 'timeline-rate:sweep').markers, chartById(r, 'timeline-rate:sweep').markers);
  });

  test('demo --html: one page, a section per scenario, swimlanes with every kept event, head-of-line groups', async (t) => {
    const html = join(dir, 'demo.html');
    const jsonDir = join(dir, 'demo-json');
    const run = await runCli(['demo', '--only', 'stream-thread-identity,head-of-line', '--html', html, '--json-dir', jsonDir, '--quiet'], { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const r = await open(html, 'demo', t);
    assert.equal(r.sections, 4);
    const streams = JSON.parse(readFileSync(join(jsonDir, 'stream-thread-identity.json'), 'utf8')) as RunResult;
    const lanes = streams.actors.streams!.stream!.lanes!;
    assert.equal(lanes.lanes.length, 8);
    assert.equal(total(r, 's0/lanes:streams'), lanes.lanes.reduce((n, l) => n + l.events.length, 0));
    const threads = new Set(lanes.lanes.flatMap((l) => l.events.map((e) => e.id)));
    assert.equal(chartById(r, 's0/lanes:streams').series.length, Math.min(threads.size, 8));
    const hol = JSON.parse(readFileSync(join(jsonDir, 'head-of-line--2-workers.json'), 'utf8')) as RunResult;
    const e = hol.verdicts.find((v) => v.id === 'head-of-line-blocking')!.evidence as { byIdentity: object; byConnection: Record<string, { requests: number }> };
    const groups = Object.keys(e.byIdentity).length + Object.values(e.byConnection).filter((g) => g.requests > 0).length;
    assert.deepEqual(seriesOf(r, 's3/hol-counts').map(([, n]) => n), [groups, groups]);
  });

  test('compare --html: the matrix as charts, one bar per setting, the recommended one apart', async (t) => {
    const html = join(dir, 'compare.html');
    const json = join(dir, 'compare.json');
    const run = await runCli(['compare', join(ROOT, 'test/fixtures/compare-pool.yaml'), '--vary', 'DEMO_POOL=2,8', '--html', html, '--json', json, '--quiet'], { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(readFileSync(json, 'utf8')) as { rows: unknown[]; recommended: { label: string } | null };
    const r = await open(html, 'compare-run', t);
    assert.equal(total(r, 'compare-throughput'), out.rows.length);
    assert.deepEqual(chartById(r, 'compare-throughput').series.find((s) => s.name === 'recommended')?.drawn, out.recommended ? 1 : 0);
    assert.equal(r.sections, 1 + out.rows.length);
    const again = join(dir, 'compare-again.html');
    const rep = await runCli(['report', json, '--html', again]);
    assert.equal(rep.code, 0, rep.stderr);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(html, 'utf8'));
  });

  test('doctor: the ranked table with a sparkline per measurement; markup from the service stays text', async (t) => {
    const file = join(dir, 'doctor-fixture.html');
    writeFileSync(file, renderHtml({ kind: 'doctor', doctor: doctorFixture() }));
    const r = await open(file, 'doctor-fixture', t);
    assert.deepEqual(r.rows, [{ rank: 1, category: 'stalls-loop' }, { rank: 2, category: 'pool-limited' }, { rank: 3, category: 'healthy' }]);
    assert.deepEqual(r.sparks.map((k) => [k.kind, k.series[0]!.drawn, k.series[1]!.drawn]), DOCTOR_SPARKS);
    assert.equal(r.pwned, undefined, 'a script from the data ran');
    for (const text of [`shop ${SCRIPT_ID}`, `/items/${IMG_ID}`, `/orders/${IMG_ID}`]) assert.ok(r.text.includes(text), `"${text}" is not shown as text`);

    // A real doctor run against the stall server: one row per path, the stall's probe trace drawn
    // point for point, and `report --html` of its JSON is the same page.
    const { html, json } = await doctorMeasured();
    const report = JSON.parse(readFileSync(json, 'utf8')) as DoctorReport;
    const real = await open(html, 'doctor-run', t);
    assert.deepEqual(real.rows, report.endpoints.map((e) => ({ rank: e.rank, category: e.category })));
    const traces = report.endpoints.flatMap((e) => [
      ...(e.loopBlock?.probeTraceMs ? [['probe', e.loopBlock.probeTraceMs.filter((v) => v !== null).length] as const] : []),
      ...(e.concurrency?.firstWaveMs ? [['first-wave', e.concurrency.firstWaveMs.filter((v) => v !== null).length] as const] : []),
    ]);
    const heavy = report.endpoints.find((e) => e.path === '/heavy')!;
    assert.ok(heavy.loopBlock?.probeTraceMs && heavy.loopBlock.probeTraceMs.length > 0, JSON.stringify(heavy));
    assert.deepEqual(real.sparks.map((k) => [k.kind, k.series[0]!.drawn]), traces);
    const again = join(dir, 'doctor-again.html');
    const rep = await runCli(['report', json, '--html', again]);
    assert.equal(rep.code, 0, rep.stderr);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(html, 'utf8'));
  });
});
