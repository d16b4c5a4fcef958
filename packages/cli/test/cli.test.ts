import { expect } from 'chai';
import { statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import { EXIT } from '../src/errors.js';
import { captureIo } from './support/captureIo.js';
import { FakeApi, deploymentFixture } from './support/fakeApi.js';

const KEY = 'cwa_' + 'k'.repeat(43);
const ID = '0b9f2c3e-1111-4222-8333-444455556666';
const TOKEN = 'cwt_' + 't'.repeat(43);

function created(overrides: Record<string, unknown> = {}) {
  const endpoint = `http://127.0.0.1:7420/mcp/${ID}`;
  return {
    deployment: deploymentFixture({ status: 'pending', tools: [], ...overrides }),
    endpoint,
    accessToken: TOKEN,
    snippets: {
      claudeCode: `claude mcp add --transport http server-memory ${endpoint} --header 'Authorization: Bearer ${TOKEN}'`,
      mcpServers: { 'server-memory': { type: 'http', url: endpoint, headers: { Authorization: `Bearer ${TOKEN}` } } },
    },
  };
}

describe('catwalk CLI against a fake API', () => {
  let api: FakeApi;

  beforeEach(async () => {
    api = await new FakeApi().start();
  });
  afterEach(() => api.stop());

  const run = async (argv: string[], env: Record<string, string | undefined> = {}, options: { tty?: boolean } = {}) => {
    const io = captureIo({ CATWALK_URL: api.url, CATWALK_API_KEY: KEY, ...env }, options);
    const code = await runCli(argv, io, { pollIntervalMs: 5 });
    return { code, out: io.out(), err: io.err(), io };
  };

  describe('exit codes', () => {
    it('0 for --help and --version', async () => {
      expect((await run(['--help'])).code).to.equal(EXIT.ok);
      const version = await run(['--version']);
      expect(version.code).to.equal(EXIT.ok);
      expect(version.out.trim()).to.equal('0.1.0');
    });

    it('2 for an unknown command, a missing argument or a bad option value', async () => {
      const unknown = await run(['frobnicate']);
      expect(unknown.code).to.equal(EXIT.usage);
      expect(unknown.err).to.match(/unknown command/);
      expect((await run(['status'])).code).to.equal(EXIT.usage);
      expect((await run([])).code, 'no command at all').to.equal(EXIT.usage);
      expect((await run(['help', 'deploy'])).code).to.equal(EXIT.ok);
      const badEnv = await run(['deploy', 'npm:x', '--env', 'no-equals']);
      expect(badEnv.code).to.equal(EXIT.usage);
      expect(badEnv.err).to.match(/--env takes NAME=value/);
      expect((await run(['logs', ID, '--tail', 'lots'])).code).to.equal(EXIT.usage);
      expect(api.received).to.have.length(0);
    });

    it('3 when the service cannot be reached, with a hint and no stack trace', async () => {
      await api.stop();
      const result = await run(['ls']);
      expect(result.code).to.equal(EXIT.unreachable);
      expect(result.err).to.match(/^catwalk: Cannot reach Catwalk at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(result.err).not.to.match(/\n\s+at /);
    });

    it("1 with the API's own message when the API refuses, and the validation issues", async () => {
      api.on('POST /api/analyze', { status: 422, body: { error: 'package_not_found', message: 'No npm package named nope.', details: {} } });
      const refused = await run(['analyze', 'npm:nope']);
      expect(refused.code).to.equal(EXIT.userError);
      expect(refused.err).to.equal('catwalk: No npm package named nope.\n');
      api.on('POST /api/validate/credentials', {
        status: 400,
        body: { error: 'invalid_credentials', message: 'Some credentials are invalid.', details: { issues: [{ path: 'API_URL', message: 'must be a URL' }] } },
      });
      const invalid = await run(['deploy', 'npm:x', '--env', 'API_URL=nope']);
      expect(invalid.code).to.equal(EXIT.userError);
      expect(invalid.err).to.contain('catwalk: Some credentials are invalid.\n  API_URL: must be a URL');
    });

    it('1 with a login hint on 401 when no key is configured', async () => {
      api.on('GET /api/deployments', { status: 401, body: { error: 'unauthorized', message: 'Invalid or missing API key.', details: {} } });
      const result = await run(['ls'], { CATWALK_API_KEY: undefined });
      expect(result.code).to.equal(EXIT.userError);
      expect(result.err).to.contain('Invalid or missing API key. Set CATWALK_API_KEY, or run "catwalk login".');
    });
  });

  describe('settings', () => {
    it('sends CATWALK_API_KEY as a Bearer token', async () => {
      api.on('GET /api/deployments', { body: { items: [], nextCursor: null } });
      await run(['ls']);
      expect(api.received[0]?.headers.authorization).to.equal(`Bearer ${KEY}`);
    });

    it('falls back to $CATWALK_HOME/cli.json, and --url beats CATWALK_URL', async () => {
      api.on('GET /api/deployments', { body: { items: [], nextCursor: null } });
      const io = captureIo({ CATWALK_API_KEY: undefined, CATWALK_URL: 'http://127.0.0.1:1' });
      mkdirSync(io.env['CATWALK_HOME']!, { recursive: true });
      writeFileSync(join(io.env['CATWALK_HOME']!, 'cli.json'), JSON.stringify({ url: 'http://127.0.0.1:2', apiKey: KEY }), { mode: 0o600 });
      const code = await runCli(['--url', api.url, 'ls'], io);
      expect(code).to.equal(0);
      expect(api.received[0]?.headers.authorization).to.equal(`Bearer ${KEY}`);
    });

    it('login checks the key and writes cli.json with mode 0600', async () => {
      api.on('GET /api/deployments', { body: { items: [], nextCursor: null } });
      const io = captureIo({ CATWALK_URL: api.url });
      io.input.end(`${KEY}\n`);
      expect(await runCli(['login', '--api-key-stdin'], io)).to.equal(0);
      const file = join(io.env['CATWALK_HOME']!, 'cli.json');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(api.received[0]?.headers.authorization).to.equal(`Bearer ${KEY}`);
      expect(io.out()).not.to.contain(KEY);
    });
  });

  describe('read commands', () => {
    it('ls prints a table, and --json the API shape', async () => {
      api.on('GET /api/deployments', { body: { items: [deploymentFixture()], nextCursor: null } });
      const table = await run(['ls']);
      expect(table.out).to.match(/^ID\s+NAME\s+STATUS\s+TOOLS\s+PACKAGE\s+CREATED\n/);
      expect(table.out).to.contain(`${ID}  server-memory  running  2`);
      const json = await run(['ls', '--json']);
      expect(JSON.parse(json.out)).to.deep.equal({ items: [deploymentFixture()], nextCursor: null });
    });

    it('ls follows the cursor through every page', async () => {
      api.on('GET /api/deployments', (request) =>
        request.query['cursor'] === undefined
          ? { body: { items: [deploymentFixture({ name: 'a' })], nextCursor: 'c1' } }
          : { body: { items: [deploymentFixture({ name: 'b', id: '0b9f2c3e-1111-4222-8333-444455556667' })], nextCursor: null } },
      );
      const { out } = await run(['ls', '--json']);
      expect((JSON.parse(out) as { items: { name: string }[] }).items.map((d) => d.name)).to.deep.equal(['a', 'b']);
    });

    it('analyze --json prints exactly what POST /api/analyze answers', async () => {
      const analysis = {
        source: 'npm:@modelcontextprotocol/server-memory',
        cached: false,
        config: { name: 'memory', package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: '2026.8.31' }, envVars: [], tools: [], evidence: [], analyzers: ['static'] },
        form: { fields: [{ name: 'MEMORY_FILE_PATH', label: 'Memory file path', help: 'Where to keep the graph', input: 'text', kind: 'string', required: false, secret: false }], excluded: [], jsonSchema: { type: 'object' } },
      };
      api.on('POST /api/analyze', { body: analysis });
      const json = await run(['analyze', 'npm:@modelcontextprotocol/server-memory', '--json']);
      expect(JSON.parse(json.out)).to.deep.equal(analysis);
      expect(api.calls('POST /api/analyze')[0]?.body).to.deep.equal({ source: 'npm:@modelcontextprotocol/server-memory' });
      const table = await run(['analyze', 'npm:@modelcontextprotocol/server-memory']);
      expect(table.out).to.contain('package:   npm:@modelcontextprotocol/server-memory@2026.8.31');
      expect(table.out).to.match(/MEMORY_FILE_PATH\s+no\s+no\s+Where to keep the graph/);
    });

    it('status, events and logs render, and accept a name instead of an id', async () => {
      api.on('GET /api/deployments', { body: { items: [deploymentFixture()], nextCursor: null } });
      api.on('GET /api/deployments/:id', { body: deploymentFixture() });
      api.on('GET /api/deployments/:id/events', {
        body: { events: [{ type: 'created', at: '2026-11-22T10:00:00.000Z', to: 'pending' }, { type: 'status_changed', at: '2026-11-22T10:00:05.000Z', from: 'deploying', to: 'running' }] },
      });
      api.on('GET /api/deployments/:id/logs', { body: { lines: [{ at: '2026-11-22T10:00:01.000Z', stream: 'stderr', line: 'Knowledge Graph MCP Server running on stdio' }] } });
      const status = await run(['status', 'server-memory']);
      expect(status.code).to.equal(0);
      expect(status.out).to.contain(`endpoint:    http://127.0.0.1:7420/mcp/${ID}`);
      expect(status.out).to.contain('Tools (2):');
      expect((await run(['events', ID])).out).to.contain('deploying → running');
      const logs = await run(['logs', ID, '--tail', '5']);
      expect(logs.out).to.equal('2026-11-22T10:00:01.000Z err Knowledge Graph MCP Server running on stdio\n');
      expect(api.calls(`GET /api/deployments/${ID}/logs`)[0]?.query).to.deep.equal({ tail: '5' });
      expect(JSON.parse((await run(['status', ID, '--json'])).out)).to.deep.equal(deploymentFixture());
    });

    it('search shows how to deploy each entry and warns about catalogues that did not answer', async () => {
      api.on('GET /api/catalog/search', {
        body: { entries: [{ name: 'io.github/memory', description: 'Knowledge graph memory', packages: [{ runtime: 'npm', name: '@modelcontextprotocol/server-memory' }], catalogs: ['mcp-registry'] }], degraded: [{ catalog: 'glama', reason: 'timeout' }] },
      });
      const result = await run(['search', 'memory', 'graph', '--limit', '5']);
      expect(result.out).to.contain('npm:@modelcontextprotocol/server-memory');
      expect(result.err).to.contain('glama did not answer');
      expect(api.received[0]?.query).to.deep.equal({ q: 'memory graph', limit: '5' });
    });
  });

  describe('deploy', () => {
    function deployScript(final: 'running' | 'failed') {
      let polls = 0;
      api.on('POST /api/validate/credentials', (r) => ({ body: { valid: true, names: Object.keys((r.body as { credentials: object }).credentials).sort() } }));
      api.on('POST /api/deployments', { status: 201, body: created() });
      api.on('GET /api/deployments/:id', () => {
        polls++;
        if (polls < 3) return { body: deploymentFixture({ status: 'deploying', tools: [] }) };
        return { body: final === 'running' ? deploymentFixture() : deploymentFixture({ status: 'failed', tools: [], errorMessage: 'The server exited during start-up.' }) };
      });
      api.on('GET /api/deployments/:id/events', () => ({
        body: {
          events: [
            { type: 'progress', at: '2026-11-22T10:00:01.000Z', message: 'deploying npm:@modelcontextprotocol/server-memory@2026.8.31' },
            ...(polls >= 2 ? [{ type: 'progress', at: '2026-11-22T10:00:02.000Z', message: 'waiting until healthy' }] : []),
          ],
        },
      }));
    }

    it('merges --env-file and --env (flags win), validates, creates, follows to running and prints the connection', async () => {
      deployScript('running');
      const io = captureIo({ CATWALK_URL: api.url, CATWALK_API_KEY: KEY });
      const envFile = join(io.homeDir, '.env');
      writeFileSync(envFile, '# comment\nexport A_TOKEN="from file"\nB_URL=https://example.org # trailing\n');
      const code = await runCli(['deploy', 'npm:@modelcontextprotocol/server-memory', '--env-file', envFile, '--env', 'A_TOKEN=from-flag=x'], io, { pollIntervalMs: 5 });
      expect(code, io.err()).to.equal(0);
      const body = { name: 'server-memory', source: 'npm:@modelcontextprotocol/server-memory', credentials: { A_TOKEN: 'from-flag=x', B_URL: 'https://example.org' } };
      expect(api.calls('POST /api/validate/credentials')[0]?.body).to.deep.equal({ source: body.source, credentials: body.credentials });
      expect(api.calls('POST /api/deployments')[0]?.body).to.deep.equal(body);
      // Progress on stderr, one finished line per step, no escapes when not on a terminal.
      expect(io.err()).to.match(/✓ validate .*\n✓ seal .*\n✓ deploy .*\n✓ healthy .*\n✓ tools .*2 tools: create_entities, read_graph\n/);
      expect(io.err()).not.to.contain('\u001b[');
      const out = io.out();
      expect(out).to.contain(`Endpoint: http://127.0.0.1:7420/mcp/${ID}`);
      expect(out).to.contain(`Token:    ${TOKEN}`);
      expect(out).to.contain('claude mcp add --transport http server-memory');
      expect(out).to.contain('"mcpServers": {');
    });

    it('--json prints the API answer with the final deployment', async () => {
      deployScript('running');
      const { code, out } = await run(['deploy', 'npm:@modelcontextprotocol/server-memory', '--json', '--name', 'mem']);
      expect(code).to.equal(0);
      expect(JSON.parse(out)).to.deep.equal({ ...created(), deployment: deploymentFixture() });
      expect((api.calls('POST /api/deployments')[0]?.body as { name: string }).name).to.equal('mem');
    });

    it('exits 1 with the failure when the deployment fails, after showing the token it already has', async () => {
      deployScript('failed');
      const { code, out, err } = await run(['deploy', 'npm:@modelcontextprotocol/server-memory']);
      expect(code).to.equal(EXIT.userError);
      expect(err).to.contain('✗ healthy');
      expect(err, err).to.contain('catwalk: The deployment failed: The server exited during start-up. See: catwalk logs');
      expect(out).to.contain(TOKEN);
    });

    it('--no-wait returns once created', async () => {
      deployScript('running');
      const { code, out } = await run(['deploy', 'npm:@modelcontextprotocol/server-memory', '--no-wait']);
      expect(code).to.equal(0);
      expect(out).to.contain('is pending');
      expect(api.calls(`GET /api/deployments/${ID}`)).to.have.length(0);
    });

    it('--prompt without a terminal is a usage error', async () => {
      expect((await run(['deploy', 'npm:x', '--prompt'])).code).to.equal(EXIT.usage);
    });
  });

  describe('lifecycle commands', () => {
    it('stop, start --no-wait, rm and token rotate call their routes', async () => {
      api.on('POST /api/deployments/:id/stop', { body: deploymentFixture({ status: 'stopped' }) });
      api.on('POST /api/deployments/:id/start', { status: 202, body: deploymentFixture({ status: 'deploying' }) });
      api.on('DELETE /api/deployments/:id', { status: 204 });
      api.on('POST /api/deployments/:id/token', { body: created({ status: 'running' }) });
      expect((await run(['stop', ID])).out).to.equal(`server-memory (${ID}) is stopped.\n`);
      expect((await run(['start', ID, '--no-wait'])).out).to.contain('is deploying');
      expect((await run(['rm', ID])).out).to.equal(`Deleted ${ID}.\n`);
      const rotated = await run(['token', 'rotate', ID]);
      expect(rotated.out).to.contain(`Token:    ${TOKEN}`);
      expect(api.received.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        `POST /api/deployments/${ID}/stop`,
        `POST /api/deployments/${ID}/start`,
        `DELETE /api/deployments/${ID}`,
        `POST /api/deployments/${ID}/token`,
      ]);
      expect(api.received[2]?.body).to.equal(undefined);
    });

    it('start waits until running by default', async () => {
      let polls = 0;
      api.on('POST /api/deployments/:id/start', { status: 202, body: deploymentFixture({ status: 'deploying' }) });
      api.on('GET /api/deployments/:id', () => ({ body: deploymentFixture({ status: ++polls < 3 ? 'deploying' : 'running' }) }));
      const result = await run(['start', ID]);
      expect(result.out).to.contain('is running');
      expect(polls).to.equal(3);
    });

    it('keys create, list and revoke', async () => {
      const key = { id: 'k1', userId: 'u', name: 'ci', prefix: 'cwa_abcd', createdAt: '2026-11-22T10:00:00.000Z', lastUsedAt: null, revokedAt: null };
      api.on('POST /api/keys', { status: 201, body: { apiKey: KEY, key } });
      api.on('GET /api/keys', { body: { keys: [key] } });
      api.on('DELETE /api/keys/:id', { status: 204 });
      expect((await run(['keys', 'create', 'ci'])).out).to.contain(KEY);
      expect(api.calls('POST /api/keys')[0]?.body).to.deep.equal({ name: 'ci' });
      expect((await run(['keys', 'list'])).out).to.match(/k1\s+ci\s+cwa_abcd\s+2026-11-22 10:00:00\s+-\s+active/);
      expect((await run(['keys', 'revoke', 'k1'])).code).to.equal(0);
    });

    it('users create shows the new user\'s key once, and a refusal exits 1 with the API\'s message', async () => {
      const key = { id: 'k2', userId: 'u2', name: 'first key', prefix: 'cwa_efgh', createdAt: '2026-11-22T10:00:00.000Z', lastUsedAt: null, revokedAt: null };
      const created201 = { status: 201, body: { user: { id: 'u2', name: 'ada', role: 'user', createdAt: '2026-11-22T10:00:00.000Z' }, apiKey: KEY, key } };
      const refused403 = { status: 403, body: { error: 'forbidden', message: 'Only an admin may create users.', details: {} } };
      let answered = 0;
      api.on('POST /api/users', () => (answered++ === 0 ? created201 : refused403));
      const created = await run(['users', 'create', 'ada']);
      expect(created.code).to.equal(0);
      expect(created.out).to.contain(KEY).and.to.contain('ada');
      expect(api.calls('POST /api/users')[0]?.body).to.deep.equal({ name: 'ada' });
      const refused = await run(['users', 'create', 'bob']);
      expect(refused.code).to.equal(1);
      expect(refused.err).to.contain('Only an admin may create users.');
    });
  });

  describe('colours', () => {
    it('colours a terminal, and neither a pipe nor NO_COLOR', async () => {
      api.on('GET /api/deployments', { body: { items: [deploymentFixture()], nextCursor: null } });
      expect((await run(['ls'], {}, { tty: true })).out).to.contain('\u001b[32mrunning\u001b[39m');
      expect((await run(['ls'], { NO_COLOR: '1' }, { tty: true })).out).not.to.contain('\u001b[');
      expect((await run(['ls'])).out).not.to.contain('\u001b[');
    });
  });
});
