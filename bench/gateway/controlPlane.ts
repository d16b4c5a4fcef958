/**
 * The control plane under test, run as its own process by bench/gateway.ts so its CPU can be read from /proc
 * apart from the client's: the real HTTP service (API + gateway) with in-memory storage (the gateway's hot path
 * does not touch storage) and the real local orchestrator, whose in-process bridge runs server-memory from
 * node_modules as a child process (excluded from the figures: it is its own process; SCHED_BATCH, the
 * orchestrator's default, unless CATWALK_SANDBOX_SCHEDULING=normal). Prints one JSON line with
 * the endpoint, the token and the bridge's own URL, then serves until stdin closes. Meanwhile it answers one JSON
 * line per command line on stdin: `memory` (RSS and heap after a full GC when run with --expose-gc) and `reap`
 * (runs the bridge's idle reaper as if every session had been idle past its timeout).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RunDeployment, loadConfig } from '@catwalk/core';
import type { DeploySpec, MachineHandle, Orchestrator } from '@catwalk/core';
import { FakeOrchestrator, aMcpConfig, aSnapshot, anEnvVar, createFakePorts } from '@catwalk/core/testing';
import { ChildScheduling, LocalOrchestrator } from '@catwalk/adapters';
import { startServer } from '@catwalk/http';

const require = createRequire(import.meta.url);
const serverMemory = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');
const home = mkdtempSync(join(tmpdir(), 'catwalk-bench-'));
// In-memory storage and catalogues; the real clock, ids, secrets and token hasher (node:crypto), as in production.
const { clock: _clock, ids: _ids, secrets: _secrets, hasher: _hasher, logger: _logger, ...ports } = createFakePorts();
ports.repoSource.add(aSnapshot());
ports.analyzer.setFallback(aMcpConfig({ envVars: [anEnvVar({ name: 'MEMORY_FILE_PATH', required: false, secret: false })] }));
/**
 * The argument picks what the deployment runs: none → server-memory behind the local orchestrator's bridge;
 * `stdio:<script>` → that stdio MCP server (a .mjs file) behind the bridge; a URL → deployments "run" there (the
 * zero-work HTTP server), so the gateway's HTTP proxy path is measured alone.
 */
class FixedUpstreamOrchestrator extends FakeOrchestrator {
  constructor(private readonly upstreamUrl: string) {
    super();
  }
  override async deploy(spec: DeploySpec): Promise<MachineHandle> {
    return { ...(await super.deploy(spec)), upstreamUrl: this.upstreamUrl };
  }
}
const target = process.argv[2];
// CATWALK_SANDBOX_SCHEDULING passes through, so the bench can measure the servers' scheduling policy's share too.
const scheduling = new ChildScheduling(process.env['CATWALK_SANDBOX_SCHEDULING'] === 'normal' ? 'normal' : 'batch');
const stdioServer = target === undefined ? serverMemory : target.startsWith('stdio:') ? target.slice('stdio:'.length) : undefined;
const orchestrator: Orchestrator =
  stdioServer !== undefined
    ? new LocalOrchestrator({ home, preinstall: false, scheduling, launcher: async () => ({ command: process.execPath, args: [stdioServer] }) })
    : new FixedUpstreamOrchestrator(target!);
// CATWALK_GATEWAY_FAST_LANE passes through, so the bench can measure node:http alone too.
const fastLane = process.env['CATWALK_GATEWAY_FAST_LANE'] ?? 'true';
const server = await startServer(loadConfig({ CATWALK_HOME: home, CATWALK_PORT: '0', CATWALK_LOG_LEVEL: 'silent', CATWALK_GATEWAY_FAST_LANE: fastLane }, {}), {
  overrides: { ...ports, orchestrator },
  http: { rateLimit: { burst: 1e9, perSecond: 1e9 }, authCacheTtlMs: 3_600_000 },
  background: false,
});
const response = await fetch(`${server.url}/api/deployments`, {
  method: 'POST',
  headers: { authorization: `Bearer ${server.adminApiKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'memory', source: 'npm:@example/mcp-server@1.2.3', credentials: { MEMORY_FILE_PATH: join(home, 'memory.jsonl') } }),
});
const created = (await response.json()) as { deployment: { id: string }; endpoint: string; accessToken: string };
const run = await server.catwalk.container.get(RunDeployment).execute({ deploymentId: created.deployment.id });
if (run.outcome !== 'running') throw new Error(`deployment did not start: ${JSON.stringify(run)}`);
process.stdout.write(`${JSON.stringify({ endpoint: created.endpoint, token: created.accessToken, bridgeUrl: run.deployment.upstreamUrl, pid: process.pid })}\n`);
function memory(): { rss: number; heapUsed: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const bridge = orchestrator instanceof LocalOrchestrator ? orchestrator.bridgeOf(LocalOrchestrator.machineIdOf(created.deployment.id)) : undefined;
  if (line === 'memory') {
    process.stdout.write(`${JSON.stringify({ ...memory(), sessions: bridge?.stats.sessions ?? -1 })}\n`);
  } else if (line === 'reap') {
    // "now" one idle period plus a minute ahead: every session without an open connection counts as idle.
    const reaped = bridge?.reapIdle(Date.now() + 10 * 60_000 + 60_000) ?? -1;
    process.stdout.write(`${JSON.stringify({ reaped, sessions: bridge?.stats.sessions ?? -1 })}\n`);
  }
});
commands.on('close', () => {
  void server.close().then(() => {
    rmSync(home, { recursive: true, force: true });
    process.exit(0);
  });
});
