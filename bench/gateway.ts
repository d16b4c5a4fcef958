/**
 * Gateway figures: sequential and 8-way `tools/call` throughput, p50/p99 latency, and the CPU the control plane
 * spends per call (its whole process, read from /proc; the MCP server's own process excluded), for:
 * - our gateway (`/mcp/:id`, token checked, proxied to the deployment's bridge),
 * - the bridge directly (the same process, no gateway: what the gateway adds is the difference),
 * - the HTTP floor (the SDK client against a zero-work HTTP server).
 * Same SDK client and server-memory `read_graph` everywhere, after a warm-up, in one run.
 * Then the session figures (bench/gateway/sessions.ts): 1,000 concurrent sessions through the gateway with their
 * error count, and 10,000 abandoned sessions reaped with the control plane's memory before and after.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { abandonedSessions, concurrentSessions } from './gateway/sessions.js';
import { withoutListenerWarnings } from './support/measure.js';
import type { BenchRow } from './types.js';

const CLOCK_TICKS_PER_SECOND = 100;

/** A helper process: its first stdout line parsed, and a way to send it a command line and read its answer line. */
interface Helper<T> {
  readonly info: T;
  readonly child: ChildProcess;
  ask<A>(command: string): Promise<A>;
}

/** Starts a helper script as its own process (with extra node flags) and reads its first stdout line as JSON. */
async function startHelper<T>(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<Helper<T>> {
  const child = spawn(process.execPath, [...nodeFlags, '--conditions=@catwalk/source', '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const nextLine = (): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${script} exited with ${code}`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const first = await nextLine();
  return {
    info: JSON.parse(first) as T,
    child,
    ask: async <A>(command: string): Promise<A> => {
      const answer = nextLine();
      child.stdin!.write(`${command}\n`);
      return JSON.parse(await answer) as A;
    },
  };
}

function stopHelper(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** utime + stime of one process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function connect(url: string, token: string | undefined): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), token === undefined ? {} : { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Measured {
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuPerCallUs: number | undefined;
}

/** `calls` tools/call over `concurrency` clients (each its own session), after a warm-up. */
async function measure(url: string, token: string | undefined, pid: number | undefined, calls: number, concurrency: number, warmup: number): Promise<Measured> {
  const clients = await Promise.all(Array.from({ length: concurrency }, () => connect(url, token)));
  try {
    await Promise.all(clients.map(async (client) => {
      for (let i = 0; i < warmup; i++) await client.callTool({ name: 'read_graph', arguments: {} });
    }));
    const latencies: number[] = [];
    const perClient = Math.ceil(calls / concurrency);
    const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid);
    const started = performance.now();
    await Promise.all(clients.map(async (client) => {
      for (let i = 0; i < perClient; i++) {
        const t0 = performance.now();
        await client.callTool({ name: 'read_graph', arguments: {} });
        latencies.push(performance.now() - t0);
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = pid === undefined ? undefined : cpuSeconds(pid) - cpuBefore;
    latencies.sort((a, b) => a - b);
    return {
      callsPerSecond: latencies.length / elapsed,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuPerCallUs: cpu === undefined ? undefined : (cpu / latencies.length) * 1e6,
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

function rows(path: string, sequential: Measured, parallel: Measured, note: string): BenchRow[] {
  const out: BenchRow[] = [
    { area: 'gateway', metric: `${path}: sequential tools/call`, value: Math.round(sequential.callsPerSecond), unit: 'calls/s', note },
    { area: 'gateway', metric: `${path}: sequential p50`, value: round(sequential.p50Ms), unit: 'ms' },
    { area: 'gateway', metric: `${path}: sequential p99`, value: round(sequential.p99Ms), unit: 'ms' },
    { area: 'gateway', metric: `${path}: 8-way tools/call`, value: Math.round(parallel.callsPerSecond), unit: 'calls/s' },
    { area: 'gateway', metric: `${path}: 8-way p50`, value: round(parallel.p50Ms), unit: 'ms' },
    { area: 'gateway', metric: `${path}: 8-way p99`, value: round(parallel.p99Ms), unit: 'ms' },
  ];
  if (sequential.cpuPerCallUs !== undefined) {
    out.push({ area: 'gateway', metric: `${path}: control-plane CPU per call (sequential)`, value: Math.round(sequential.cpuPerCallUs), unit: 'µs', note: 'whole control-plane process, MCP server excluded' });
  }
  if (parallel.cpuPerCallUs !== undefined) out.push({ area: 'gateway', metric: `${path}: control-plane CPU per call (8-way)`, value: Math.round(parallel.cpuPerCallUs), unit: 'µs' });
  return out;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Runs the gateway bench (smoke: a few calls per path, for CI). */
export function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  // The SDK client's per-request abort listeners would print thousands of MaxListenersExceeded lines.
  return withoutListenerWarnings(() => runGateway(options));
}

async function runGateway(options: { smoke: boolean }): Promise<BenchRow[]> {
  const calls = options.smoke ? 40 : 4000;
  const warmup = options.smoke ? 5 : 300;
  // --expose-gc: the session figures read the control plane's memory after a full collection.
  const plane = await startHelper<{ endpoint: string; token: string; bridgeUrl: string; pid: number }>('./gateway/controlPlane.ts', [], ['--expose-gc']);
  const floor = await startHelper<{ url: string; pid: number }>('./gateway/floorServer.ts');
  try {
    const out: BenchRow[] = [];
    const floorSeq = await measure(floor.info.url, undefined, undefined, calls, 1, warmup);
    const floorPar = await measure(floor.info.url, undefined, undefined, calls, 8, warmup);
    out.push(...rows('HTTP floor (zero-work server)', floorSeq, floorPar, 'SDK client against canned JSON'));
    const bridgeSeq = await measure(plane.info.bridgeUrl, undefined, plane.info.pid, calls, 1, warmup);
    const bridgePar = await measure(plane.info.bridgeUrl, undefined, plane.info.pid, calls, 8, warmup);
    out.push(...rows('bridge direct (no gateway)', bridgeSeq, bridgePar, 'server-memory read_graph'));
    const gatewaySeq = await measure(plane.info.endpoint, plane.info.token, plane.info.pid, calls, 1, warmup);
    const gatewayPar = await measure(plane.info.endpoint, plane.info.token, plane.info.pid, calls, 8, warmup);
    out.push(...rows('gateway → bridge', gatewaySeq, gatewayPar, 'server-memory read_graph via /mcp/:id'));
    // The gateway alone: the same control plane in front of the zero-work server (no bridge in its process).
    const lean = await startHelper<{ endpoint: string; token: string; pid: number }>('./gateway/controlPlane.ts', [floor.info.url]);
    try {
      const leanSeq = await measure(lean.info.endpoint, lean.info.token, lean.info.pid, calls, 1, warmup);
      const leanPar = await measure(lean.info.endpoint, lean.info.token, lean.info.pid, calls, 8, warmup);
      out.push(...rows('gateway → zero-work server', leanSeq, leanPar, 'the gateway alone: its process CPU is the gateway'));
      out.push({ area: 'gateway', metric: 'gateway → zero-work p50 over the HTTP floor', value: round(leanSeq.p50Ms - floorSeq.p50Ms), unit: 'ms' });
    } finally {
      await stopHelper(lean.child);
    }
    out.push(
      { area: 'gateway', metric: 'gateway added CPU per call over bridge direct', value: Math.round((gatewaySeq.cpuPerCallUs ?? 0) - (bridgeSeq.cpuPerCallUs ?? 0)), unit: 'µs' },
      { area: 'gateway', metric: 'gateway added p50 over bridge direct', value: round(gatewaySeq.p50Ms - bridgeSeq.p50Ms), unit: 'ms' },
      { area: 'gateway', metric: 'gateway → bridge p50 over the HTTP floor', value: round(gatewaySeq.p50Ms - floorSeq.p50Ms), unit: 'ms' },
      { area: 'gateway', metric: 'gateway 8-way throughput / floor 8-way', value: round(gatewayPar.callsPerSecond / floorPar.callsPerSecond), unit: '×' },
    );
    out.push(...(await concurrentSessions(plane.info.endpoint, plane.info.token, options.smoke ? 100 : 1000)));
    out.push(...(await abandonedSessions(plane.info.endpoint, plane.info.token, options.smoke ? 500 : 10_000, plane.ask)));
    return out;
  } finally {
    await Promise.all([stopHelper(plane.child), stopHelper(floor.child)]);
  }
}
