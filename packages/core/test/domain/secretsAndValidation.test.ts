import { expect } from 'chai';
import fc from 'fast-check';
import { z } from 'zod';
import { parseMcpConfig } from '../../src/domain/parseMcpConfig.js';
import {
  ACCESS_TOKEN_PREFIX,
  API_KEY_PREFIX,
  apiKeyDisplayPrefix,
  isAccessTokenFormat,
  isApiKeyFormat,
  parseKeyId,
} from '../../src/domain/secrets.js';
import { parseWith, toInputIssues } from '../../src/domain/validation.js';
import { expectThrows } from './expectThrows.js';

const body = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64url'));

describe('token formats', () => {
  it('recognises access tokens and API keys made of 32 random bytes', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(isAccessTokenFormat(`${ACCESS_TOKEN_PREFIX}${b}`)).to.equal(true);
        expect(isApiKeyFormat(`${API_KEY_PREFIX}${b}`)).to.equal(true);
        expect(isAccessTokenFormat(`${API_KEY_PREFIX}${b}`)).to.equal(false);
        expect(isApiKeyFormat(`${ACCESS_TOKEN_PREFIX}${b}`)).to.equal(false);
        expect(apiKeyDisplayPrefix(`${API_KEY_PREFIX}${b}`)).to.equal(`cwa_${b.slice(0, 6)}`);
      }),
    );
    for (const bad of ['cwt_', `cwt_${'A'.repeat(42)}`, `cwt_${'A'.repeat(44)}`, `cwt_${'A'.repeat(42)}=`, `cwt_${'A'.repeat(42)}+`, ` cwt_${'A'.repeat(43)}`]) {
      expect(isAccessTokenFormat(bad), bad).to.equal(false);
    }
  });

  it('validates key ids', () => {
    expect(parseKeyId('k-2026_01')).to.equal('k-2026_01');
    for (const bad of ['', 'a'.repeat(33), 'k 1', 'k:1', 'ключ']) expectThrows(() => parseKeyId(bad), 'invalid_config');
  });
});

describe('parseWith', () => {
  const schema = z.object({ credentials: z.object({ API_KEY: z.string().min(1, 'must not be empty') }) });

  it('returns the parsed value', () => {
    expect(parseWith(schema, { credentials: { API_KEY: 'k' } })).to.deep.equal({ credentials: { API_KEY: 'k' } });
  });

  it('throws the chosen code with user-safe issues naming the path', () => {
    const error = expectThrows(() => parseWith(schema, { credentials: { API_KEY: '' } }, 'invalid_credential', 'credentials'), 'invalid_credential');
    expect(error.message).to.equal('Invalid credentials at credentials.API_KEY: must not be empty.');
    expect(error.details['issues']).to.deep.equal([{ path: 'credentials.API_KEY', message: 'must not be empty' }]);
    const root = expectThrows(() => parseWith(z.string(), 5), 'invalid_input');
    expect(root.message).to.match(/^Invalid input: /);
  });

  it('turns zod issues into path/message pairs', () => {
    const result = z.array(z.number()).safeParse([1, 'x']);
    expect(result.success).to.equal(false);
    if (!result.success) expect(toInputIssues(result.error).map((issue) => issue.path)).to.deep.equal(['1']);
  });
});

describe('parseMcpConfig', () => {
  it('fills defaults of a minimal config', () => {
    const config = parseMcpConfig({ name: 'memory', package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory' } });
    expect(config).to.deep.include({ transport: 'stdio', envVars: [], args: [], tools: [], description: '' });
  });

  it('refuses what does not fit with analysis_failed', () => {
    expectThrows(() => parseMcpConfig({ name: '', package: null }), 'analysis_failed');
    expectThrows(() => parseMcpConfig({ name: 'x', package: null, envVars: [{ name: 'lower_case' }] }), 'analysis_failed');
    expectThrows(() => parseMcpConfig({ name: 'x', package: null, args: ['a\u0000b'] }), 'analysis_failed');
    expectThrows(() => parseMcpConfig('not an object'), 'analysis_failed');
  });
});
