// Headless Chromium (Debian's package, no browser download) driven by playwright-core: open a
// report, record console errors and every request, read the charts back from the DOM, screenshot.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface DrawnSeries {
  name: string;
  kind: string;
  /** data-points: the points the renderer meant to draw. */
  points: number;
  /** What the browser has: marks (dots, bars, ticks) or polyline vertices. */
  drawn: number;
}

export interface DrawnChart {
  id: string;
  width: number;
  height: number;
  series: DrawnSeries[];
  bands: string[];
  markers: string[];
}

export interface OpenedReport {
  charts: DrawnChart[];
  consoleErrors: string[];
  /** Requests other than the report file itself. */
  requests: string[];
  /** Text of the page (what a reader sees). */
  text: string;
  /** Whether a script from the data ran (window.__pwned set). */
  pwned: unknown;
  cards: { id: string; status: string }[];
  sections: number;
  /** The doctor's sparklines (svg.spark), in page order, with their series. */
  sparks: { kind: string; width: number; height: number; series: DrawnSeries[] }[];
  /** The doctor's table rows: rank and category. */
  rows: { rank: number; category: string }[];
}

/** Reads the charts, the verdict cards and the text back from the DOM. */
const READ_PAGE = `(() => {
  const seriesOf = (root) => [...root.querySelectorAll('g.series')].map((g) => {
    const line = g.querySelector('polyline');
    const drawn = line ? (line.getAttribute('points') || '').trim().split(/\\s+/).filter(Boolean).length : g.querySelectorAll('.mark').length;
    return { name: g.getAttribute('data-series'), kind: g.getAttribute('data-kind'), points: Number(g.getAttribute('data-points')), drawn };
  });
  return {
  charts: [...document.querySelectorAll('figure.chart')].map((f) => {
    const svg = f.querySelector('svg').getBoundingClientRect();
    return {
      id: f.getAttribute('data-chart'),
      width: svg.width,
      height: svg.height,
      series: seriesOf(f),
      bands: [...f.querySelectorAll('rect.band')].map((b) => b.getAttribute('data-band')),
      markers: [...f.querySelectorAll('g.marker')].map((m) => m.getAttribute('data-marker')),
    };
  }),
  cards: [...document.querySelectorAll('article.card')].map((c) => ({ id: c.getAttribute('data-verdict'), status: c.getAttribute('data-status') })),
  sections: document.querySelectorAll('section.run').length,
  sparks: [...document.querySelectorAll('svg.spark')].map((s) => {
    const box = s.getBoundingClientRect();
    return { kind: s.getAttribute('data-spark'), width: box.width, height: box.height, series: seriesOf(s) };
  }),
  rows: [...document.querySelectorAll('tr.endpoint')].map((r) => ({ rank: Number(r.getAttribute('data-rank')), category: r.getAttribute('data-category') })),
  text: document.body.innerText,
  pwned: window.__pwned,
  };
})()`;

export class Browser {
  private constructor(
    private readonly ctx: BrowserContext,
    private readonly profile: string,
  ) {}

  /** Fails (does not skip) without Chromium: the HTML tests need a real browser. */
  static async launch(): Promise<Browser> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the HTML report tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
    const profile = mkdtempSync(join(tmpdir(), 'wobbly-chromium-'));
    // Chromium at a lower priority (nice 10, and every process it starts): its rendering bursts
    // must not take the CPU from the measured runs of the test files beside this one.
    const niced = join(profile, 'chromium-niced.sh');
    writeFileSync(niced, `#!/bin/sh\nexec nice -n 10 ${CHROMIUM} "$@"\n`, { mode: 0o755 });
    const ctx = await chromium.launchPersistentContext(join(profile, 'data'), {
      executablePath: niced,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
    return new Browser(ctx, profile);
  }

  async open(file: string, screenshot?: string): Promise<OpenedReport> {
    const page = await this.ctx.newPage();
    const url = pathToFileURL(file).href;
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    // Page-side code as a string: the project compiles without the DOM library.
    const read = (await page.evaluate(READ_PAGE)) as Omit<OpenedReport, 'consoleErrors' | 'requests'>;
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return { ...read, consoleErrors, requests };
  }

  async close(): Promise<void> {
    await this.ctx.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** The chart with this id, or a failure that lists the ids there are. */
export function chartById(r: OpenedReport, id: string): DrawnChart {
  const c = r.charts.find((x) => x.id === id);
  if (!c) throw new Error(`no chart ${id}; the page has: ${r.charts.map((x) => x.id).join(', ')}`);
  return c;
}
