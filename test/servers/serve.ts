// How every test server starts: on loopback, announcing "listening on URL" for the test that
// spawned it, and stopping by itself if that test dies without stopping it.
import type { Server } from 'node:http';

export function serveOnLoopback(server: Server, port = 0): void {
  server.keepAliveTimeout = 30_000;
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    if (addr && typeof addr === 'object') process.stdout.write(`listening on http://127.0.0.1:${addr.port}\n`);
  });
  setInterval(() => {
    if (process.ppid === 1) process.exit(0);
  }, 500).unref();
}
