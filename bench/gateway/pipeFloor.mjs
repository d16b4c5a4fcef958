// The stdio floor: a Node parent writing one JSON-RPC-sized line to a child's stdin and reading the child's echo
// from its stdout, one round trip at a time. Prints {roundTripsPerSecond, cpuPerRoundTripUs} of the parent (from
// /proc/self/stat): the least CPU any Node bridge can spend on its stdio hop on this machine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const warm = Number(process.argv[2] ?? 3000);
const measured = Number(process.argv[3] ?? 20000);
const line = `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_graph', arguments: {} } })}\n`;
const child = spawn(process.execPath, ['-e', "process.stdin.on('data', (d) => process.stdout.write(d))"], { stdio: ['pipe', 'pipe', 'inherit'] });

function cpuMicros() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100;
}

let done = 0;
let cpu0 = 0;
let t0 = 0;
child.stdout.on('data', () => {
  done++;
  if (done === warm) {
    cpu0 = cpuMicros();
    t0 = performance.now();
  }
  if (done === warm + measured) {
    const cpu = (cpuMicros() - cpu0) / measured;
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(`${JSON.stringify({ roundTripsPerSecond: measured / seconds, cpuPerRoundTripUs: cpu })}\n`);
    child.kill();
    return;
  }
  child.stdin.write(line);
});
child.stdin.write(line);
