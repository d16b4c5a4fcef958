/**
 * Gateway figures (issue 7), every path in one run, same client, same MCP server, same warm-up:
 * `tools/call` (server-memory `read_graph`) throughput sequential and 8-way, p50/p99 latency, and the CPU time the
 * proxying process spends per call (read from /proc/<pid>/stat; the MCP server is its own process, excluded) for
 * - the HTTP floor: the SDK client against a zero-work HTTP server;
 * - direct stdio: the SDK client spawning server-memory itself (no HTTP at all);
 * - our bridge reached directly, and our gateway (`/mcp/:id`, token checked) in front of it, both in the real
 *   control plane (bench/gateway/controlPlane.ts); and the same gateway with its fast lane off
 *   (`CATWALK_GATEWAY_FAST_LANE=false`: node:http serves every request) in a control plane of its own;
 * - our gateway and bridge in front of a zero-work stdio server (bench/gateway/zeroWorkStdio.mjs): what the
 *   control plane adds with no MCP server work in the way, and in front of the zero-work HTTP server (the HTTP
 *   proxy path used for remote upstreams, alone);
 * - supergateway and mcp-proxy as shipped (bench/gateway/thirdParty.ts).
 * The targets compare with the bridges as shipped. A second, smaller group follows (the scheduling comparison):
 * our gateway again, our gateway with server-memory under the normal policy (`CATWALK_SANDBOX_SCHEDULING=normal`
 * in a control plane of its own), and both bridges with their server-memory under `chrt --batch` (SCHED_BATCH, the
 * policy the local orchestrator gives its servers by default), with the same ratios against those bridges.
 * Every process is up for the whole run; the measured calls go in rounds that visit each path in turn. Then the
 * targets as ratios, the fast lane's request-head scan alone (bench/gateway/headScan.ts), the JavaScript of one
 * tool call through lane, gateway and bridge without socket or child (bench/gateway/laneInProcess.ts), and the
 * session figures (bench/gateway/sessions.ts).
 *
 * The warm-up is long on purpose: V8 keeps optimising a server's hot path for a few thousand requests, and a
 * short warm-up measures the JIT more than the proxy (ours went from ~780 to ~330 µs of CPU per call between the
 * 300th and the 4,000th call). Every path gets the same warm-up.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { headScanRow } from './gateway/headScan.js';
import { laneInProcessRow } from './gateway/laneInProcess.js';
import { abandonedSessions, concurrentSessions } from './gateway/sessions.js';
import { PLAIN_SERVER, THIRD_PARTY_BRIDGES, batchServer, type ServerVariant } from './gateway/thirdParty.js';
import { MEMORY_BIN, connectHttp, cpuMicros, freePort, quantile, readGraph, startListening, withoutListenerWarnings, type CallStats, type HelperProcess } from './support/measure.js';
import type { BenchRow } from './types.js';

/** Calls per phase. The warm-ups are not measured; the measured calls are spread over `rounds`. */
interface Sizes {
  readonly warmSequential: number;
  readonly warmParallel: number;
  readonly calls: number;
  readonly rounds: number;
}
const FULL: Sizes = { warmSequential: 3000, warmParallel: 2000, calls: 4000, rounds: 4 };
const SMOKE: Sizes = { warmSequential: 5, warmParallel: 8, calls: 40, rounds: 1 };
const WAYS = 8;

/** A helper process: its first stdout line parsed, and a way to send it a command line and read its answer line. */
interface Helper<T> {
  readonly info: T;
  readonly child: ChildProcess;
  ask<A>(command: string): Promise<A>;
}

/** Starts a helper script as its own process (with extra node flags and environment) and reads its first stdout line as JSON. */
async function startHelper<T>(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = [], env: Record<string, string> = {}): Promise<Helper<T>> {
  const child = spawn(process.execPath, [...nodeFlags, '--conditions=@catwalk/source', '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
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

/** One way to reach server-memory (or a zero-work server): how to get a client, and whose CPU to read. */
interface Path {
  readonly name: string;
  readonly note: string;
  readonly connect: () => Promise<Client>;
  /** The proxying process; undefined when there is none (direct stdio). */
  readonly pid: number | undefined;
  /** The 8-way phase runs 8 loops on one client (stdio: one client owns the server's pipes). */
  readonly oneClient?: boolean;
}

/** What one path measured; CPU is per call in µs, undefined when there is no proxying process to read. */
interface PathResult {
  readonly name: string;
  readonly note: string;
  readonly sequential: CallStats;
  readonly parallel: CallStats;
  readonly cpuSequential: number | undefined;
  readonly cpuParallel: number | undefined;
}

/** Latencies (ms), wall time (ms) and proxy CPU (µs) of one path's phase, summed over the rounds. */
class Phase {
  readonly latencies: number[] = [];
  elapsedMs = 0;
  cpuMicros = 0;

  stats(): CallStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return { perSecond: (sorted.length / this.elapsedMs) * 1000, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
  }
}

/** Runs `callsEach` calls on every client at once; latencies appended; answers the wall time in ms. */
async function timedCalls(clients: readonly Client[], callsEach: number, latencies: number[] | undefined): Promise<number> {
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < callsEach; i++) {
        const t = performance.now();
        await readGraph(client);
        latencies?.push(performance.now() - t);
      }
    }),
  );
  return performance.now() - started;
}

/**
 * Measures every path the same way: each gets its clients and its warm-up, then the measured calls run in rounds
 * that visit every path in turn (sequential, then 8-way), so a slow minute of the machine weighs on all paths
 * alike instead of on whichever path it happened to fall.
 */
async function measurePaths(paths: readonly Path[], sizes: Sizes): Promise<PathResult[]> {
  const states = [];
  try {
    for (const path of paths) {
      const sequential = await path.connect();
      const parallel: Client[] = [];
      for (let i = 0; i < WAYS; i++) parallel.push(path.oneClient === true ? sequential : await path.connect());
      states.push({ path, sequentialClient: sequential, parallelClients: parallel, sequential: new Phase(), parallel: new Phase() });
    }
    for (const state of states) {
      await timedCalls([state.sequentialClient], sizes.warmSequential, undefined);
      await timedCalls(state.parallelClients, Math.ceil(sizes.warmParallel / WAYS), undefined);
    }
    const perRound = Math.ceil(sizes.calls / sizes.rounds);
    for (let round = 0; round < sizes.rounds; round++) {
      for (const state of states) {
        const pid = state.path.pid;
        let cpu0 = pid === undefined ? 0 : cpuMicros(pid);
        state.sequential.elapsedMs += await timedCalls([state.sequentialClient], perRound, state.sequential.latencies);
        if (pid !== undefined) state.sequential.cpuMicros += cpuMicros(pid) - cpu0;
        cpu0 = pid === undefined ? 0 : cpuMicros(pid);
        state.parallel.elapsedMs += await timedCalls(state.parallelClients, Math.ceil(perRound / WAYS), state.parallel.latencies);
        if (pid !== undefined) state.parallel.cpuMicros += cpuMicros(pid) - cpu0;
      }
    }
    return states.map(({ path, sequential, parallel }) => ({
      name: path.name,
      note: path.note,
      sequential: sequential.stats(),
      parallel: parallel.stats(),
      cpuSequential: path.pid === undefined ? undefined : sequential.cpuMicros / sequential.latencies.length,
      cpuParallel: path.pid === undefined ? undefined : parallel.cpuMicros / parallel.latencies.length,
    }));
  } finally {
    const clients = new Set(states.flatMap((s) => [s.sequentialClient, ...s.parallelClients]));
    await Promise.all([...clients].map((c) => c.close().catch(() => undefined)));
  }
}

/** The stdio floor (bench/gateway/pipeFloor.mjs): a bare Node pipe round trip, its parent's CPU. */
function pipeFloor(smoke: boolean): Promise<{ roundTripsPerSecond: number; cpuPerRoundTripUs: number }> {
  const script = fileURLToPath(new URL('./gateway/pipeFloor.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, smoke ? '50' : '3000', smoke ? '200' : '20000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as { roundTripsPerSecond: number; cpuPerRoundTripUs: number });
      } catch (error) {
        reject(new Error(`pipeFloor.mjs printed ${JSON.stringify(out)}`, { cause: error }));
      }
    });
  });
}

/** Direct stdio: one SDK client spawning server-memory itself. */
async function stdioClient(memoryFile: string): Promise<Client> {
  const client = new Client({ name: 'catwalk-bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [MEMORY_BIN], env: { PATH: process.env.PATH ?? '', MEMORY_FILE_PATH: memoryFile }, stderr: 'ignore' }));
  return client;
}

function pathRows(result: PathResult): BenchRow[] {
  const { name, note, sequential: s, parallel: p } = result;
  const out: BenchRow[] = [
    { area: 'gateway', metric: `${name}: sequential tools/call`, value: Math.round(s.perSecond), unit: 'calls/s', note },
    { area: 'gateway', metric: `${name}: sequential p50 / p99`, value: round(s.p50), unit: 'ms', note: `p99 ${round(s.p99)} ms` },
    { area: 'gateway', metric: `${name}: 8-way tools/call`, value: Math.round(p.perSecond), unit: 'calls/s' },
    { area: 'gateway', metric: `${name}: 8-way p50 / p99`, value: round(p.p50), unit: 'ms', note: `p99 ${round(p.p99)} ms` },
  ];
  if (result.cpuSequential !== undefined) {
    out.push({ area: 'gateway', metric: `${name}: CPU per call, sequential / 8-way`, value: Math.round(result.cpuSequential), unit: 'µs', note: `8-way ${Math.round(result.cpuParallel ?? Number.NaN)} µs; proxying process only` });
  }
  return out;
}

/**
 * The three targets relative to the bridges (CPU per call against the better bridge, sequential and 8-way, and
 * sequential throughput against supergateway), each row named `prefix` + what it measures.
 */
function bridgeRatioRows(gateway: PathResult, thirdParty: readonly PathResult[], prefix: string, aim: (target: string) => string): BenchRow[] {
  // The better bridge per phase: the one that spends less CPU per call in that phase.
  const leastBy = (cpu: (r: PathResult) => number | undefined): PathResult | undefined =>
    thirdParty.reduce<PathResult | undefined>((best, r) => (best === undefined || (cpu(r) ?? Infinity) < (cpu(best) ?? Infinity) ? r : best), undefined);
  const better = leastBy((r) => r.cpuSequential);
  const betterParallel = leastBy((r) => r.cpuParallel);
  const supergateway = thirdParty.find((r) => r.name.includes('supergateway'));
  const rows: BenchRow[] = [];
  if (better?.cpuSequential !== undefined && gateway.cpuSequential !== undefined) {
    rows.push({ area: 'gateway', metric: `${prefix}gateway CPU per call / better bridge`, value: round(gateway.cpuSequential / better.cpuSequential), unit: '×', note: `sequential; vs ${better.name}; ${aim('≤ 0.2')}` });
  }
  if (betterParallel?.cpuParallel !== undefined && gateway.cpuParallel !== undefined) {
    rows.push({ area: 'gateway', metric: `${prefix}gateway CPU per call / better bridge, 8-way`, value: round(gateway.cpuParallel / betterParallel.cpuParallel), unit: '×', note: `vs ${betterParallel.name}; ${aim('≤ 0.2')}` });
  }
  if (supergateway !== undefined) {
    rows.push({ area: 'gateway', metric: `${prefix}gateway sequential / supergateway`, value: round(gateway.sequential.perSecond / supergateway.sequential.perSecond), unit: '×', note: `vs ${supergateway.name}; ${aim('≥ 2')}` });
  }
  return rows;
}

/** The relative targets, each as measured / target (the bridges as shipped). */
function targetRows(floor: PathResult, gateway: PathResult, zeroWork: PathResult, thirdParty: readonly PathResult[]): BenchRow[] {
  const rows = bridgeRatioRows(gateway, thirdParty, 'target: ', (target) => `target ${target}`);
  rows.push(
    { area: 'gateway', metric: 'target: gateway 8-way / floor 8-way', value: round(gateway.parallel.perSecond / floor.parallel.perSecond), unit: '×', note: 'target ≥ 0.75' },
    { area: 'gateway', metric: 'target: gateway p50 over the floor, zero-work stdio server', value: round(zeroWork.sequential.p50 - floor.sequential.p50), unit: 'ms', note: 'target ≤ 0.25; the control plane and its stdio hop' },
    { area: 'gateway', metric: 'gateway p50 over the floor, server-memory', value: round(gateway.sequential.p50 - floor.sequential.p50), unit: 'ms', note: "includes server-memory's own work" },
  );
  return rows;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Runs the gateway bench (smoke: a few calls per path, for CI). */
export function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  // The SDK client's per-request abort listeners would print thousands of MaxListenersExceeded lines.
  return withoutListenerWarnings(() => runGateway(options.smoke ? SMOKE : FULL, options.smoke));
}

async function runGateway(sizes: Sizes, smoke: boolean): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'catwalk-bench-gateway-'));
  const helpers: ChildProcess[] = [];
  const listeners: HelperProcess[] = [];
  try {
    // --expose-gc: the session figures read the control plane's memory after a full collection.
    const plane = await startHelper<{ endpoint: string; token: string; bridgeUrl: string; pid: number }>('./gateway/controlPlane.ts', [], ['--expose-gc']);
    helpers.push(plane.child);
    const floor = await startHelper<{ url: string; pid: number }>('./gateway/floorServer.ts');
    helpers.push(floor.child);
    const zeroWork = await startHelper<{ endpoint: string; token: string; pid: number }>('./gateway/controlPlane.ts', [`stdio:${fileURLToPath(new URL('./gateway/zeroWorkStdio.mjs', import.meta.url))}`]);
    helpers.push(zeroWork.child);
    const lean = await startHelper<{ endpoint: string; token: string; pid: number }>('./gateway/controlPlane.ts', [floor.info.url]);
    helpers.push(lean.child);
    const noLane = await startHelper<{ endpoint: string; token: string; pid: number }>('./gateway/controlPlane.ts', [], [], { CATWALK_GATEWAY_FAST_LANE: 'false' });
    helpers.push(noLane.child);
    const normal = await startHelper<{ endpoint: string; token: string; pid: number }>('./gateway/controlPlane.ts', [], [], { CATWALK_SANDBOX_SCHEDULING: 'normal' });
    helpers.push(normal.child);
    /** Starts both bridges in front of server-memory run as `variant` says; `prefix` goes before their names. */
    const startBridges = async (variant: ServerVariant, prefix = ''): Promise<Path[]> => {
      const started: Path[] = [];
      for (const bridge of THIRD_PARTY_BRIDGES) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/mcp`;
        const name = `${prefix}${bridge.name}${variant.suffix}`;
        const helper = await startListening(bridge.argv(port, variant.server), url, { MEMORY_FILE_PATH: join(dir, `${bridge.name}${variant.suffix}.jsonl`) });
        listeners.push(helper);
        started.push({ name, note: 'proxy process', connect: () => connectHttp(url), pid: helper.pid });
      }
      return started;
    };
    const shippedBridges = await startBridges(PLAIN_SERVER);
    const batched = await batchServer();
    const batchedBridges = batched === undefined ? [] : await startBridges(batched, 'scheduling comparison: ');
    const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
    const gatewayPath = (name: string): Path => ({ name, note: '/mcp/:id, token checked; control plane process', connect: () => connectHttp(plane.info.endpoint, bearer(plane.info.token)), pid: plane.info.pid });
    const paths: Path[] = [
      { name: 'HTTP floor (zero-work server)', note: 'SDK client against canned JSON', connect: () => connectHttp(floor.info.url), pid: floor.info.pid },
      { name: 'direct stdio (no HTTP)', note: 'SDK stdio client, no proxy', connect: () => stdioClient(join(dir, 'stdio.jsonl')), pid: undefined, oneClient: true },
      { name: 'our bridge, no gateway', note: 'control plane process', connect: () => connectHttp(plane.info.bridgeUrl), pid: plane.info.pid },
      gatewayPath('our gateway → bridge'),
      { name: 'our gateway → bridge → zero-work stdio server', note: 'what the control plane adds, stdio hop included', connect: () => connectHttp(zeroWork.info.endpoint, bearer(zeroWork.info.token)), pid: zeroWork.info.pid },
      { name: 'our gateway → bridge, node:http only', note: 'CATWALK_GATEWAY_FAST_LANE=false; control plane process', connect: () => connectHttp(noLane.info.endpoint, bearer(noLane.info.token)), pid: noLane.info.pid },
      { name: 'our gateway → zero-work HTTP server', note: 'HTTP upstream (as for Fly); control plane process', connect: () => connectHttp(lean.info.endpoint, bearer(lean.info.token)), pid: lean.info.pid },
      ...shippedBridges,
    ];
    const results = await measurePaths(paths, sizes);
    const out = results.flatMap(pathRows);
    const byName = (name: string): PathResult => results.find((r) => r.name === name)!;
    const floorResult = byName(paths[0]!.name);
    const shipped = results.filter((r) => shippedBridges.some((b) => b.name === r.name));
    out.push(...targetRows(floorResult, byName(paths[3]!.name), byName(paths[4]!.name), shipped));
    // The scheduling comparison runs as a group of its own after the main one, so that its paths do not lengthen
    // the main rounds (each path idles while the others run, and a longer idle costs the lighter paths more).
    const comparison = await measurePaths(
      [
        gatewayPath('scheduling comparison: our gateway → bridge'),
        { name: 'scheduling comparison: our gateway → bridge, server scheduled normal', note: 'CATWALK_SANDBOX_SCHEDULING=normal; control plane process', connect: () => connectHttp(normal.info.endpoint, bearer(normal.info.token)), pid: normal.info.pid },
        ...batchedBridges,
      ],
      sizes,
    );
    out.push(...comparison.flatMap(pathRows));
    if (batchedBridges.length > 0) out.push(...bridgeRatioRows(comparison[0]!, comparison.slice(2), 'scheduling comparison: ', () => 'no target'));
    // What any Node bridge must spend at least: one zero-work HTTP exchange plus one bare pipe round trip.
    const pipe = await pipeFloor(smoke);
    const leastBridge = Math.min(...shipped.map((r) => r.cpuSequential ?? Infinity));
    out.push(
      { area: 'gateway', metric: 'stdio floor: bare pipe round trip, parent CPU', value: Math.round(pipe.cpuPerRoundTripUs), unit: 'µs', note: `${Math.round(pipe.roundTripsPerSecond)} round trips/s` },
      { area: 'gateway', metric: 'HTTP floor + stdio floor CPU / better bridge', value: round(((floorResult.cpuSequential ?? Number.NaN) + pipe.cpuPerRoundTripUs) / leastBridge), unit: '×', note: 'the least any Node stdio bridge could reach here' },
    );
    out.push(headScanRow(smoke), await laneInProcessRow(smoke));
    out.push(...(await concurrentSessions(plane.info.endpoint, plane.info.token, smoke ? 100 : 1000)));
    out.push(...(await abandonedSessions(plane.info.endpoint, plane.info.token, smoke ? 500 : 10_000, plane.ask)));
    return out;
  } finally {
    await Promise.all([...helpers.map(stopHelper), ...listeners.map((l) => l.stop())]);
    rmSync(dir, { recursive: true, force: true });
  }
}
