// Starting the scenario's server (if it has one) on a free loopback port, and the target that
// goes with it. Stopping is the caller's `finally`: `await launched.server?.stop()`.
import type { Scenario, ServerSpec } from '../types.js';
import { ChildServer, ServerStartInterrupted } from './child-server.js';
import { freePort } from './free-port.js';
import type { TlsTrust } from '../net/tls.js';

export interface ServerOverrides {
  /** --server "CMD": replaces (or supplies) the scenario's server command. */
  command?: string;
  /** --server-env / compare's --vary: added to the server's environment. */
  env?: Record<string, string>;
  readyPath?: string;
  /** The target came from --target: keep it as it is. */
  explicitTarget?: boolean;
  /** Ctrl-C / SIGTERM: stop waiting for the server (it is stopped) and run nothing. */
  interrupt?: AbortSignal;
  /** --ca / --insecure: an https:// server's readiness check trusts what the run trusts. */
  tls?: TlsTrust;
}

export interface LaunchedTarget {
  scenario: Scenario;
  server?: ChildServer;
  port?: number;
  command?: string;
  /** Interrupted while the server started: it is stopped again (this was its pid), the run sends nothing. */
  interrupted?: { pid?: number };
}

export function serverSpecOf(scenario: Scenario, overrides: ServerOverrides = {}): ServerSpec | undefined {
  const base = scenario.server;
  const command = overrides.command ?? base?.command;
  if (!command) return undefined;
  return {
    command,
    cwd: base?.cwd,
    env: { ...(base?.paramEnv ?? {}), ...(base?.env ?? {}), ...(overrides.env ?? {}) },
    readyPath: overrides.readyPath ?? base?.readyPath ?? '/',
    readyTimeoutMs: base?.readyTimeoutMs ?? 20_000,
  };
}

export async function launchTarget(scenario: Scenario, overrides: ServerOverrides = {}): Promise<LaunchedTarget> {
  const spec = serverSpecOf(scenario, overrides);
  if (!spec) return { scenario };
  const port = await freePort();
  const fill = (s: string) => s.replaceAll('{port}', String(port));
  // A scenario written for a fixed address, run with --server: the server's free port wins.
  const base = !scenario.server && !overrides.explicitTarget && !scenario.target.includes('{port}')
    ? `http://127.0.0.1:{port}${new URL(scenario.target).pathname.replace(/\/+$/, '')}`
    : scenario.target;
  const target = fill(base);
  const command = fill(spec.command);
  try {
    const server = await ChildServer.start({
      command,
      shell: true,
      cwd: spec.cwd,
      env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, fill(v)])),
      readyUrl: new URL(target).origin + spec.readyPath,
      readyTimeoutMs: spec.readyTimeoutMs,
      signal: overrides.interrupt,
      ...(overrides.tls ? { tls: overrides.tls } : {}),
    });
    return { scenario: { ...scenario, target }, server, port, command };
  } catch (err) {
    if (err instanceof ServerStartInterrupted) return { scenario: { ...scenario, target }, port, command, interrupted: { pid: err.pid } };
    throw err;
  }
}
