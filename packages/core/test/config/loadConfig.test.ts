import { expect } from 'chai';
import { describeConfig, describeConfigMarkdown, loadConfig, redactConfig } from '../../src/config/index.js';
import { expectThrows } from '../domain/expectThrows.js';

const HOME = { home: '/home/ada' };
const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64url').replace(/=+$/, '');
const API_KEY = `cwa_${'A'.repeat(43)}`;

function refused(env: Record<string, string>, variable: string): string {
  const error = expectThrows(() => loadConfig(env, HOME), 'invalid_config');
  expect(error.details['variable']).to.equal(variable);
  expect(error.message).to.include(variable);
  for (const value of Object.values(env)) if (value.length > 6) expect(error.message).to.not.include(value);
  return error.message;
}

describe('loadConfig', () => {
  it('gives the embedded, local defaults for an empty environment', () => {
    const config = loadConfig({}, HOME);
    expect(config).to.deep.equal({
      home: '/home/ada/.catwalk',
      server: { host: '127.0.0.1', port: 7420, publicUrl: 'http://127.0.0.1:7420', allowedOrigins: [] },
      database: { poolSize: 10, statementTimeoutMs: 30000 },
      secrets: {},
      orchestrator: { kind: 'local', workerConcurrency: 4, reconcileIntervalSeconds: 30 },
      fly: { apiHostname: 'https://api.machines.dev', org: 'personal' },
      analysis: {
        cacheTtlSeconds: 86400,
        allowLocalSources: false,
        llm: { provider: 'none', anthropicBaseUrl: 'https://api.anthropic.com', openrouterBaseUrl: 'https://openrouter.ai/api/v1' },
      },
      registries: {
        npmUrl: 'https://registry.npmjs.org',
        pypiUrl: 'https://pypi.org',
        pypiIndexUrl: 'https://pypi.org/simple',
        pypiAllowSdists: false,
        mcpRegistryUrl: 'https://registry.modelcontextprotocol.io',
        glamaUrl: 'https://glama.ai',
        githubApiUrl: 'https://api.github.com',
      },
      sandbox: { mode: 'auto', allowUnsandboxedMultiuser: false, limits: { maxProcesses: 256, memoryBytes: 1024 * 1024 * 1024 }, scheduling: 'batch' },
      gateway: { timeoutMs: 300000, fastLane: true },
      log: { level: 'info' },
    });
  });

  it('reads every variable into its group', () => {
    const config = loadConfig(
      {
        CATWALK_HOME: '/var/lib/catwalk',
        CATWALK_HOST: '0.0.0.0',
        PORT: '8080',
        CATWALK_PUBLIC_URL: 'https://catwalk.example.com/',
        CATWALK_ADMIN_API_KEY: API_KEY,
        CATWALK_ALLOWED_ORIGINS: 'https://console.example.com, http://localhost:5173',
        DATABASE_URL: 'postgresql://catwalk:pw@db:5432/catwalk',
        DB_POOL_SIZE: '20',
        DB_STATEMENT_TIMEOUT_MS: '0',
        CATWALK_SECRET_KEYS: `k2:${KEY_B}, k1:${KEY_A}`,
        CATWALK_ORCHESTRATOR: 'fly',
        CATWALK_RUNNER_IMAGE: 'registry.fly.io/catwalk-runner:0.1.0',
        CATWALK_WORKER_CONCURRENCY: '8',
        CATWALK_RECONCILE_INTERVAL: '60',
        FLY_API_TOKEN: 'FlyV1 fm2_abc,fm2_def',
        FLY_API_HOSTNAME: 'http://127.0.0.1:4280',
        FLY_ORG: 'acme',
        FLY_REGION: 'ams',
        CATWALK_ANALYSIS_TTL: '60',
        CATWALK_ALLOW_LOCAL_SOURCES: 'YES',
        OPENROUTER_API_KEY: 'sk-or-1',
        CATWALK_LLM_MODEL: 'anthropic/claude-sonnet-4.5',
        OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
        GITHUB_TOKEN: 'ghp_x',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
        NPM_REGISTRY_URL: 'http://127.0.0.1:4873/',
        PYPI_URL: 'http://127.0.0.1:8081',
        PYPI_INDEX_URL: 'http://127.0.0.1:8084/root/pypi/+simple/',
        PYPI_ALLOW_SDISTS: 'true',
        MCP_REGISTRY_URL: 'http://127.0.0.1:8082',
        GLAMA_URL: 'http://127.0.0.1:8083',
        CATWALK_SANDBOX: 'none',
        CATWALK_ALLOW_UNSANDBOXED_MULTIUSER: '1',
        CATWALK_SANDBOX_MAX_PROCESSES: '64',
        CATWALK_SANDBOX_MEMORY_MB: '512',
        CATWALK_SANDBOX_CPUS: '0.5',
        CATWALK_SANDBOX_SCHEDULING: 'normal',
        CATWALK_GATEWAY_TIMEOUT_MS: '60000',
        CATWALK_GATEWAY_FAST_LANE: 'false',
        CATWALK_LOG_LEVEL: 'debug',
        UNRELATED: 'ignored',
      },
      {},
    );
    expect(config.home).to.equal('/var/lib/catwalk');
    expect(config.server).to.deep.equal({
      host: '0.0.0.0',
      port: 8080,
      publicUrl: 'https://catwalk.example.com',
      adminApiKey: API_KEY,
      allowedOrigins: ['https://console.example.com', 'http://localhost:5173'],
    });
    expect(config.database).to.deep.equal({ url: 'postgresql://catwalk:pw@db:5432/catwalk', poolSize: 20, statementTimeoutMs: 0 });
    expect(config.secrets.keyRing?.currentKeyId).to.equal('k2');
    expect(config.secrets.keyRing?.keys.map((k) => [k.id, Buffer.from(k.key).toString('hex')])).to.deep.equal([
      ['k2', '02'.repeat(32)],
      ['k1', '01'.repeat(32)],
    ]);
    expect(config.orchestrator).to.deep.equal({ kind: 'fly', runnerImage: 'registry.fly.io/catwalk-runner:0.1.0', workerConcurrency: 8, reconcileIntervalSeconds: 60 });
    expect(config.fly).to.deep.equal({ apiToken: 'FlyV1 fm2_abc,fm2_def', apiHostname: 'http://127.0.0.1:4280', org: 'acme', region: 'ams' });
    expect(config.analysis).to.deep.equal({
      cacheTtlSeconds: 60,
      allowLocalSources: true,
      llm: {
        provider: 'openrouter',
        openrouterApiKey: 'sk-or-1',
        model: 'anthropic/claude-sonnet-4.5',
        anthropicBaseUrl: 'https://api.anthropic.com',
        openrouterBaseUrl: 'http://127.0.0.1:9/api/v1',
      },
    });
    expect(config.registries).to.deep.equal({
      npmUrl: 'http://127.0.0.1:4873',
      pypiUrl: 'http://127.0.0.1:8081',
      pypiIndexUrl: 'http://127.0.0.1:8084/root/pypi/+simple',
      pypiAllowSdists: true,
      mcpRegistryUrl: 'http://127.0.0.1:8082',
      glamaUrl: 'http://127.0.0.1:8083',
      githubApiUrl: 'https://ghe.example.com/api/v3',
      githubToken: 'ghp_x',
    });
    expect(config.sandbox).to.deep.equal({ mode: 'none', allowUnsandboxedMultiuser: true, limits: { maxProcesses: 64, memoryBytes: 512 * 1024 * 1024, cpus: 0.5 }, scheduling: 'normal' });
    expect(config.gateway).to.deep.equal({ timeoutMs: 60000, fastLane: false });
    expect(config.log.level).to.equal('debug');
  });

  it('prefers CATWALK_PORT over PORT, prefers Anthropic over OpenRouter, and derives the public URL', () => {
    expect(loadConfig({ CATWALK_PORT: '9000', PORT: '8080' }, HOME).server.port).to.equal(9000);
    expect(loadConfig({ CATWALK_PORT: '0' }, HOME).server.port).to.equal(0);
    expect(loadConfig({ ANTHROPIC_API_KEY: 'sk-ant', OPENROUTER_API_KEY: 'sk-or' }, HOME).analysis.llm.provider).to.equal('anthropic');
    expect(loadConfig({ CATWALK_HOST: '::' }, HOME).server.publicUrl).to.equal('http://[::1]:7420');
    expect(loadConfig({ CATWALK_HOST: 'fe80::1' }, HOME).server.publicUrl).to.equal('http://[fe80::1]:7420');
    expect(loadConfig({ CATWALK_HOST: 'catwalk.internal', PORT: '80' }, HOME).server.publicUrl).to.equal('http://catwalk.internal:80');
    // A PyPI mirror set with PYPI_URL alone serves pip's simple index too (devpi, Artifactory, Nexus lay it out so).
    expect(loadConfig({ PYPI_URL: 'https://mirror.example/api/pypi/remote/' }, HOME).registries.pypiIndexUrl).to.equal('https://mirror.example/api/pypi/remote/simple');
    expect(refused({ PYPI_INDEX_URL: 'https://user:token@mirror.example/simple' }, 'PYPI_INDEX_URL')).to.include('without user name');
  });

  it('treats empty and blank values as unset, and trims values', () => {
    const config = loadConfig({ DB_POOL_SIZE: '', CATWALK_LOG_LEVEL: '   ', CATWALK_PORT: ' 8081\n', DATABASE_URL: undefined }, HOME);
    expect(config.database.poolSize).to.equal(10);
    expect(config.log.level).to.equal('info');
    expect(config.server.port).to.equal(8081);
    expect(config.database.url).to.equal(undefined);
  });

  it('derives the home directory from the caller, or asks for CATWALK_HOME', () => {
    expect(loadConfig({}, { home: '/root/' }).home).to.equal('/root/.catwalk');
    expect(loadConfig({}, { home: 'C:\\Users\\ada' }).home).to.equal('C:\\Users\\ada\\.catwalk');
    expect(loadConfig({ CATWALK_HOME: 'D:\\catwalk' }).home).to.equal('D:\\catwalk');
    const error = expectThrows(() => loadConfig({}), 'invalid_config');
    expect(error.details['variable']).to.equal('CATWALK_HOME');
    expect(refused({ CATWALK_HOME: 'relative/dir' }, 'CATWALK_HOME')).to.include('absolute path');
    refused({ CATWALK_HOME: '/x\u0000y' }, 'CATWALK_HOME');
  });

  it('names the variable and says what is allowed', () => {
    expect(refused({ CATWALK_PORT: '70000' }, 'CATWALK_PORT')).to.include('whole number from 0 to 65535');
    expect(refused({ PORT: '80a' }, 'PORT')).to.include('whole number');
    expect(refused({ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE')).to.include('1 to 100');
    expect(refused({ DB_POOL_SIZE: '1.5' }, 'DB_POOL_SIZE')).to.include('whole number');
    expect(refused({ CATWALK_ORCHESTRATOR: 'k8s' }, 'CATWALK_ORCHESTRATOR')).to.include('local, fly');
    expect(refused({ CATWALK_SANDBOX: 'docker' }, 'CATWALK_SANDBOX')).to.include('bubblewrap, none, auto');
    expect(refused({ CATWALK_SANDBOX_MAX_PROCESSES: '4' }, 'CATWALK_SANDBOX_MAX_PROCESSES')).to.include('8 to 4194304');
    expect(refused({ CATWALK_SANDBOX_MEMORY_MB: '1.5' }, 'CATWALK_SANDBOX_MEMORY_MB')).to.include('whole number');
    for (const cpus of ['0', '-1', 'two', '1e3', '0.001', '2000']) expect(refused({ CATWALK_SANDBOX_CPUS: cpus }, 'CATWALK_SANDBOX_CPUS')).to.include('such as 0.5 or 2');
    expect(loadConfig({ CATWALK_SANDBOX_CPUS: '2' }, HOME).sandbox.limits.cpus).to.equal(2);
    expect(refused({ CATWALK_SANDBOX_SCHEDULING: 'idle' }, 'CATWALK_SANDBOX_SCHEDULING')).to.include('batch, normal');
    expect(refused({ CATWALK_ALLOW_LOCAL_SOURCES: 'maybe' }, 'CATWALK_ALLOW_LOCAL_SOURCES')).to.include('1, true');
    expect(refused({ CATWALK_LOG_LEVEL: 'loud' }, 'CATWALK_LOG_LEVEL')).to.include('info');
    expect(refused({ CATWALK_ADMIN_API_KEY: 'cwa_short-secret-value' }, 'CATWALK_ADMIN_API_KEY')).to.include('cwa_');
    expect(refused({ CATWALK_PUBLIC_URL: 'ftp://catwalk.example' }, 'CATWALK_PUBLIC_URL')).to.include('http:// or https://');
    refused({ NPM_REGISTRY_URL: 'https://user:secret-password@registry.example' }, 'NPM_REGISTRY_URL');
    refused({ PYPI_URL: 'https://pypi.example/?x=1' }, 'PYPI_URL');
    refused({ GLAMA_URL: 'javascript:alert(1)' }, 'GLAMA_URL');
    expect(refused({ DATABASE_URL: 'mysql://root:hunter2-secret@db/x' }, 'DATABASE_URL')).to.include('postgres://');
    expect(refused({ CATWALK_ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path' }, 'CATWALK_ALLOWED_ORIGINS')).to.include('origins');
    refused({ FLY_REGION: 'AMS!' }, 'FLY_REGION');
    refused({ FLY_ORG: '-acme' }, 'FLY_ORG');
    refused({ CATWALK_RUNNER_IMAGE: 'Image With Spaces' }, 'CATWALK_RUNNER_IMAGE');
    refused({ CATWALK_LLM_MODEL: '$(id)' }, 'CATWALK_LLM_MODEL');
    refused({ CATWALK_HOST: 'bad host' }, 'CATWALK_HOST');
    refused({ GITHUB_TOKEN: 'ghp_line\nbreak-secret' }, 'GITHUB_TOKEN');
    refused({ ANTHROPIC_API_KEY: 'x'.repeat(1025) }, 'ANTHROPIC_API_KEY');
    refused({ CATWALK_GATEWAY_TIMEOUT_MS: '999' }, 'CATWALK_GATEWAY_TIMEOUT_MS');
    refused({ CATWALK_GATEWAY_FAST_LANE: 'sometimes' }, 'CATWALK_GATEWAY_FAST_LANE');
  });

  it('requires a Fly token for the fly orchestrator', () => {
    expect(refused({ CATWALK_ORCHESTRATOR: 'fly' }, 'FLY_API_TOKEN')).to.include('required when CATWALK_ORCHESTRATOR=fly');
    refused({ CATWALK_ORCHESTRATOR: 'fly', FLY_API_TOKEN: 'tok-long-enough', FLY_ORG: 'Not A Slug' }, 'FLY_ORG');
    expect(loadConfig({ CATWALK_ORCHESTRATOR: 'fly', FLY_API_TOKEN: 't' }, HOME).fly.org).to.equal('personal');
  });

  it('checks the key ring without ever echoing a key', () => {
    const short = Buffer.alloc(16, 9).toString('base64');
    expect(refused({ CATWALK_SECRET_KEYS: `k1:${short}` }, 'CATWALK_SECRET_KEYS')).to.include('decodes to 16 bytes; keys must be exactly 32 bytes');
    expect(refused({ CATWALK_SECRET_KEYS: `k1:${KEY_A},k2:not*base64` }, 'CATWALK_SECRET_KEYS')).to.include('entry 2 (id k2) is not valid base64');
    expect(refused({ CATWALK_SECRET_KEYS: KEY_A }, 'CATWALK_SECRET_KEYS')).to.include('entry 1 must be id:base64key');
    expect(refused({ CATWALK_SECRET_KEYS: `k1:${KEY_A},k1:${KEY_A}` }, 'CATWALK_SECRET_KEYS')).to.include('repeats the key id k1');
    expect(refused({ CATWALK_SECRET_KEYS: `bad id!:${KEY_A}` }, 'CATWALK_SECRET_KEYS')).to.include('entry 1');
    refused({ CATWALK_SECRET_KEYS: `k1:${KEY_A},` }, 'CATWALK_SECRET_KEYS');
  });

  it('returns a deeply frozen config', () => {
    const config = loadConfig({ CATWALK_SECRET_KEYS: `k1:${KEY_A}`, CATWALK_ALLOWED_ORIGINS: 'https://a.example' }, HOME);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.server)).to.equal(true);
    expect(Object.isFrozen(config.server.allowedOrigins)).to.equal(true);
    expect(Object.isFrozen(config.analysis.llm)).to.equal(true);
    expect(Object.isFrozen(config.secrets.keyRing?.keys[0])).to.equal(true);
    expect(Reflect.set(config.server, 'port', 1)).to.equal(false);
    expect(config.server.port).to.equal(7420);
  });

  it('rejects non-string values with the variable named', () => {
    const error = expectThrows(() => loadConfig({ CATWALK_PORT: 8080 } as unknown as Record<string, string>, HOME), 'invalid_config');
    expect(error.details['variable']).to.equal('CATWALK_PORT');
  });
});

describe('describeConfig', () => {
  it('documents every variable the brief names, with group, description, default and secrecy', () => {
    const names = describeConfig().map((v) => v.name);
    for (const name of [
      'CATWALK_HOME', 'DATABASE_URL', 'DB_POOL_SIZE', 'DB_STATEMENT_TIMEOUT_MS', 'CATWALK_SECRET_KEYS', 'CATWALK_HOST', 'CATWALK_PORT', 'PORT',
      'CATWALK_PUBLIC_URL', 'CATWALK_ADMIN_API_KEY', 'CATWALK_ORCHESTRATOR', 'FLY_API_TOKEN', 'FLY_API_HOSTNAME', 'FLY_ORG', 'FLY_REGION',
      'CATWALK_RUNNER_IMAGE', 'CATWALK_WORKER_CONCURRENCY', 'CATWALK_RECONCILE_INTERVAL', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY',
      'CATWALK_LLM_MODEL', 'ANTHROPIC_BASE_URL', 'OPENROUTER_BASE_URL', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'NPM_REGISTRY_URL', 'PYPI_URL', 'PYPI_INDEX_URL', 'PYPI_ALLOW_SDISTS',
      'MCP_REGISTRY_URL', 'GLAMA_URL', 'CATWALK_ANALYSIS_TTL', 'CATWALK_ALLOW_LOCAL_SOURCES', 'CATWALK_SANDBOX',
      'CATWALK_ALLOW_UNSANDBOXED_MULTIUSER', 'CATWALK_SANDBOX_MAX_PROCESSES', 'CATWALK_SANDBOX_MEMORY_MB', 'CATWALK_SANDBOX_CPUS', 'CATWALK_SANDBOX_SCHEDULING', 'CATWALK_LOG_LEVEL', 'CATWALK_GATEWAY_TIMEOUT_MS', 'CATWALK_GATEWAY_FAST_LANE', 'CATWALK_ALLOWED_ORIGINS',
    ]) {
      expect(names, name).to.include(name);
    }
    const byName = new Map(describeConfig().map((v) => [v.name, v]));
    expect(byName.get('DB_POOL_SIZE')).to.include({ group: 'database', default: '10', secret: false });
    expect(byName.get('CATWALK_SANDBOX_MAX_PROCESSES')).to.include({ group: 'sandbox', default: '256' });
    expect(byName.get('CATWALK_SANDBOX_MEMORY_MB')).to.include({ group: 'sandbox', default: '1024' });
    expect(byName.get('CATWALK_SANDBOX_CPUS')).to.not.have.property('default');
    expect(byName.get('CATWALK_SANDBOX_SCHEDULING')).to.include({ group: 'sandbox', default: 'batch' });
    expect(byName.get('CATWALK_SECRET_KEYS')?.secret).to.equal(true);
    expect(byName.get('FLY_API_TOKEN')?.secret).to.equal(true);
    for (const variable of describeConfig()) expect(variable.description.length, variable.name).to.be.greaterThan(10);
    // Every documented default is what loadConfig actually uses (checked through the markdown table too).
    const markdown = describeConfigMarkdown();
    expect(markdown.split('\n')).to.have.length(names.length + 2);
    expect(markdown).to.include('| `CATWALK_PORT` | server | `7420` |');
  });

  it('redacts every secret for logging', () => {
    const config = loadConfig(
      {
        CATWALK_ADMIN_API_KEY: API_KEY,
        DATABASE_URL: 'postgres://u:pw-secret@h/db',
        CATWALK_SECRET_KEYS: `k1:${KEY_A}`,
        FLY_API_TOKEN: 'fly-secret',
        ANTHROPIC_API_KEY: 'ant-secret',
        OPENROUTER_API_KEY: 'or-secret',
        GITHUB_TOKEN: 'gh-secret',
      },
      HOME,
    );
    const shown = JSON.stringify(redactConfig(config));
    for (const secret of [API_KEY, 'pw-secret', KEY_A, 'fly-secret', 'ant-secret', 'or-secret', 'gh-secret', '"0":1']) expect(shown).to.not.include(secret);
    expect(shown).to.include('"currentKeyId":"k1"');
    expect(JSON.stringify(redactConfig(loadConfig({}, HOME)))).to.not.include('redacted');
  });
});
