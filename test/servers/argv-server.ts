// Test target: writes its own argv (after the port and the file) as JSON to a file, then answers
// every request with 200. Usage: node dist/test/servers/argv-server.js PORT FILE ARGS...
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file, ...rest] = process.argv.slice(2);
writeFileSync(file!, JSON.stringify(rest));
createServer((_req, res) => res.end('ok')).listen(Number(port), '127.0.0.1');
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 500).unref();
