/**
 * Bridge figures (issue 6): calls/s through the bridge vs direct stdio on @modelcontextprotocol/server-memory
 * `read_graph`, sequential and 8-way (8 sessions), p50/p99 latency, and the bridge process's CPU per call (its
 * own utime+stime from /proc; the MCP server child is a separate process and is excluded). The HTTP floor (the
 * same SDK client against a zero-work server, its own process) is measured in the same run, so the bridge's
 * added latency and CPU are read against it rather than against figures from another load.
 *
 * `--bridge-only` (direct run) skips direct stdio and the deploy timings: for profiling iterations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { MEMORY_BIN, ROOT, cpuMicros, withoutListenerWarnings } from './support/measure.js';
import type { BenchRow } from './types.js';
import type * as LocalOrchestratorModule from '../packages/adapters/src/orchestrator/local/index.js';
import type { ResolvedPackage } from '@catwalk/core';

type LocalModule = typeof LocalOrchestratorModule;

const BRIDGE_MODULE = pathToFileURL(join(ROOT, 'packages/adapters/src/bridge/index.ts')).href;

/** Starts the bridge in its own process over server-memory; resolves with its URL. */
async function startBridgeProcess(memoryFile: string): Promise<{ child: ChildProcess; url: string }> {
  const code = `
    const b = await import(${JSON.stringify(BRIDGE_MODULE)});
    const logs = new b.LogRing();
    const bridge = new b.McpBridge();
    const server = await b.createBridgeServer({ port: 0, bridge });
    const child = new b.StdioChild({ command: process.execPath, args: [${JSON.stringify(MEMORY_BIN)}], env: { PATH: process.env.PATH, MEMORY_FILE_PATH: ${JSON.stringify(memoryFile)} } }, logs);
    await bridge.attach(child, 20000);
    process.stdout.write(server.url + '\\n');
    process.on('SIGTERM', () => { child.signal('SIGKILL'); process.exit(0); });
  `;
  const child = spawn(process.execPath, [...(process.env.BRIDGE_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--conditions=@catwalk/source', '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => reject(new Error('bridge process exited')));
  });
  return { child, url };
}

/**
 * The HTTP floor, inlined so this module stands alone: answers initialize, tools/list and tools/call with canned
 * JSON (no MCP server behind it). Resolves with its URL.
 */
async function startFloorProcess(): Promise<{ child: ChildProcess; url: string }> {
  const code = `
    const { createServer } = await import('node:http');
    const CALL = { content: [{ type: 'text', text: '{"entities":[],"relations":[]}' }] };
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST') return void res.writeHead(405).end();
        const m = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (m.id === undefined) return void res.writeHead(202).end();
        const headers = { 'content-type': 'application/json', 'mcp-session-id': 'floor' };
        const result = m.method === 'initialize'
          ? { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'floor', version: '1.0.0' } }
          : m.method === 'tools/call' ? CALL : {};
        const body = JSON.stringify({ jsonrpc: '2.0', id: m.id, result });
        headers['content-length'] = Buffer.byteLength(body);
        res.writeHead(200, headers).end(body);
      });
    });
    server.keepAliveTimeout = 65000;
    server.listen(0, '127.0.0.1', () => process.stdout.write('http://127.0.0.1:' + server.address().port + '/mcp\\n'));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => reject(new Error('floor process exited')));
  });
  return { child, url };
}

async function sequential(client: Client, calls: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await client.callTool({ name: 'read_graph', arguments: {} });
    latencies.push(performance.now() - t);
  }
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { perSecond: (calls / elapsed) * 1000, p50: latencies[Math.floor(calls * 0.5)]!, p99: latencies[Math.floor(calls * 0.99)]! };
}

async function parallel(clients: Client[], callsEach: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < callsEach; i++) await c.callTool({ name: 'read_graph', arguments: {} });
    }),
  );
  return ((clients.length * callsEach) / (performance.now() - start)) * 1000;
}

async function httpClient(url: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

export function run(options: { smoke: boolean; bridgeOnly?: boolean }): Promise<BenchRow[]> {
  // Thousands of calls on one SDK client: its per-request abort listeners would print a warning per call.
  return withoutListenerWarnings(() => runBridge(options));
}

async function runBridge(options: { smoke: boolean; bridgeOnly?: boolean }): Promise<BenchRow[]> {
  const calls = options.smoke ? 200 : 3000;
  const warm = options.smoke ? 50 : 500;
  const dir = mkdtempSync(join(tmpdir(), 'catwalk-bench-'));
  const memoryFile = join(dir, 'memory.jsonl');
  const rows: BenchRow[] = [];
  const area = 'bridge';

  if (options.bridgeOnly !== true) {
    // Direct stdio: the ceiling.
    const direct = new Client({ name: 'bench', version: '1' });
    await direct.connect(new StdioClientTransport({ command: process.execPath, args: [MEMORY_BIN], env: { PATH: process.env.PATH ?? '', MEMORY_FILE_PATH: memoryFile }, stderr: 'ignore' }));
    await sequential(direct, warm);
    const d = await sequential(direct, calls);
    const dPar = await parallel([direct], 0).then(() => parallel(Array.from({ length: 8 }, () => direct), calls / 8));
    await direct.close();
    rows.push({ area, metric: 'direct stdio sequential', value: Math.round(d.perSecond), unit: 'calls/s' });
    rows.push({ area, metric: 'direct stdio 8-way', value: Math.round(dPar), unit: 'calls/s', note: '8 concurrent loops on one stdio client' });
    rows.push({ area, metric: 'direct stdio p50', value: Math.round(d.p50 * 1000), unit: 'µs' });
  }

  // The HTTP floor: same client, zero-work server, same warm-up and call count.
  const floor = await startFloorProcess();
  let floorSeq: { perSecond: number; p50: number; p99: number };
  let floorCpu: number;
  try {
    const client = await httpClient(floor.url);
    await sequential(client, warm);
    const cpu0 = cpuMicros(floor.child.pid!);
    floorSeq = await sequential(client, calls);
    floorCpu = (cpuMicros(floor.child.pid!) - cpu0) / calls;
    await client.close();
  } finally {
    floor.child.kill('SIGTERM');
  }
  rows.push({ area, metric: 'HTTP floor sequential', value: Math.round(floorSeq.perSecond), unit: 'calls/s', note: 'SDK client vs zero-work server, same run' });
  rows.push({ area, metric: 'HTTP floor p50', value: Math.round(floorSeq.p50 * 1000), unit: 'µs' });
  rows.push({ area, metric: 'HTTP floor server CPU per call', value: Math.round(floorCpu), unit: 'µs', note: 'what any node:http server spends at this load' });

  // Through the bridge, in its own process.
  const { child, url } = await startBridgeProcess(memoryFile);
  try {
    const client = await httpClient(url);
    await sequential(client, warm);
    const cpu0 = cpuMicros(child.pid!);
    const s = await sequential(client, calls);
    const cpuSeq = (cpuMicros(child.pid!) - cpu0) / calls;
    const clients = await Promise.all(Array.from({ length: 8 }, () => httpClient(url)));
    await parallel(clients, warm / 8);
    const cpu1 = cpuMicros(child.pid!);
    const par = await parallel(clients, calls / 8);
    const cpuPar = (cpuMicros(child.pid!) - cpu1) / calls;
    rows.push({ area, metric: 'bridge sequential', value: Math.round(s.perSecond), unit: 'calls/s', note: 'issue 7 figures and targets: bench/gateway.ts' });
    rows.push({ area, metric: 'bridge 8-way', value: Math.round(par), unit: 'calls/s', note: '8 sessions' });
    rows.push({ area, metric: 'bridge p50', value: Math.round(s.p50 * 1000), unit: 'µs' });
    rows.push({ area, metric: 'bridge p50 added over the floor', value: Math.round((s.p50 - floorSeq.p50) * 1000), unit: 'µs', note: 'includes server-memory\'s own work' });
    rows.push({ area, metric: 'bridge p99', value: Math.round(s.p99 * 1000), unit: 'µs' });
    rows.push({ area, metric: 'bridge CPU per call (sequential)', value: Math.round(cpuSeq), unit: 'µs', note: 'bridge process only' });
    rows.push({ area, metric: 'bridge CPU per call (8-way)', value: Math.round(cpuPar), unit: 'µs', note: 'bridge process only' });
    rows.push({ area, metric: 'bridge CPU per call over the floor', value: Math.round(cpuSeq - floorCpu), unit: 'µs', note: 'sequential; stdio hop + sessions + id mapping' });
    await Promise.all([client, ...clients].map((c) => c.close()));
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.bridgeOnly !== true) rows.push(...(await deployTimes(options.smoke)));
  return rows;
}

/**
 * Local deploy time to healthy for server-memory (targets: warm < 1 s, cold with a cached npm package < 3 s):
 * - npm install alone from a warm npm cache, no shared install (what a package nobody installed here costs);
 * - cold = a new Catwalk home whose npm cache holds the package (tarballs and the shared installed tree, see
 *   PackageInstaller `shareInstalls`): install + start + initialize + ping;
 * - warm = stop + start of the installed package.
 */
async function deployTimes(smoke: boolean): Promise<BenchRow[]> {
  const { LocalOrchestrator, PackageInstaller } = (await import(pathToFileURL(join(ROOT, 'packages/adapters/src/orchestrator/local/index.ts')).href)) as LocalModule;
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/package.json'), 'utf8')) as { version: string }).version;
  const pkg: ResolvedPackage = { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version };
  const npmCacheDir = join(tmpdir(), 'catwalk-bench-npm-cache');
  const scratch = mkdtempSync(join(tmpdir(), 'catwalk-bench-install-'));
  const rows: BenchRow[] = [];
  try {
    if (!smoke) {
      const t = performance.now();
      await new PackageInstaller({ packagesDir: join(scratch, 'npm-only'), cacheDir: npmCacheDir, shareInstalls: false }).ensure(pkg);
      rows.push({ area: 'bridge', metric: 'npm install from a warm npm cache (no shared install)', value: Math.round(performance.now() - t), unit: 'ms', note: 'npm unpacking 99 packages' });
    }
    // Makes sure the shared install exists (the first run ever downloads and installs here, unmeasured).
    await new PackageInstaller({ packagesDir: join(scratch, 'prime'), cacheDir: npmCacheDir }).ensure(pkg);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const home = mkdtempSync(join(tmpdir(), 'catwalk-bench-home-'));
  const orchestrator = new LocalOrchestrator({ home, npmCacheDir });
  const spec = { deploymentId: 'bench', package: pkg, args: [], env: {}, transport: 'stdio' as const };
  try {
    let t = performance.now();
    const handle = await orchestrator.deploy(spec);
    await orchestrator.waitUntilHealthy(handle.machineId, 120_000);
    const cold = performance.now() - t;
    const warm: number[] = [];
    for (let i = 0; i < (smoke ? 1 : 5); i++) {
      await orchestrator.stop(handle.machineId);
      t = performance.now();
      await orchestrator.start(handle.machineId, spec);
      await orchestrator.waitUntilHealthy(handle.machineId, 30_000);
      warm.push(performance.now() - t);
    }
    warm.sort((a, b) => a - b);
    rows.push(
      { area: 'bridge', metric: 'local deploy cold (cached package + start)', value: Math.round(cold), unit: 'ms', note: 'new home, package in the npm cache; target < 3000' },
      { area: 'bridge', metric: 'local restart warm (median)', value: Math.round(warm[Math.floor(warm.length / 2)]!), unit: 'ms', note: 'target < 1000' },
    );
    return rows;
  } finally {
    await orchestrator.shutdown();
    rmSync(home, { recursive: true, force: true });
  }
}

// Run directly: `node --conditions=@catwalk/source --import tsx bench/bridge.ts [--smoke] [--bridge-only]`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run({ smoke: process.argv.includes('--smoke'), bridgeOnly: process.argv.includes('--bridge-only') });
  for (const r of rows) console.log(`${r.metric.padEnd(36)} ${String(r.value).padStart(8)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
