import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBridge, type RunningBridge } from '../../src/bridge/runBridge.js';
import { SCHED_BATCH, policyOf, waitUntil } from '../orchestrator/processTable.js';
import { connectClient } from './helpers.js';

/** The exact server-memory version installed at the root: npx runs it from the npm registry (reachable here). */
const MEMORY_VERSION = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../../../node_modules/@modelcontextprotocol/server-memory/package.json', import.meta.url)), 'utf8')) as { version: string }
).version;

describe('runBridge (`catwalk bridge`, the runner image entrypoint)', function () {
  this.timeout(120_000);
  let work: string;
  let running: RunningBridge | undefined;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'catwalk-runbridge-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(work, { recursive: true, force: true });
  });

  it('runs an exact npm package through npx under SCHED_BATCH and serves it on /mcp, its credential passed', async () => {
    running = await runBridge({
      runtime: 'npm',
      package: `@modelcontextprotocol/server-memory@${MEMORY_VERSION}`,
      port: 0,
      workDir: work,
      credentialNames: ['MEMORY_FILE_PATH'],
      env: { MEMORY_FILE_PATH: join(work, 'memory.jsonl') },
    });
    await waitUntil(() => running!.supervisor.state === 'running', 90_000);
    expect(policyOf(running.supervisor.pid!)).to.equal(SCHED_BATCH);
    const { client } = await connectClient(running.server.url);
    await client.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'catwalk', entityType: 'project', observations: ['runs MCP servers'] }] } });
    await client.close();
    // The named credential reached the server: it wrote the graph where MEMORY_FILE_PATH says.
    expect(readFileSync(join(work, 'memory.jsonl'), 'utf8')).to.include('"name":"catwalk"');
  });

  it('refuses a package without an exact version', async () => {
    let error: unknown;
    await runBridge({ runtime: 'npm', package: '@modelcontextprotocol/server-memory', port: 0, workDir: work }).catch((e: unknown) => (error = e));
    expect(error).to.have.property('code', 'invalid_package_name');
  });
});
