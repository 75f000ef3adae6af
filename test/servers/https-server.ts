// An HTTPS test server for `--server` runs: node https-server.js PORT KEY CERT. Answers "ok" on
// every path; stops by itself when the test that started it dies.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [port, key, cert] = process.argv.slice(2);
const server = createServer({ key: readFileSync(key!), cert: readFileSync(cert!) }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
});
server.listen(Number(port), '127.0.0.1');
setInterval(() => {
  if (process.ppid === 1) process.exit(0);
}, 500).unref();
