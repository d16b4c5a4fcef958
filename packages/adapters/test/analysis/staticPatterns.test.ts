import { expect } from 'chai';
import type { McpConfig, Snapshot } from '@catwalk/core';
import { analyzeStatically, formatFor } from '../../src/analysis/static/staticAnalyzer.js';
import { isUserEnvName, looksSecret } from '../../src/analysis/static/env.js';

const MCP_PACKAGE = JSON.stringify({ name: 'pattern-mcp', bin: 'index.js', dependencies: { '@modelcontextprotocol/sdk': '1.0.0' } });

function analyze(files: Record<string, string>): McpConfig {
  const snapshot: Snapshot = {
    key: 'test',
    origin: 'test',
    files: Object.entries(files).map(([path, content]) => ({ path, content, size: content.length })),
    skipped: [],
    truncated: false,
    limits: { maxFiles: 200, maxFileBytes: 1 << 20, maxTotalBytes: 1 << 24 },
  };
  return analyzeStatically(snapshot);
}

const env = (config: McpConfig, name: string) => config.envVars.find((v) => v.name === name);

describe('static analyser patterns', () => {
  it('JS: non-null assertion and "is required" checks make a variable required; fallbacks make it optional', () => {
    const config = analyze({
      'package.json': MCP_PACKAGE,
      'src/index.ts': [
        'const a = process.env.ALPHA_TOKEN!;',
        'const b = process.env.BETA_URL;',
        "if (!b) throw new Error('BETA_URL is required');",
        "const c = process.env.GAMMA_MODE || 'fast';",
        'const d = process.env.DELTA_LIMIT ?? 10;',
        "const e = process.env['EPSILON_NAME'];",
      ].join('\n'),
    });
    expect(env(config, 'ALPHA_TOKEN')).to.deep.include({ required: true, secret: true });
    expect(env(config, 'BETA_URL')).to.deep.include({ required: true, secret: false, format: 'url' });
    expect(env(config, 'GAMMA_MODE')).to.deep.include({ required: false, default: 'fast' });
    expect(env(config, 'DELTA_LIMIT')).to.deep.include({ required: false, default: '10', format: 'number' });
    expect(env(config, 'EPSILON_NAME')).to.deep.include({ required: false });
    expect(config.evidence.find((e) => e.field === 'env.EPSILON_NAME')?.confidence).to.equal('low');
  });

  it('Python: environ[] is required, get/getenv defaults and `or` fallbacks optional, pydantic Field(...) required', () => {
    const config = analyze({
      'pyproject.toml': '[project]\nname = "pattern-mcp"\ndependencies = ["mcp"]\n[project.scripts]\npattern-mcp = "p:main"\n',
      'p/server.py': [
        'import os',
        'from pydantic import Field, SecretStr',
        'from pydantic_settings import BaseSettings',
        'A = os.environ["PY_REQUIRED_KEY"]',
        'B = os.environ.get("PY_OPTIONAL_HOST", "localhost")',
        'C = os.getenv("PY_OR_LEVEL") or "info"',
        '',
        'class Settings(BaseSettings):',
        '    service_token: SecretStr = Field(..., description="Token of the service")',
        '    retries: int = Field(default=3)',
        '',
      ].join('\n'),
    });
    expect(config.package).to.deep.equal({ runtime: 'python', name: 'pattern-mcp' });
    expect(env(config, 'PY_REQUIRED_KEY')).to.deep.include({ required: true, secret: true });
    expect(env(config, 'PY_OPTIONAL_HOST')).to.deep.include({ required: false, default: 'localhost' });
    expect(env(config, 'PY_OR_LEVEL')).to.deep.include({ required: false, default: 'info' });
    expect(env(config, 'SERVICE_TOKEN')).to.deep.include({ required: true, secret: true, description: 'Token of the service' });
    expect(env(config, 'RETRIES')).to.deep.include({ required: false, default: '3' });
  });

  it('never reports process variables, test-only reads, or hijack names', () => {
    const config = analyze({
      'package.json': MCP_PACKAGE,
      'src/index.ts': "const x = process.env.NODE_ENV; const p = process.env.PATH; const l = process.env.LD_PRELOAD; server.tool('t', async () => ({}));",
      'test/index.test.ts': 'process.env.TEST_ONLY_SECRET',
      'examples/demo.ts': 'process.env.EXAMPLE_ONLY',
    });
    expect(config.envVars).to.deep.equal([]);
    expect(isUserEnvName('LD_PRELOAD')).to.equal(false);
    expect(isUserEnvName('XDG_CONFIG_HOME')).to.equal(false);
    expect(isUserEnvName('GITHUB_TOKEN')).to.equal(true);
  });

  it('does not mistake server metadata objects for tools, and reads addTool objects', () => {
    const config = analyze({
      'package.json': MCP_PACKAGE,
      'src/index.ts': [
        "const server = new McpServer({ name: 'not-a-tool', version: '1.0.0' }, { capabilities: { tools: {} } });",
        "server.registerTool('real_tool', { inputSchema: { name: z.string() } }, async () => ({}));",
        "mcp.addTool({ name: 'fast_tool', description: 'x', parameters: z.object({}), execute: async () => 'ok' });",
        "// server.tool('commented_out')",
        "/* const old = process.env.OLD_SETTING; */",
        " * server.tool('in_jsdoc')",
      ].join('\n'),
    });
    expect(config.tools.map((t) => t.name).sort()).to.deep.equal(['fast_tool', 'real_tool']);
    expect(config.envVars).to.deep.equal([]);
  });

  it('names secrets by name and never secrets paths, ids and plain URLs', () => {
    for (const name of ['API_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'DB_PASSWORD', 'CLIENT_SECRET', 'DATABASE_URL', 'AWS_SECRET_ACCESS_KEY', 'SSH_PRIVATE_KEY']) {
      expect(looksSecret(name), name).to.equal(true);
    }
    for (const name of ['TOKEN_PATH', 'CLIENT_ID', 'API_BASE_URL', 'LOG_LEVEL', 'KEY_FILE', 'SLACK_TEAM_ID']) {
      expect(looksSecret(name), name).to.equal(false);
    }
    expect(formatFor('API_BASE_URL')).to.equal('url');
    expect(formatFor('HOME_DIR')).to.equal('filepath');
    expect(formatFor('HTTP_PORT')).to.equal('number');
    expect(formatFor('VERBOSE', 'false')).to.equal('boolean');
    expect(formatFor('REGION', 'eu-west-1')).to.equal(undefined);
  });

  it('detects streamable HTTP servers and keeps stdio as the default', () => {
    const http = analyze({ 'package.json': MCP_PACKAGE, 'src/index.ts': "import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';\nserver.tool('x', async () => ({}));" });
    expect(http.transport).to.equal('streamable-http');
    const stdio = analyze({ 'package.json': MCP_PACKAGE, 'src/index.ts': "server.tool('x', async () => ({}));" });
    expect(stdio.transport).to.equal('stdio');
  });

  it('is not fooled by a malformed server.json or manifests', () => {
    const config = analyze({ 'package.json': '{ not json', 'server.json': '{"name": "bad name"}', 'pyproject.toml': '[project\nname=', 'src/index.ts': "server.tool('x', async () => ({}));" });
    expect(config.package).to.equal(null);
    expect(config.tools.map((t) => t.name)).to.deep.equal(['x']);
  });
});
