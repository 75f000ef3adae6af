// The load generators `npm run bench` compares, each run as its own process under GNU time
// (Debian's `time` package) so that its CPU time (user + sys) and peak RSS come from the
// kernel's rusage of that process (wait4), the same way for a Node tool as for a C or Go one.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/helpers.js';
import type { RunResult } from '../src/result/types.js';

export const GNU_TIME = '/usr/bin/time';

export interface RoundFigures {
  requests: number;
  reqPerSec: number;
  /** The generator process's user + sys CPU seconds, and its peak RSS in bytes. */
  cpuSec: number;
  userSec: number;
  sysSec: number;
  peakRssBytes: number;
}

export interface Generator {
  name: string;
  /** Why it cannot run here (not installed, with the install line), or undefined. */
  missing(): string | undefined;
  run(url: string, o: { connections: number; seconds: number; dir: string }): Promise<RoundFigures>;
}

/** Runs cmd under GNU time; resolves with its stdout and rusage. */
function timed(cmd: string, args: string[], dir: string): Promise<{ out: string; userSec: number; sysSec: number; peakRssBytes: number }> {
  const usage = join(dir, 'rusage.txt');
  return new Promise((resolve, reject) => {
    const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', usage, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${(err || out).trim().split('\n').slice(-3).join(' / ')}`));
      const [user, sys, maxKb] = readFileSync(usage, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ out, userSec: user!, sysSec: sys!, peakRssBytes: maxKb! * 1024 });
    });
  });
}

function figures(t: { userSec: number; sysSec: number; peakRssBytes: number }, requests: number, reqPerSec: number): RoundFigures {
  if (!(requests > 0)) throw new Error('no request counted');
  return { requests, reqPerSec, cpuSec: t.userSec + t.sysSec, userSec: t.userSec, sysSec: t.sysSec, peakRssBytes: t.peakRssBytes };
}

function commandMissing(cmd: string, args: string[], install: string): string | undefined {
  return spawnSync(cmd, args, { stdio: 'ignore' }).error ? `${cmd} not installed (${install})` : undefined;
}

/** wobbly's load actor, `workers` threads; its whole process counts (start-up and report included). */
export function wobbly(workers: number): Generator {
  return {
    name: workers === 1 ? 'wobbly' : `wobbly w${workers}`,
    missing: () => undefined,
    async run(url, o) {
      const scenario = join(o.dir, `bench-load-${workers}.yaml`);
      writeFileSync(
        scenario,
        `name: bench\nduration: ${o.seconds}s\nactors:\n  - { name: load, kind: load, path: /live, connections: ${o.connections}, workers: ${workers}, calibrate: 0 }\n`,
      );
      const json = join(o.dir, 'bench-load.json');
      const t = await timed(process.execPath, [join(ROOT, 'bin/wobbly.js'), 'run', scenario, '--target', url, '--json', json, '--quiet'], o.dir);
      const load = (JSON.parse(readFileSync(json, 'utf8')) as RunResult).actors.load!.load!;
      if (load.failed) throw new Error(`${load.failed} requests failed: ${JSON.stringify(load.failureReasons)}`);
      return figures(t, load.complete, load.requestsPerSec);
    },
  };
}

export const autocannon: Generator = {
  name: 'autocannon',
  missing: () => undefined,
  async run(url, o) {
    const bin = join(ROOT, 'node_modules/autocannon/autocannon.js');
    const t = await timed(process.execPath, [bin, '-c', String(o.connections), '-d', String(o.seconds), '-j', `${url}/live`], o.dir);
    const j = JSON.parse(t.out) as { requests: { total: number }; duration: number; errors: number; non2xx: number };
    if (j.errors || j.non2xx) throw new Error(`${j.errors} errors, ${j.non2xx} non-2xx`);
    return figures(t, j.requests.total, j.requests.total / j.duration);
  },
};

export const wrk: Generator = {
  name: 'wrk -t1',
  missing: () => commandMissing('wrk', ['--version'], 'apt-get install -y wrk'),
  async run(url, o) {
    const t = await timed('wrk', ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, `${url}/live`], o.dir);
    const requests = Number(/(\d+) requests in/.exec(t.out)?.[1]);
    if (/Non-2xx|Socket errors/.test(t.out)) throw new Error(t.out.trim().split('\n').slice(-4).join(' / '));
    return figures(t, requests, Number(/Requests\/sec:\s*([\d.]+)/.exec(t.out)?.[1]));
  },
};

export const hey: Generator = {
  name: 'hey',
  missing: () => commandMissing('hey', [], 'apt-get install -y hey'),
  async run(url, o) {
    const t = await timed('hey', ['-c', String(o.connections), '-z', `${o.seconds}s`, `${url}/live`], o.dir);
    const ok = Number(/\[200\]\s+(\d+) responses/.exec(t.out)?.[1]);
    const all = [...t.out.matchAll(/\[(\d+)\]\s+(\d+) responses/g)].reduce((n, m) => n + Number(m[2]), 0);
    if (all !== ok || /Error distribution/.test(t.out)) throw new Error(`hey: ${all - ok} non-200 answers or errors`);
    return figures(t, ok, Number(/Requests\/sec:\s*([\d.]+)/.exec(t.out)?.[1]));
  },
};

export function timeMissing(): string | undefined {
  return spawnSync(GNU_TIME, ['-f', '%U', 'true'], { stdio: 'ignore' }).status === 0 ? undefined : `${GNU_TIME} (GNU time) not installed (apt-get install -y time)`;
}
