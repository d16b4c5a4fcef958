import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_DIR, cliArgv } from './support/cliProcess.js';
import { FakeApi, deploymentFixture } from './support/fakeApi.js';

const run = promisify(execFile);
const DRIVER = join(CLI_DIR, 'test', 'support', 'pty_drive.py');
const SECRET = 'sekret-value-0123456789';
const TOKEN = 'cwt_' + 't'.repeat(43);

describe('catwalk deploy on a terminal (pseudo-terminal)', function () {
  this.timeout(60_000);
  let api: FakeApi;

  before(async () => {
    api = await new FakeApi().start();
    api.on('POST /api/forms', {
      body: {
        fields: [
          { name: 'API_TOKEN', label: 'API token', help: 'The token of your account', input: 'password', kind: 'string', required: true, secret: true },
          { name: 'REGION', label: 'Region', help: '', input: 'text', kind: 'string', required: false, secret: false, default: 'eu' },
        ],
        excluded: [],
        jsonSchema: {},
      },
    });
    api.on('POST /api/validate/credentials', (r) => ({ body: { valid: true, names: Object.keys((r.body as { credentials: object }).credentials) } }));
    api.on('POST /api/deployments', {
      status: 201,
      body: {
        deployment: deploymentFixture({ status: 'pending' }),
        endpoint: 'http://127.0.0.1:7420/mcp/x',
        accessToken: TOKEN,
        snippets: { claudeCode: 'claude mcp add --transport http server-memory http://127.0.0.1:7420/mcp/x', mcpServers: {} },
      },
    });
    api.on('GET /api/deployments/:id', { body: deploymentFixture() });
    api.on('GET /api/deployments/:id/events', { body: { events: [] } });
  });
  after(() => api.stop());

  it('asks for the missing required secret without echoing it, and sends it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'catwalk-pty-'));
    const argv = [DRIVER, 'API token', SECRET, '--', ...cliArgv('deploy', 'npm:@modelcontextprotocol/server-memory')];
    const { stdout } = await run('python3', argv, {
      cwd: CLI_DIR,
      env: { ...process.env, CATWALK_URL: api.url, CATWALK_API_KEY: 'cwa_' + 'k'.repeat(43), CATWALK_HOME: home, NO_COLOR: '1', TERM: 'xterm' },
      timeout: 60_000,
    });
    expect(stdout).to.contain('API token (API_TOKEN, required, hidden): ');
    expect(stdout, 'the secret must not be echoed').not.to.contain(SECRET);
    // The optional field with a default was not asked.
    expect(stdout).not.to.contain('Region');
    expect(stdout).to.contain(TOKEN);
    const sent = api.calls('POST /api/deployments')[0]?.body as { credentials: Record<string, string> };
    expect(sent.credentials).to.deep.equal({ API_TOKEN: SECRET });
  });
});
