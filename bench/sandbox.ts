/**
 * Sandbox figures: cold start of the real `@modelcontextprotocol/server-memory` (spawn → MCP `initialize`
 * answered) with and without the bubblewrap jail, and per-call latency (`read_graph` over stdio) with and without
 * it, directly over stdio and through the local orchestrator's bridge (HTTP, SDK client). The jail adds
 * namespaces and mounts at start; a call crosses no extra hop, so its overhead should be ~0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Sandbox } from '@catwalk/core';
import { LocalOrchestrator } from '../packages/adapters/src/orchestrator/local/localOrchestrator.js';
import { BubblewrapSandbox } from '../packages/adapters/src/sandbox/bubblewrap.js';
import type { BenchRow } from './types.js';

const AREA = 'sandbox';
const MEMORY_DIR = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-memory', import.meta.url));
const MEMORY_BIN = join(MEMORY_DIR, 'dist', 'index.js');
const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

type Launch = { argv: readonly string[]; env: Record<string, string>; cwd: string };

async function connect(launch: Launch): Promise<Client> {
  const [command, ...args] = launch.argv;
  const client = new Client({ name: 'bench-sandbox', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: command!, args, env: launch.env, cwd: launch.cwd, stderr: 'ignore' }));
  return client;
}

/** Deploy → healthy through the local orchestrator, then `calls` read_graph calls through its bridge. */
async function throughBridge(home: string, sandbox: Sandbox | undefined, calls: number): Promise<{ deployMs: number; latenciesUs: number[] }> {
  const orchestrator = new LocalOrchestrator({
    home,
    preinstall: false,
    guardExit: false,
    ...(sandbox === undefined ? {} : { sandbox }),
    launcher: async () => ({ command: process.execPath, args: [MEMORY_BIN], readOnlyPaths: [NODE_MODULES] }),
  });
  try {
    const started = performance.now();
    const spec = { deploymentId: 'bench-bridge', package: { runtime: 'npm' as const, name: 'server-memory', version: '1.0.0' }, args: [], env: { MEMORY_FILE_PATH: '/home/mcp/memory.jsonl' }, transport: 'stdio' as const };
    const handle = await orchestrator.deploy(spec);
    await orchestrator.waitUntilHealthy(handle.machineId, 60_000);
    const deployMs = performance.now() - started;
    const client = new Client({ name: 'bench-sandbox', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(handle.upstreamUrl)));
    const latenciesUs: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await client.callTool({ name: 'read_graph', arguments: {} });
      latenciesUs.push((performance.now() - t) * 1000);
    }
    await client.close();
    return { deployMs, latenciesUs };
  } finally {
    await orchestrator.shutdown();
  }
}

export async function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  const home = mkdtempSync(join(tmpdir(), 'catwalk-bench-sandbox-'));
  const sandbox = new BubblewrapSandbox({ home });
  const starts = options.smoke ? 2 : 10;
  const calls = options.smoke ? 20 : 1000;
  const plain = (): Launch => ({ argv: [process.execPath, MEMORY_BIN], env: { MEMORY_FILE_PATH: join(home, 'plain.jsonl'), LANG: 'C.UTF-8' }, cwd: home });
  const jailed = async (): Promise<Launch> => {
    const launch = await sandbox.wrap({
      argv: [process.execPath, MEMORY_BIN],
      env: { MEMORY_FILE_PATH: '/home/mcp/memory.jsonl' },
      cwd: home,
      deploymentId: 'bench',
      network: 'shared',
      readOnlyPaths: [NODE_MODULES],
    });
    return { argv: launch.argv, env: { ...launch.env }, cwd: launch.cwd };
  };
  const rows: BenchRow[] = [];
  try {
    for (const [label, make] of [
      ['unconfined', async () => plain()],
      ['bubblewrap', jailed],
    ] as const) {
      const cold: number[] = [];
      for (let i = 0; i < starts; i++) {
        const launch = await make();
        const started = performance.now();
        const client = await connect(launch);
        cold.push(performance.now() - started);
        await client.close();
      }
      rows.push({ area: AREA, metric: `cold start server-memory, ${label} (median)`, value: Math.round(median(cold)), unit: 'ms', note: `${starts} starts` });
      const client = await connect(await make());
      const latencies: number[] = [];
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        await client.callTool({ name: 'read_graph', arguments: {} });
        latencies.push((performance.now() - started) * 1000);
      }
      await client.close();
      rows.push({ area: AREA, metric: `read_graph call over stdio, ${label} (p50)`, value: Math.round(median(latencies)), unit: 'µs', note: `${calls} calls` });
      rows.push({ area: AREA, metric: `read_graph call over stdio, ${label} (p99)`, value: Math.round(percentile(latencies, 99)), unit: 'µs', note: `${calls} calls` });
    }
    for (const [label, jail] of [
      ['unconfined', undefined],
      ['bubblewrap', sandbox],
    ] as const) {
      const { deployMs, latenciesUs } = await throughBridge(home, jail, calls);
      rows.push({ area: AREA, metric: `local deploy → healthy (server-memory), ${label}`, value: Math.round(deployMs), unit: 'ms', note: 'one deploy, orchestrator + bridge' });
      rows.push({ area: AREA, metric: `read_graph through the bridge, ${label} (p50)`, value: Math.round(median(latenciesUs)), unit: 'µs', note: `${calls} calls, SDK HTTP client` });
      rows.push({ area: AREA, metric: `read_graph through the bridge, ${label} (p99)`, value: Math.round(percentile(latenciesUs, 99)), unit: 'µs', note: `${calls} calls, SDK HTTP client` });
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}
