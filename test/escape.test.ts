// The trust boundary and the per-format escapes, on fixed hostile strings; the shell-safe params
// and the output-path checker on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync, readFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { escapeControls, githubData, githubProperty, htmlAttr, htmlText, markdownCode, markdownText, terminalText, xmlAttr, xmlText } from '../src/report/escape.js';
import { serverText } from '../src/protocols/server-text.js';
import { faultKind, faultName } from '../src/protocols/faults.js';
import { quoteParamsInCommand } from '../src/server/command-params.js';
import { outputPathProblem, writeFileAtomic } from '../src/report/write-file.js';
import { tempDir } from './helpers.js';
import { verdictBlock } from '../src/report/terminal.js';
import type { Verdict } from '../src/types.js';

const NASTY = '\u001b[2J\u001b]0;t\u0007\u0000\u009b\u202e\u2028x\n::error::y\r\n![i](http://e/x.png)<b>&|`\\';

test('escapeControls: every control visible, printable text (and emoji) unchanged', () => {
  assert.equal(escapeControls(NASTY), '\\x1b[2J\\x1b]0;t\\x07\\x00\\x9b\\u202e\\u2028x\\n::error::y\\r\\n![i](http://e/x.png)<b>&|`\\');
  assert.equal(escapeControls('pid 123 🐍 é'), 'pid 123 🐍 é');
  assert.equal(escapeControls('lone \ud800 end'), 'lone \\ud800 end');
  assert.equal(escapeControls('a\tb\nc', '\t'), 'a\tb\\nc');
  assert.equal(terminalText('\u001b[31mred'), '\\x1b[31mred');
});

test('serverText: escaped, then cut with a note of the original length; never splits a surrogate pair', () => {
  assert.equal(serverText('ok'), 'ok');
  assert.equal(serverText('x'.repeat(300)), `${'x'.repeat(200)}…(cut, 300 chars)`);
  assert.equal(serverText(`${'x'.repeat(199)}🐍tail`), `${'x'.repeat(199)}…(cut, 205 chars)`);
  const huge = serverText('\u0000'.repeat(1e6));
  assert.ok(huge.length < 260 && huge.startsWith('\\x00'), huge.slice(0, 40));
});

test('GitHub workflow commands: one line whatever the text; properties escape : and ,', () => {
  const data = githubData(NASTY);
  assert.equal(data.includes('\n') || data.includes('\r'), false);
  assert.match(data, /^\\x1b\[2J\\x1b\]0;t\\x07\\x00\\x9b\\u202e\\u2028x%0A::error::y%0D%0A/);
  assert.equal(githubProperty('a: b, 100%'), 'a%3A b%2C 100%25');
});

test('Markdown: no HTML, no image or link, no table break, no raw control (line separators are spaces); code spans keep text', () => {
  const md = markdownText(NASTY);
  assert.equal(md, '\\\\x1b[2J\\\\x1b]0;t\\\\x07\\\\x00\\\\x9b\\\\u202e x ::error::y !\\[i]\\(http://e/x.png)&lt;b&gt;&amp;\\|`\\\\');
  assert.doesNotMatch(md, /!\[|\]\(|<|\n/);
  assert.equal(markdownText('a\\|b'), 'a\\\\\\|b', 'a backslash cannot un-escape the pipe');
  assert.equal(markdownCode('GET /a|b'), '`GET /a\\|b`');
  assert.equal(markdownCode('a`b'), 'a`b');
});

test('XML and HTML', () => {
  assert.equal(xmlText('a\u0000<b>&\u001b'), 'a\uFFFD&lt;b&gt;&amp;\uFFFD');
  assert.equal(xmlAttr('"\'\n'), '&quot;&apos;&#10;');
  assert.equal(htmlText('<script>\u001b'), '&lt;script&gt;\\x1b');
  assert.equal(htmlAttr('" onload=\'x\' `'), '&quot; onload=&#39;x&#39; &#96;');
});

test('faults are named by kind', () => {
  assert.equal(faultName(undefined, 'HTTPParserError', 'Response does not match the HTTP/1.1 protocol (Missing expected CR after response line)'), 'malformed HTTP (Missing expected CR after response line)');
  assert.equal(faultName('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS error (ERR_SSL_WRONG_VERSION_NUMBER)');
  assert.equal(faultName('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS error (DEPTH_ZERO_SELF_SIGNED_CERT)');
  assert.equal(faultName('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'malformed HTTP (content-length mismatch)');
  assert.equal(faultName(undefined, 'Error', 'bad\u001b[2J'), 'bad\\x1b[2J');
  assert.deepEqual(['ECONNREFUSED', 'ECONNRESET', 'connection closed', 'malformed HTTP (x)', 'TLS error (y)', 'timeout', 'EPIPE?'].map(faultKind), ['refused', 'reset', 'reset', 'malformed-http', 'tls', 'timeout', 'other']);
});

test('params in a server command: /bin/sh expands them as variables and never runs them', () => {
  const dir = tempDir();
  const marker = join(dir, 'ran');
  const value = `a b; touch ${marker}; $(touch ${marker}) \`touch ${marker}\` > ${marker}`;
  const command = quoteParamsInCommand('printf "%s\\n" ${v} "--label=${v}" ${unknown}', (n) => n === 'v');
  assert.equal(command, 'printf "%s\\n" ${WOBBLY_PARAM_v} "--label=${WOBBLY_PARAM_v}" ${unknown}');
  const out = execFileSync('/bin/sh', ['-c', command.replace(' ${unknown}', '')], { env: { ...process.env, WOBBLY_PARAM_v: value }, encoding: 'utf8' });
  assert.deepEqual(out.trimEnd().split('\n').slice(-1), [`--label=${value}`]);
  assert.throws(() => lstatSync(marker), /ENOENT/);
});

test('output paths: only a regular file or nothing is replaced', async () => {
  const dir = tempDir();
  const file = join(dir, 'r.json');
  writeFileSync(file, 'old');
  assert.equal(await outputPathProblem(file), undefined);
  assert.equal(await outputPathProblem(join(dir, 'new.json')), undefined);
  assert.equal(await outputPathProblem('-'), undefined);
  assert.equal(await outputPathProblem(''), 'expected a file path (or - for stdout), got ""');
  assert.equal(await outputPathProblem(dir), `${dir} is a directory; give a file path`);
  assert.equal(await outputPathProblem('/dev/null'), '/dev/null is not a regular file (a FIFO, device or socket); wobbly replaces only a regular file (use - for stdout)');
  assert.equal(await outputPathProblem(join(dir, 'no', 'x.json')), `the directory ${join(dir, 'no')} does not exist`);
  const link = join(dir, 'link.json');
  symlinkSync(file, link);
  const linkProblem = `${link} is a symbolic link; wobbly replaces only a regular file (give the link's target, or another path)`;
  assert.equal(await outputPathProblem(link), linkProblem);
  await assert.rejects(writeFileAtomic(link, 'new'), { name: 'OutputPathError', message: linkProblem });
  assert.equal(readFileSync(file, 'utf8'), 'old');
  await writeFileAtomic(file, 'new');
  assert.equal(readFileSync(file, 'utf8'), 'new');
});

test('terminal verdicts: evidence lines of every rule (server identities), summaries and hints are escaped', () => {
  const hostile = '\u001b]0;pwn\u0007';
  const hopping: Verdict = {
    id: 'thread-hopping',
    status: 'detected',
    summary: `streams hopped ${hostile}`,
    hint: `fix ${hostile}`,
    evidence: { field: 'pid', distinctPerStream: { 2: 1 }, switches: 1, maxSwitchesPerStream: 1, examples: [{ stream: 0, values: ['101', hostile] }] },
  };
  const unknown: Verdict = { id: 'from-a-newer-wobbly', status: 'detected', summary: 's', hint: 'h', evidence: { worker: hostile } };
  const text = verdictBlock([hopping, unknown], { color: false, width: 200 });
  assert.doesNotMatch(text, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
  assert.ok(text.includes('stream #1: 101 → \\x1b]0;pwn\\x07'), text);
  assert.ok(text.includes('worker: \\x1b]0;pwn\\x07'), text);
  assert.ok(text.includes('streams hopped \\x1b]0;pwn\\x07'), text);
});
