#!/usr/bin/env node
// Runs every package's mocha suite through lerna (one package at a time, output streamed as it comes) and ends
// with one plain summary line, `N passed, N failed, N skipped`, added up from mocha's own closing lines.
import { spawn } from 'node:child_process';

const child = spawn('npx', ['lerna', 'run', 'test', '--stream', '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
const totals = { passing: 0, failing: 0, pending: 0 };
let pending = '';

child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) count(line);
});

child.on('close', (code) => {
  if (pending !== '') count(pending);
  console.log(`\n${totals.passing} passed, ${totals.failing} failed, ${totals.pending} skipped`);
  // A signal (code null) or any failing test fails the run, whatever lerna's own exit code says.
  process.exitCode = code === 0 && totals.failing === 0 ? 0 : 1;
});

function count(line) {
  // Lerna prefixes each line with the package name and colours; mocha's summary is "  12 passing (3s)".
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  const match = /(\d+) (passing|failing|pending)\b/.exec(plain);
  if (match) totals[match[2]] += Number(match[1]);
}
