/**
 * Local deploy figures (issue 8): time from "deploy" to running (installed, started, healthy, tools listed) on
 * the local orchestrator, for @modelcontextprotocol/server-memory from the real npm registry.
 * - cold: a fresh CATWALK_HOME, so the package is installed from the registry (network and npm included);
 * - warm: a second deployment of the same package in the same home (installed already: start + health + tools);
 * - redeploy: the same deployment deployed again (what `catwalk redeploy` and a restart pay).
 * Run through the library (the orchestrator the service uses), without the HTTP service and its database, so
 * the figures are the deploy itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { LocalOrchestrator } from '@catwalk/adapters';
import type { DeploySpec } from '@catwalk/core';
import type { BenchRow } from './types.js';

const PACKAGE = { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '2026.8.31' } as const;

/** Deploys `spec` and waits until it is running with its tools listed; answers milliseconds. */
async function timeToRunning(orchestrator: LocalOrchestrator, spec: DeploySpec): Promise<{ ms: number; tools: number; machineId: string }> {
  const start = performance.now();
  const machine = await orchestrator.deploy(spec);
  await orchestrator.waitUntilHealthy(machine.machineId, 120_000);
  const tools = await orchestrator.listTools(machine.machineId);
  return { ms: performance.now() - start, tools: tools.length, machineId: machine.machineId };
}

function specFor(deploymentId: string, memoryFile: string): DeploySpec {
  return { deploymentId, package: PACKAGE, args: [], env: { MEMORY_FILE_PATH: memoryFile }, transport: 'stdio' };
}

export async function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  const home = mkdtempSync(join(tmpdir(), 'catwalk-bench-deploy-'));
  // The smoke keeps npm's download cache between runs (CI budget); a full run starts from an empty one.
  const npmCacheDir = options.smoke ? join(tmpdir(), 'catwalk-bench-npm-cache') : join(home, 'npm-cache');
  const orchestrator = new LocalOrchestrator({ home, npmCacheDir });
  const area = 'deploy';
  const rows: BenchRow[] = [];
  try {
    const first = specFor(randomUUID(), join(home, 'a.jsonl'));
    const cold = await timeToRunning(orchestrator, first);
    rows.push({ area, metric: 'local cold deploy → running', value: Math.round(cold.ms), unit: 'ms', note: `${options.smoke ? 'smoke: npm download cache kept between runs' : 'empty npm cache: download from the registry included'}; ${cold.tools} tools` });
    const warmRuns = options.smoke ? 1 : 5;
    const warm: number[] = [];
    const redeploy: number[] = [];
    for (let i = 0; i < warmRuns; i++) {
      const spec = specFor(randomUUID(), join(home, `w${i}.jsonl`));
      const result = await timeToRunning(orchestrator, spec);
      warm.push(result.ms);
      redeploy.push((await timeToRunning(orchestrator, spec)).ms);
      await orchestrator.destroy(result.machineId);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    rows.push({ area, metric: 'local warm deploy → running', value: Math.round(median(warm)), unit: 'ms', note: `package installed already; median of ${warmRuns}` });
    rows.push({ area, metric: 'local redeploy → running', value: Math.round(median(redeploy)), unit: 'ms', note: `same deployment again; median of ${warmRuns}` });
    await orchestrator.destroy(cold.machineId);
  } finally {
    await orchestrator.shutdown();
    rmSync(home, { recursive: true, force: true });
  }
  return rows;
}

// Run directly: `node --conditions=@catwalk/source --import tsx bench/deploy.ts [--smoke]`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run({ smoke: process.argv.includes('--smoke') });
  for (const r of rows) console.log(`${r.metric.padEnd(36)} ${String(r.value).padStart(8)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
