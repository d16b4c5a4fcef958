/**
 * End to end, on real parts: `catwalk serve` as its own process (embedded PGlite, local orchestrator), the
 * CLI as separate processes, @modelcontextprotocol/server-memory from the real npm registry, and the MCP SDK's
 * Streamable-HTTP client through the gateway. The steps share one service and run in order; a step that
 * cannot run because an earlier one failed says so.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ServiceProcess } from './support.js';
import { catwalk, eventually, freePort, initializeStatus, processesUnder, startService } from './support.js';

interface Created {
  deployment: { id: string; status: string; tools: { name: string }[] };
  endpoint: string;
  accessToken: string;
  snippets: { claudeCode: string; mcpServers: Record<string, unknown> };
}

async function connect(endpoint: string, token: string): Promise<Client> {
  const client = new Client({ name: 'catwalk-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

describe('e2e: catwalk serve + CLI + server-memory from npm + MCP client', function () {
  this.timeout(600_000);
  const home = mkdtempSync(join(tmpdir(), 'catwalk-e2e-'));
  const serviceEnv = { CATWALK_HOME: home, CATWALK_LOG_LEVEL: 'warn' };
  let port = 0;
  let service: ServiceProcess | undefined;
  let adminKey: string | undefined;
  let apiKey: string | undefined;
  let created: Created | undefined;
  let token: string | undefined;

  const cliEnv = () => ({ CATWALK_HOME: join(home, 'cli'), CATWALK_URL: `http://127.0.0.1:${port}`, CATWALK_API_KEY: apiKey ?? adminKey ?? '' });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`cannot run: ${what} is missing because an earlier step failed`);
    return value;
  };

  before(async () => {
    port = await freePort();
  });

  after(async () => {
    await service?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('starts the service with `catwalk serve` and prints the admin API key once', async () => {
    service = await startService(port, serviceEnv);
    const match = /cwa_[A-Za-z0-9_-]{43}/.exec(service.stdout());
    expect(match, `serve printed:\n${service.stdout()}`).to.not.equal(null);
    adminKey = match![0];
    // The first start saves the URL and the key for the CLI on this machine (no `catwalk login` needed). It says so
    // once the file is written, which can be a moment after it starts listening.
    for (const deadline = Date.now() + 10_000; !service.stdout().includes('Saved it for the catwalk CLI'); ) {
      if (Date.now() > deadline) throw new Error(`serve did not report saving the CLI settings:\n${service.stdout()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const saved = join(home, 'cli.json');
    expect(statSync(saved).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).to.deep.equal({ url: `http://127.0.0.1:${port}`, apiKey: adminKey });
  });

  it('creates an API key with `catwalk keys create`', async () => {
    need(adminKey, 'the admin key');
    const result = await catwalk(['keys', 'create', 'e2e', '--json'], cliEnv());
    expect(result.code, result.stderr).to.equal(0);
    const body = JSON.parse(result.stdout) as { apiKey: string };
    expect(body.apiKey).to.match(/^cwa_/);
    apiKey = body.apiKey;
  });

  it('deploys npm:@modelcontextprotocol/server-memory with `catwalk deploy` until running', async () => {
    need(adminKey, 'an API key');
    // The server runs jailed: its package is read-only, so its memory file goes in the private writable home.
    const memoryFile = ['--env', 'MEMORY_FILE_PATH=/home/mcp/memory.jsonl'];
    const result = await catwalk(['deploy', 'npm:@modelcontextprotocol/server-memory', '--name', 'memory', ...memoryFile, '--json'], cliEnv());
    expect(result.code, result.stderr).to.equal(0);
    created = JSON.parse(result.stdout) as Created;
    expect(created.deployment.status).to.equal('running');
    expect(created.accessToken).to.match(/^cwt_/);
    expect(created.snippets.claudeCode).to.contain(`claude mcp add --transport http memory ${created.endpoint}`);
    expect(result.stderr).to.match(/✓ validate[\s\S]*✓ seal[\s\S]*✓ deploy[\s\S]*✓ healthy[\s\S]*✓ tools/);
    token = created.accessToken;
  });

  it('answers the MCP SDK client through the gateway: list and call tools', async () => {
    const { endpoint } = need(created, 'the deployment');
    const client = await connect(endpoint, need(token, 'the token'));
    try {
      const tools = await client.listTools();
      const names = tools.tools.map((t) => t.name);
      expect(names).to.include.members(['create_entities', 'read_graph']);
      await client.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'catwalk', entityType: 'project', observations: ['deployed end to end'] }] } });
      const graph = await client.callTool({ name: 'read_graph', arguments: {} });
      expect(JSON.stringify(graph.content)).to.contain('deployed end to end');
    } finally {
      await client.close();
    }
  });

  it('`catwalk stop` makes the endpoint answer 503; `catwalk start` brings it back', async () => {
    const { endpoint, deployment } = need(created, 'the deployment');
    const stopped = await catwalk(['stop', deployment.id], cliEnv());
    expect(stopped.code, stopped.stderr).to.equal(0);
    expect(await initializeStatus(endpoint, need(token, 'the token'))).to.equal(503);
    const started = await catwalk(['start', deployment.id], cliEnv());
    expect(started.code, started.stderr).to.equal(0);
    expect(started.stdout).to.contain('is running');
  });

  it('`catwalk token rotate` kills the old token at once (401) and the new one works', async () => {
    const { endpoint, deployment } = need(created, 'the deployment');
    const old = need(token, 'the token');
    const rotated = await catwalk(['token', 'rotate', deployment.id, '--json'], cliEnv());
    expect(rotated.code, rotated.stderr).to.equal(0);
    token = (JSON.parse(rotated.stdout) as Created).accessToken;
    expect(token).to.not.equal(old);
    expect(await initializeStatus(endpoint, old)).to.equal(401);
    const client = await connect(endpoint, token);
    await client.listTools();
    await client.close();
  });

  it('brings the deployment back running after the service restarts', async () => {
    const { endpoint, deployment } = need(created, 'the deployment');
    expect(await need(service, 'the service').stop()).to.not.equal(null);
    service = await startService(port, serviceEnv);
    // Poll the API directly (a CLI process per poll is slow); the CLI reads the final state below.
    let last: { status?: string; errorMessage?: string | null } = {};
    const running = await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/deployments/${deployment.id}`, { headers: { authorization: `Bearer ${cliEnv().CATWALK_API_KEY}` } });
      last = (await response.json()) as typeof last;
      // failed is final: the reconciler gave the deployment up instead of starting it again.
      return last.status === 'running' || last.status === 'failed';
    }, 180_000, 500);
    expect(last.status, `not running again after the restart: last seen ${JSON.stringify(last)}`).to.equal('running');
    expect(running, `not running again after the restart: last seen ${JSON.stringify(last)}`).to.equal(true);
    const status = await catwalk(['status', deployment.id, '--json'], cliEnv());
    expect((JSON.parse(status.stdout) as { status: string }).status).to.equal('running');
    const client = await connect(endpoint, need(token, 'the token'));
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).to.include('read_graph');
    await client.close();
  });

  it('`catwalk rm` deletes it: the API answers 404 and no process of it is left', async () => {
    const { endpoint, deployment } = need(created, 'the deployment');
    const deploymentDir = join(home, 'deployments', deployment.id);
    const before = processesUnder(deploymentDir).concat(processesUnder(join(home, 'packages')));
    expect(before, 'the MCP server process should be visible before rm (else "none left" proves nothing)').to.not.have.length(0);
    const removed = await catwalk(['rm', deployment.id, '--yes'], cliEnv());
    expect(removed.code, removed.stderr).to.equal(0);
    const response = await fetch(`http://127.0.0.1:${port}/api/deployments/${deployment.id}`, { headers: { authorization: `Bearer ${cliEnv().CATWALK_API_KEY}` } });
    expect(response.status).to.equal(404);
    const status = await catwalk(['status', deployment.id], cliEnv());
    expect(status.code).to.equal(1);
    expect(await initializeStatus(endpoint, need(token, 'the token'))).to.equal(401);
    const gone = await eventually(() => processesUnder(deploymentDir).length + processesUnder(join(home, 'packages')).length === 0, 15_000);
    expect(gone, `left: ${JSON.stringify(processesUnder(home))}`).to.equal(true);
  });
});
