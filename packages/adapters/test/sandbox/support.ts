import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Sandbox } from '@catwalk/core';

/** The jail-probe fixture server and what it needs to read (its own directory and the workspace's node_modules). */
export const JAIL_PROBE = fileURLToPath(new URL('../fixtures/jail-probe/server.mjs', import.meta.url));
export const ROOT_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
export const JAIL_PROBE_PATHS = [dirname(JAIL_PROBE), ROOT_NODE_MODULES];

/** A fake `$CATWALK_HOME` with the things a jail must never read: the key file and database files. */
export function makeHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'catwalk-jail-'));
  writeFileSync(join(home, 'secret.key'), 'KEY-FILE-CONTENT', { mode: 0o600 });
  mkdirSync(join(home, 'data'), { recursive: true });
  writeFileSync(join(home, 'data', 'PG_VERSION'), 'DATABASE-FILE-CONTENT');
  return home;
}

/** A running jailed fixture, connected with the SDK's stdio client. */
export interface JailedProbe {
  readonly client: Client;
  /** The host pid of the spawned process (prlimit/bwrap). */
  readonly pid: number;
  call(tool: string, args?: Record<string, unknown>): Promise<{ ok: boolean; value?: unknown; code?: string }>;
  close(): Promise<void>;
}

/** Starts the fixture through `sandbox.wrap` (the orchestrator's path, without the bridge). */
export async function startProbe(sandbox: Sandbox, deploymentId: string, credentials: Record<string, string>, network: 'shared' | 'none' = 'shared'): Promise<JailedProbe> {
  const launch = await sandbox.wrap({
    argv: [process.execPath, JAIL_PROBE],
    env: { ...credentials, LANG: 'C.UTF-8' },
    cwd: tmpdir(),
    deploymentId,
    network,
    readOnlyPaths: JAIL_PROBE_PATHS,
  });
  const [command, ...args] = launch.argv;
  const transport = new StdioClientTransport({ command: command!, args, env: { ...launch.env }, cwd: launch.cwd, stderr: 'pipe' });
  const client = new Client({ name: 'sandbox-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    pid: transport.pid!,
    async call(tool, toolArgs = {}) {
      const result = (await client.callTool({ name: tool, arguments: toolArgs })) as { content: { type: string; text: string }[] };
      return JSON.parse(result.content[0]!.text) as { ok: boolean; value?: unknown; code?: string };
    },
    close: () => client.close(),
  };
}
