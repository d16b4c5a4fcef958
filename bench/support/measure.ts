/**
 * Measurement helpers shared by the bench modules: per-process CPU from /proc, MCP call loops (sequential and
 * N-way) with latency percentiles, and starting a helper process that listens on HTTP.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** @modelcontextprotocol/server-memory's entry (a root dev dependency): the MCP server every bench talks to. */
export const MEMORY_BIN = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
export const CLK_TCK = 100;

/** utime + stime of one process, children excluded, in microseconds (Linux /proc/<pid>/stat fields 14 and 15). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLK_TCK;
}

/** The value at quantile `q` (0–1) of sorted numbers. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** What a call loop measured. */
export interface CallStats {
  readonly perSecond: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

/** A tool call to repeat (read_graph of server-memory by default: cheap, so the proxy's cost shows). */
export type Call = (client: Client) => Promise<unknown>;
export const readGraph: Call = (client) => client.callTool({ name: 'read_graph', arguments: {} });

/** `calls` calls one after the other on one client. */
export async function sequentialCalls(client: Client, calls: number, call: Call = readGraph): Promise<CallStats> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await call(client);
    latencies.push(performance.now() - t);
  }
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { perSecond: (calls / elapsed) * 1000, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** One loop per client, all at once, `callsEach` calls each; answers the total calls per second. */
export async function parallelCalls(clients: readonly Client[], callsEach: number, call: Call = readGraph): Promise<CallStats> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < callsEach; i++) {
        const t = performance.now();
        await call(client);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { perSecond: ((clients.length * callsEach) / elapsed) * 1000, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** An MCP client connected over Streamable HTTP (optional extra headers, e.g. Authorization). */
export async function connectHttp(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'catwalk-bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A started helper process and how to end it. */
export interface HelperProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 3 s; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Spawns `argv` (no shell) in its own process group and waits until `readyUrl` answers any HTTP status (a
 * proxy listening). Stopping signals the whole group, so the MCP servers it spawned go too.
 */
export async function startListening(argv: readonly string[], readyUrl: string, env: Record<string, string>, timeoutMs = 30_000): Promise<HelperProcess> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited early: ${err}`);
    const up = await fetch(readyUrl, { method: 'GET' }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`${argv[0]} did not listen within ${timeoutMs} ms: ${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const signal = (name: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, name);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      signal('SIGKILL'); // children that outlived their parent
    },
  };
}

/**
 * Runs `work` with Node's MaxListenersExceededWarning muted. The SDK's Streamable-HTTP client adds an abort
 * listener per request answered with an SSE stream (as supergateway and mcp-proxy answer) and only warns about
 * it; thousands of identical warning lines would bury the table. Every other warning still prints.
 */
export async function withoutListenerWarnings<T>(work: () => Promise<T>): Promise<T> {
  const original = process.listeners('warning');
  process.removeAllListeners('warning');
  const filter = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') return;
    for (const listener of original) listener(warning);
  };
  process.on('warning', filter);
  try {
    return await work();
  } finally {
    process.off('warning', filter);
    for (const listener of original) process.on('warning', listener);
  }
}

/**
 * Runs `op` `rounds` × `perRound` times in this process; answers the best round's µs per call (the round the VM
 * disturbed least: for code that runs alone, the fastest round is the truest).
 */
export function bestMicrosPerCall(rounds: number, perRound: number, op: () => void): number {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < perRound; i++) op();
    best = Math.min(best, ((performance.now() - started) * 1000) / perRound);
  }
  return Math.round(best * 100) / 100;
}
