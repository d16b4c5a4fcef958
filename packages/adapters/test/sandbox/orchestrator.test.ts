import { expect } from 'chai';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeploySpec } from '@catwalk/core';
import { RecordingSandbox } from '@catwalk/core/testing';
import { LocalOrchestrator } from '../../src/orchestrator/local/localOrchestrator.js';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { connectClient, textOf } from '../bridge/helpers.js';
import { SCHED_BATCH, policyInStat, waitUntil } from '../orchestrator/processTable.js';
import { JAIL_PROBE, JAIL_PROBE_PATHS, ROOT_NODE_MODULES, makeHome } from './support.js';

const FILESYSTEM_BIN = fileURLToPath(new URL('../../../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url));

function spec(id: string, name: string, args: string[], env: Record<string, string> = {}, network: 'shared' | 'none' = 'shared'): DeploySpec {
  return { deploymentId: id, package: { runtime: 'npm', name, version: '1.0.0' }, args, env, transport: 'stdio', network };
}

/** Host pids whose command line mentions `marker` (the jailed server and its bwrap parents). */
function processesMentioning(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('LocalOrchestrator with the bubblewrap sandbox (through the bridge)', function () {
  this.timeout(30_000);
  let home: string;
  let orchestrator: LocalOrchestrator;

  beforeEach(() => {
    home = makeHome();
    orchestrator = new LocalOrchestrator({
      home,
      preinstall: false,
      sandbox: new BubblewrapSandbox({ home }),
      restart: { initialDelayMs: 20, maxDelayMs: 100, maxCrashes: 5, crashWindowMs: 60_000, stopGraceMs: 1000 },
      // The packages here are already on disk: run their file directly, and let the jail read them.
      launcher: async (s) =>
        s.package.name === 'server-filesystem'
          ? { command: process.execPath, args: [FILESYSTEM_BIN, ...s.args], readOnlyPaths: [ROOT_NODE_MODULES] }
          : { command: process.execPath, args: [JAIL_PROBE, ...s.args], readOnlyPaths: JAIL_PROBE_PATHS },
    });
  });
  afterEach(async () => {
    await orchestrator.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  it('serves the real server-filesystem with args ["/"]: listing / works, the key file stays out of reach', async () => {
    const handle = await orchestrator.deploy(spec('fs1', 'server-filesystem', ['/']));
    await orchestrator.waitUntilHealthy(handle.machineId, 20_000);
    const { client } = await connectClient(handle.upstreamUrl);
    try {
      const listing = textOf(await client.callTool({ name: 'list_directory', arguments: { path: '/' } }));
      expect(listing).to.contain('[DIR] usr');
      expect(listing).to.contain('[DIR] home');
      const key = (await client.callTool({ name: 'read_text_file', arguments: { path: join(home, 'secret.key') } })) as { isError?: boolean };
      expect(key.isError).to.equal(true);
      expect(JSON.stringify(key)).to.not.contain('KEY-FILE-CONTENT');
      expect(JSON.stringify(key)).to.match(/ENOENT|no such file/i);
      const db = (await client.callTool({ name: 'read_text_file', arguments: { path: join(home, 'data', 'PG_VERSION') } })) as { isError?: boolean };
      expect(db.isError).to.equal(true);
    } finally {
      await client.close();
    }
  });

  it('gives the jailed server exactly its credentials and the minimal environment', async () => {
    process.env.DATABASE_URL = 'postgres://control-plane-secret';
    try {
      const handle = await orchestrator.deploy(spec('probe1', 'jail-probe', [], { API_TOKEN: 'tok-123456' }));
      await orchestrator.waitUntilHealthy(handle.machineId, 20_000);
      const { client } = await connectClient(handle.upstreamUrl);
      const env = JSON.parse(textOf(await client.callTool({ name: 'env', arguments: {} }))) as { value: Record<string, string> };
      // bwrap's --chdir adds PWD (the jail's working directory); nothing else is added.
      expect(Object.keys(env.value).sort()).to.deep.equal(['API_TOKEN', 'HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR']);
      expect(env.value).to.deep.include({ HOME: '/home/mcp', TMPDIR: '/tmp', PWD: '/home/mcp', API_TOKEN: 'tok-123456' });
      await client.close();
    } finally {
      delete process.env.DATABASE_URL;
    }
  });

  it('runs the jailed server itself under SCHED_BATCH (chrt → prlimit → bwrap → server inherit it)', async () => {
    const handle = await orchestrator.deploy(spec('sched1', 'jail-probe', []));
    await orchestrator.waitUntilHealthy(handle.machineId, 20_000);
    const { client } = await connectClient(handle.upstreamUrl);
    const stat = JSON.parse(textOf(await client.callTool({ name: 'read_file', arguments: { path: '/proc/self/stat' } }))) as { value: string };
    await client.close();
    expect(policyInStat(stat.value)).to.equal(SCHED_BATCH);
  });

  it('two jailed deployments see neither each other nor the control plane; destroy leaves no process', async () => {
    const a = await orchestrator.deploy(spec('jail-a', 'jail-probe', ['marker-jail-a'], { SECRET_A: 'alpha' }));
    const b = await orchestrator.deploy(spec('jail-b', 'jail-probe', ['marker-jail-b'], { SECRET_B: 'bravo' }, 'none'));
    await Promise.all([orchestrator.waitUntilHealthy(a.machineId, 20_000), orchestrator.waitUntilHealthy(b.machineId, 20_000)]);
    const { client } = await connectClient(a.upstreamUrl);
    const call = async (name: string, args: Record<string, unknown> = {}) => JSON.parse(textOf(await client.callTool({ name, arguments: args }))) as { ok: boolean; value?: unknown };
    const bPid = orchestrator.pidOf(b.machineId)!;
    expect((await call('read_file', { path: `/proc/${bPid}/environ` })).ok).to.equal(false);
    expect((await call('read_file', { path: join(home, 'deployments', 'jail-b', 'home') })).ok).to.equal(false);
    expect((await call('kill', { pid: process.pid, signal: 'SIGCONT' })).ok).to.equal(false);
    expect((await call('read_file', { path: join(home, 'secret.key') })).ok).to.equal(false);
    expect(JSON.stringify((await call('env')).value)).to.not.contain('bravo');
    await client.close();
    expect(processesMentioning('marker-jail-a').length).to.be.greaterThan(0);
    await orchestrator.destroy(a.machineId);
    await orchestrator.destroy(b.machineId);
    await waitUntil(() => processesMentioning('marker-jail-a').length === 0 && processesMentioning('marker-jail-b').length === 0);
  });

  it('installs an npm package outside the jail, then runs its bin inside it read-only (real server-memory)', async function () {
    this.timeout(120_000);
    await orchestrator.shutdown();
    // No launcher: the default one. `preinstall: false` is overridden, because a jail cannot run npx.
    orchestrator = new LocalOrchestrator({ home, preinstall: false, sandbox: new BubblewrapSandbox({ home }), npmCacheDir: join(tmpdir(), 'catwalk-test-npm-cache') });
    const version = (await import('@modelcontextprotocol/server-memory/package.json', { with: { type: 'json' } })).default.version as string;
    const memory: DeploySpec = { ...spec('mem1', 'x', []), package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version } };
    const handle = await orchestrator.deploy({ ...memory, env: { MEMORY_FILE_PATH: '/home/mcp/memory.jsonl' } });
    await orchestrator.waitUntilHealthy(handle.machineId, 60_000);
    const { client } = await connectClient(handle.upstreamUrl);
    await client.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'Ada', entityType: 'person', observations: ['jailed'] }] } });
    expect(textOf(await client.callTool({ name: 'read_graph', arguments: {} }))).to.include('Ada');
    await client.close();
    // The server wrote into its private home; the package directory stayed read-only.
    expect(readFileSync(join(home, 'deployments', 'mem1', 'home', 'memory.jsonl'), 'utf8')).to.include('Ada');
    expect(readdirSync(join(home, 'packages'))).to.deep.equal([`@modelcontextprotocol+server-memory@${version}`]);
  });
});

describe('LocalOrchestrator → Sandbox port (what it hands to the sandbox)', () => {
  it('wraps every launch with the deployment id, its network option and the read-only paths of the launcher', async () => {
    const home = makeHome();
    const sandbox = new RecordingSandbox(true);
    const orchestrator = new LocalOrchestrator({
      home,
      preinstall: false,
      sandbox,
      launcher: async (s) => ({ command: process.execPath, args: [JAIL_PROBE, ...s.args], readOnlyPaths: JAIL_PROBE_PATHS }),
    });
    try {
      const handle = await orchestrator.deploy(spec('rec1', 'jail-probe', ['--flag', 'a b'], { TOKEN: 't-1' }, 'none'));
      await orchestrator.waitUntilHealthy(handle.machineId, 20_000);
      const launch = sandbox.launches[0]!;
      expect(launch).to.deep.include({ deploymentId: 'rec1', network: 'none', readOnlyPaths: JAIL_PROBE_PATHS });
      expect(launch.argv).to.deep.equal([process.execPath, JAIL_PROBE, '--flag', 'a b']);
      expect(launch.env.TOKEN).to.equal('t-1');
      expect(launch.cwd).to.equal(join(home, 'deployments', 'rec1', 'home'));
    } finally {
      await orchestrator.shutdown();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
