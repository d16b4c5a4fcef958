import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import { captureIo } from './support/captureIo.js';

describe('catwalk analyze --local (in-process, no server)', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    // A tiny MCP server on disk: a package.json naming the SDK, one tool and one secret env var in the source.
    dir = mkdtempSync(join(tmpdir(), 'catwalk-analyze-local-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'weather-mcp-local-fixture', version: '1.0.0', type: 'module', bin: { 'weather-mcp': 'src/index.js' }, dependencies: { '@modelcontextprotocol/sdk': '^1.11.0' } }),
    );
    writeFileSync(
      join(dir, 'src', 'index.js'),
      [
        "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';",
        "import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';",
        'const apiKey = process.env.WEATHER_API_KEY;',
        "if (!apiKey) throw new Error('WEATHER_API_KEY is required');",
        "const server = new McpServer({ name: 'weather', version: '1.0.0' });",
        "server.registerTool('forecast', { description: 'Tomorrow’s weather' }, async () => ({ content: [{ type: 'text', text: 'sun' }] }));",
        'await server.connect(new StdioServerTransport());',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the API shape with the config and the form, without contacting any server', async () => {
    // No CATWALK_URL and no key: a request to the API would fail with exit 3.
    const io = captureIo({ CATWALK_URL: 'http://127.0.0.1:1' });
    const code = await runCli(['analyze', dir, '--local', '--json'], io);
    expect(code, io.err()).to.equal(0);
    const answer = JSON.parse(io.out()) as { source: string; cached: boolean; config: { tools: { name: string }[]; envVars: { name: string }[] }; form: { fields: { name: string; secret: boolean }[] } };
    expect(Object.keys(answer).sort()).to.deep.equal(['cached', 'config', 'form', 'source']);
    expect(answer.cached).to.equal(false);
    expect(answer.config.tools.map((t) => t.name)).to.include('forecast');
    const field = answer.form.fields.find((f) => f.name === 'WEATHER_API_KEY');
    expect(field, JSON.stringify(answer.form)).to.not.equal(undefined);
    expect(field!.secret).to.equal(true);
  });
});
