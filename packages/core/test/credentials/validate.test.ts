import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_CREDENTIAL_BYTES, MAX_CREDENTIALS, buildCredentialForm, validateCredentials } from '../../src/credentials/index.js';
import type { CredentialJsonSchema } from '../../src/credentials/index.js';
import type { EnvVarSpec } from '../../src/domain/mcpConfig.js';
import { CatwalkError } from '../../src/errors/index.js';
import { expectThrows } from '../domain/expectThrows.js';

function spec(name: string, extra: Partial<EnvVarSpec> = {}): EnvVarSpec {
  return { name, description: '', required: false, secret: false, ...extra };
}

const SPECS: EnvVarSpec[] = [
  spec('API_KEY', { required: true, secret: true }),
  spec('BASE_URL', { default: 'https://api.example.com' }),
  spec('REGION', { choices: ['eu', 'us'] }),
  spec('LIMIT', { format: 'number' }),
  spec('DEBUG', { format: 'boolean' }),
  spec('WORKSPACE'),
];

describe('validateCredentials', () => {
  it('returns the values with defaults applied and empty optional values dropped', () => {
    expect(validateCredentials(SPECS, { API_KEY: 'k', REGION: '', WORKSPACE: '' })).to.deep.equal({ API_KEY: 'k', BASE_URL: 'https://api.example.com' });
    expect(validateCredentials(SPECS, { API_KEY: 'k', BASE_URL: 'http://10.0.0.1:8080/v1', REGION: 'eu', LIMIT: '-1.5e3', DEBUG: 'yes', WORKSPACE: 'a b' })).to.deep.equal({
      API_KEY: 'k',
      BASE_URL: 'http://10.0.0.1:8080/v1',
      REGION: 'eu',
      LIMIT: '-1.5e3',
      DEBUG: 'yes',
      WORKSPACE: 'a b',
    });
  });

  it('uses the default of a required field that was not given', () => {
    const specs = [spec('MODE', { required: true, default: 'safe' })];
    expect(validateCredentials(specs, {})).to.deep.equal({ MODE: 'safe' });
    expect(validateCredentials(specs, { MODE: '' })).to.deep.equal({ MODE: 'safe' });
  });

  it('lists every missing required credential', () => {
    const specs = [spec('A_TOKEN', { required: true }), spec('B_TOKEN', { required: true }), spec('C')];
    const error = expectThrows(() => validateCredentials(specs, { A_TOKEN: '' }), 'missing_credentials');
    expect(error.details).to.deep.equal({ missing: ['A_TOKEN', 'B_TOKEN'] });
    expect(error.message).to.equal('Missing required credentials: A_TOKEN, B_TOKEN.');
  });

  it('refuses undeclared names, listing them and what the server accepts', () => {
    const error = expectThrows(() => validateCredentials(SPECS, { API_KEY: 'k', ZED: '1', OTHER: '2' }), 'unknown_credential');
    expect(error.details['unknown']).to.deep.equal(['OTHER', 'ZED']);
    expect(error.message).to.include('this server accepts API_KEY, BASE_URL');
    const none = expectThrows(() => validateCredentials([], { X: '1' }), 'unknown_credential');
    expect(none.message).to.include('declares no credentials');
  });

  it('refuses names that could hijack the process, even when the server declares them', () => {
    const declared = [spec('PATH'), spec('LD_PRELOAD'), spec('NODE_OPTIONS'), spec('PYTHONPATH'), spec('API_KEY')];
    for (const name of ['PATH', 'LD_PRELOAD', 'NODE_OPTIONS', 'PYTHONPATH', 'path', 'npm_config_registry', 'DYLD_INSERT_LIBRARIES', 'BASH_ENV', 'UV_INDEX_URL']) {
      const error = expectThrows(() => validateCredentials(declared, { [name]: '/tmp/evil' }), 'unknown_credential');
      expect(error.details['unknown']).to.deep.equal([name]);
      expect(error.message).to.include('may never be set as a credential');
      expect(error.message).to.not.include('/tmp/evil');
    }
    // Declared but reserved names are never demanded either.
    expect(validateCredentials([spec('PATH', { required: true })], {})).to.deep.equal({});
  });

  it('refuses prototype keys, whatever their value', () => {
    for (const raw of ['{"__proto__": {"polluted": "yes"}}', '{"constructor": "x"}', '{"prototype": "x"}']) {
      const error = expectThrows(() => validateCredentials(SPECS, JSON.parse(raw)), 'unknown_credential');
      expect(error.details['reason']).to.equal('reserved object key');
    }
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('accepts only plain objects', () => {
    for (const bad of [null, undefined, 'API_KEY=k', 42, ['k'], new Map([['API_KEY', 'k']]), new (class Creds { API_KEY = 'k'; })()]) {
      expectThrows(() => validateCredentials(SPECS, bad), 'invalid_input');
    }
    const bare = Object.create(null) as Record<string, string>;
    bare['API_KEY'] = 'k';
    expect(validateCredentials(SPECS, bare)).to.include({ API_KEY: 'k' });
  });

  it('refuses values that are not strings, and never calls getters', () => {
    for (const value of [1, true, null, { a: 1 }, ['x']]) {
      const error = expectThrows(() => validateCredentials(SPECS, { API_KEY: value }), 'invalid_credential');
      expect(error.details).to.include({ field: 'API_KEY' });
    }
    let called = false;
    const sneaky = Object.defineProperty({}, 'API_KEY', {
      enumerable: true,
      get: () => {
        called = true;
        return 'k';
      },
    });
    expectThrows(() => validateCredentials(SPECS, sneaky), 'missing_credentials');
    expect(called).to.equal(false);
  });

  it('bounds values at 8 KiB of UTF-8 and refuses NUL', () => {
    expect(validateCredentials(SPECS, { API_KEY: 'x'.repeat(MAX_CREDENTIAL_BYTES) })['API_KEY']).to.have.length(MAX_CREDENTIAL_BYTES);
    const tooLong = expectThrows(() => validateCredentials(SPECS, { API_KEY: 'x'.repeat(MAX_CREDENTIAL_BYTES + 1) }), 'payload_too_large');
    expect(tooLong.details).to.include({ field: 'API_KEY' });
    expect(tooLong.message).to.include('at most 8192 bytes');
    // 2,731 euro signs are 8,193 bytes in UTF-8 though only 2,731 characters.
    expectThrows(() => validateCredentials(SPECS, { API_KEY: '\u20ac'.repeat(2731) }), 'payload_too_large');
    const nul = expectThrows(() => validateCredentials(SPECS, { API_KEY: 'k\u0000' }), 'invalid_credential');
    expect(nul.message).to.include('NUL');
  });

  it('refuses more than 64 names', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_CREDENTIALS + 1 }, (_, i) => [`V${i}`, 'x']));
    expectThrows(() => validateCredentials(SPECS, many), 'payload_too_large');
  });

  it('checks URLs, choices, numbers and booleans, saying what is allowed', () => {
    const hostileUrls = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,x',
      'ftp://example.com',
      'gopher://example.com',
      'https://',
      'https://exa mple.com',
      'https://example.com/\n',
      'https://g\u0456thub.com',
      'https://example.com\\@evil.com',
      'https://example.com:99999',
      'https://user@host@evil.com',
      '//example.com',
      'example.com',
      ' https://example.com',
      'https://a,b',
    ];
    for (const value of hostileUrls) {
      const error = expectThrows(() => validateCredentials(SPECS, { API_KEY: 'k', BASE_URL: value }), 'invalid_credential');
      expect(error.details).to.include({ field: 'BASE_URL' });
      expect(error.message).to.include('must be an absolute URL');
      if (value.length > 10) expect(error.message).to.not.include(value);
    }
    for (const value of ['https://example.com', 'http://[::1]:8080/mcp?x=1#y', 'https://user:pa%20ss@host.example/path', 'wss://h', 'postgresql://u:p@db:5432/x']) {
      expect(validateCredentials(SPECS, { API_KEY: 'k', BASE_URL: value })['BASE_URL']).to.equal(value);
    }
    expect(validateCredentials([spec('MONGODB_URI')], { MONGODB_URI: 'mongodb://a:1,b:2/db' })).to.deep.equal({ MONGODB_URI: 'mongodb://a:1,b:2/db' });
    expect(expectThrows(() => validateCredentials(SPECS, { API_KEY: 'k', REGION: 'asia' }), 'invalid_credential').message).to.include('one of: eu, us');
    for (const bad of ['1,5', 'NaN', 'Infinity', '0x10', '', '1 ']) {
      if (bad === '') continue;
      expect(expectThrows(() => validateCredentials(SPECS, { API_KEY: 'k', LIMIT: bad }), 'invalid_credential').message).to.include('a number');
    }
    expect(expectThrows(() => validateCredentials(SPECS, { API_KEY: 'k', DEBUG: 'TRUE!' }), 'invalid_credential').message).to.include('true, false');
  });

  it('accepts hostile text in plain string fields: values go to the environment, never to a shell', () => {
    for (const value of ['$(rm -rf /)', '`id`', "'; DROP TABLE x; --", '\u202egnp.exe', 'line1\nline2']) {
      expect(validateCredentials(SPECS, { API_KEY: value })['API_KEY']).to.equal(value);
    }
  });
});

/** The parts of JSON Schema our form uses, interpreted: enough to check the schema agrees with the validators. */
function jsonSchemaAccepts(schema: CredentialJsonSchema, value: Record<string, string>): boolean {
  if (schema.required.some((name) => !(name in value))) return false;
  return Object.entries(value).every(([name, text]) => {
    const property = schema.properties[name];
    if (property === undefined) return false;
    if (property.enum !== undefined && !property.enum.includes(text)) return false;
    if (property.pattern !== undefined && !new RegExp(property.pattern, 'u').test(text)) return false;
    return [...text].length <= property.maxLength;
  });
}

describe('one source of truth', () => {
  const specArb = fc
    .uniqueArray(
      fc.record({
        name: fc.constantFrom('API_KEY', 'BASE_URL', 'REGION', 'LIMIT', 'DEBUG', 'NOTE', 'PATH', 'HOST'),
        description: fc.constant(''),
        required: fc.boolean(),
        secret: fc.boolean(),
        default: fc.option(fc.constantFrom('https://x.example', 'eu', '1', 'true', 'text'), { nil: undefined }),
        format: fc.option(fc.constantFrom('string' as const, 'number' as const, 'boolean' as const, 'url' as const), { nil: undefined }),
        choices: fc.option(fc.constant<string[]>(['eu', 'us']), { nil: undefined }),
      }),
      { selector: (item) => item.name, maxLength: 6 },
    )
    .map((items): EnvVarSpec[] =>
      items.map(({ default: d, format, choices, ...rest }) => ({
        ...rest,
        ...(d === undefined ? {} : { default: d }),
        ...(format === undefined ? {} : { format }),
        ...(choices === undefined ? {} : { choices }),
      })),
    );
  const valueArb = fc.oneof(
    fc.constantFrom('', 'eu', 'us', '42', '-1.5', 'true', 'no', 'https://ok.example/x', 'file:///etc/passwd', 'x\u0000', 'plain'),
    fc.string({ maxLength: 12 }),
  );
  const submissionArb = fc.dictionary(fc.constantFrom('API_KEY', 'BASE_URL', 'REGION', 'LIMIT', 'DEBUG', 'NOTE', 'OTHER', 'PATH'), valueArb, { maxKeys: 6 });

  it('the zod validator, validateCredentials and the JSON Schema agree', () => {
    fc.assert(
      fc.property(specArb, submissionArb, (specs, submitted) => {
        const form = buildCredentialForm(specs);
        const zod = form.validator.safeParse(submitted);
        let direct: Record<string, string> | undefined;
        try {
          direct = validateCredentials(specs, submitted);
        } catch (error) {
          expect(error).to.be.instanceOf(CatwalkError);
        }
        expect(zod.success, JSON.stringify({ specs, submitted })).to.equal(direct !== undefined);
        if (zod.success && direct !== undefined) {
          expect(zod.data).to.deep.equal(direct);
          // Whatever both validators accept (after dropping empty optionals), the JSON Schema accepts too.
          const sent = Object.fromEntries(Object.entries(submitted).filter(([, v]) => v !== ''));
          expect(jsonSchemaAccepts(form.jsonSchema, sent), JSON.stringify({ specs, sent })).to.equal(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
