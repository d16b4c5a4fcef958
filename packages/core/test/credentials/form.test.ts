import { expect } from 'chai';
import { buildCredentialForm, humanizeEnvName } from '../../src/credentials/index.js';
import type { EnvVarSpec } from '../../src/domain/mcpConfig.js';

function spec(name: string, extra: Partial<EnvVarSpec> = {}): EnvVarSpec {
  return { name, description: '', required: false, secret: false, ...extra };
}

function inputOf(envVar: EnvVarSpec): string | undefined {
  return buildCredentialForm([envVar]).fields[0]?.input;
}

describe('buildCredentialForm', () => {
  it('chooses the input type from the spec and the name', () => {
    expect(inputOf(spec('API_KEY', { secret: true }))).to.equal('password');
    expect(inputOf(spec('GITHUB_PERSONAL_ACCESS_TOKEN'))).to.equal('password');
    expect(inputOf(spec('DB_PASSWORD'))).to.equal('password');
    expect(inputOf(spec('BASE_URL'))).to.equal('url');
    expect(inputOf(spec('SERVICE_URI'))).to.equal('url');
    expect(inputOf(spec('OTEL_ENDPOINT'))).to.equal('url');
    expect(inputOf(spec('OLLAMA_HOST', { default: 'http://127.0.0.1:11434' }))).to.equal('url');
    expect(inputOf(spec('DB_HOST', { default: 'localhost' }))).to.equal('text');
    expect(inputOf(spec('DB_HOST'))).to.equal('text');
    expect(inputOf(spec('TARGET', { format: 'url' }))).to.equal('url');
    expect(inputOf(spec('MAX_RESULTS', { format: 'number' }))).to.equal('number');
    expect(inputOf(spec('READ_ONLY', { format: 'boolean' }))).to.equal('checkbox');
    expect(inputOf(spec('LOG_LEVEL', { choices: ['info', 'debug'] }))).to.equal('select');
    expect(inputOf(spec('ROOT_DIR', { format: 'filepath' }))).to.equal('text');
    // 'string' is the MCP registry's default format, so the name still decides.
    expect(inputOf(spec('CALLBACK_URL', { format: 'string' }))).to.equal('url');
    expect(inputOf(spec('DOCS_URL', { format: 'filepath' }))).to.equal('text');
    expect(inputOf(spec('WEBHOOK_URL', { secret: true }))).to.equal('password');
    expect(inputOf(spec('NAME'))).to.equal('text');
  });

  it('humanises labels, keeping well-known acronyms', () => {
    expect(humanizeEnvName('GITHUB_API_TOKEN')).to.equal('GitHub API token');
    expect(humanizeEnvName('OPENAI_BASE_URL')).to.equal('OpenAI base URL');
    expect(humanizeEnvName('MAX__RESULTS')).to.equal('Max results');
    expect(humanizeEnvName('_')).to.equal('_');
  });

  it('derives fields and the JSON Schema from the same specs', () => {
    const form = buildCredentialForm([
      spec('GITHUB_TOKEN', { description: 'A personal access token', required: true, secret: true }),
      spec('API_BASE_URL', { default: 'https://api.example.com' }),
      spec('MODE', { required: true, choices: ['fast', 'safe'], default: 'safe' }),
      spec('LIMIT', { format: 'number' }),
      spec('VERBOSE', { format: 'boolean' }),
    ]);
    expect(form.fields.map((field) => [field.name, field.label, field.input, field.required, field.default])).to.deep.equal([
      ['GITHUB_TOKEN', 'GitHub token', 'password', true, undefined],
      ['API_BASE_URL', 'API base URL', 'url', false, 'https://api.example.com'],
      ['MODE', 'Mode', 'select', true, 'safe'],
      ['LIMIT', 'Limit', 'number', false, undefined],
      ['VERBOSE', 'Verbose', 'checkbox', false, undefined],
    ]);
    expect(form.fields[0]?.help).to.equal('A personal access token');
    const schema = form.jsonSchema;
    expect(schema.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).to.equal('object');
    expect(schema.additionalProperties).to.equal(false);
    // MODE is required but has a default, so the user need not send it.
    expect(schema.required).to.deep.equal(['GITHUB_TOKEN']);
    expect(schema.properties['GITHUB_TOKEN']).to.deep.equal({
      type: 'string',
      title: 'GitHub token',
      description: 'A personal access token',
      writeOnly: true,
      maxLength: 8192,
    });
    expect(schema.properties['API_BASE_URL']).to.include({ format: 'uri', default: 'https://api.example.com' });
    expect(schema.properties['API_BASE_URL']?.pattern).to.match(/^\^\(\?:http\|https/);
    expect(schema.properties['MODE']?.enum).to.deep.equal(['fast', 'safe']);
    expect(schema.properties['LIMIT']?.pattern).to.be.a('string');
    expect(schema.properties['VERBOSE']?.enum).to.include('true');
    expect(Object.keys(schema.properties)).to.deep.equal(form.fields.map((field) => field.name));
  });

  it('sets aside declared names Catwalk never sets, and collapses duplicates', () => {
    const form = buildCredentialForm([spec('PATH', { required: true }), spec('LD_PRELOAD'), spec('TOKEN'), spec('TOKEN', { required: true })]);
    expect(form.fields.map((field) => field.name)).to.deep.equal(['TOKEN']);
    expect(form.fields[0]?.required).to.equal(false);
    expect(form.excluded.map((item) => item.name)).to.deep.equal(['PATH', 'LD_PRELOAD']);
    expect(form.excluded[0]?.reason).to.include('PATH is never set by Catwalk');
    expect(form.jsonSchema.properties).to.not.have.property('PATH');
  });

  it('serialises to data only: the validator is not enumerable', () => {
    const form = buildCredentialForm([spec('TOKEN', { required: true })]);
    expect(Object.keys(form)).to.deep.equal(['fields', 'excluded', 'jsonSchema']);
    expect(JSON.parse(JSON.stringify(form))).to.have.all.keys('fields', 'excluded', 'jsonSchema');
    expect(form.validator.safeParse({ TOKEN: 'x' }).success).to.equal(true);
    expect(form.validator.safeParse({}).error?.issues.map((issue) => issue.message)).to.deep.equal(['TOKEN is required']);
    expect(form.validator.safeParse({ TOKEN: 1 }).error?.issues.map((issue) => issue.message)).to.deep.equal(['TOKEN must be a string']);
  });

  it('builds an empty form for a server without env vars', () => {
    const form = buildCredentialForm([]);
    expect(form.fields).to.deep.equal([]);
    expect(form.jsonSchema.required).to.deep.equal([]);
    expect(form.validator.parse({})).to.deep.equal({});
    expect(form.validator.safeParse({ ANY: 'x' }).success).to.equal(false);
  });
});
