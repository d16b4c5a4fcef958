import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CatwalkError, ERROR_CODES, isCatwalkError, isErrorCode } from '../../src/errors/index.js';

const codesSource = readFileSync(new URL('../../src/errors/codes.ts', import.meta.url), 'utf8');

describe('ERROR_CODES', () => {
  const entries = Object.entries(ERROR_CODES);

  it('has a code equal to its key for every entry', () => {
    expect(entries.length).to.be.greaterThan(0);
    for (const [key, code] of entries) expect(code, key).to.equal(key);
  });

  it('documents every code with a JSDoc comment right above it', () => {
    for (const [key] of entries) {
      const documented = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])+)\\*/\\s*\\n\\s*${key}:\\s*'${key}',`).exec(codesSource);
      expect(documented, `${key} has no JSDoc`).to.not.equal(null);
      expect(documented?.[1]?.replace(/[\s*]+/g, ' ').trim().length ?? 0, `${key} has an empty JSDoc`).to.be.greaterThan(10);
    }
  });

  it('lists in the source exactly the codes the table exports', () => {
    const inSource = [...codesSource.matchAll(/^\s{2}([a-z_]+): '([a-z_]+)',$/gm)].map((match) => match[1]);
    expect(inSource).to.deep.equal(entries.map(([key]) => key));
  });

  it('recognises codes', () => {
    expect(isErrorCode('not_found')).to.equal(true);
    expect(isErrorCode('toString')).to.equal(false);
    expect(isErrorCode('nope')).to.equal(false);
  });
});

describe('CatwalkError', () => {
  it('carries code, message, details, retryable and cause, and serialises to the wire shape', () => {
    const cause = new Error('vendor detail');
    const error = new CatwalkError('registry_unavailable', 'npm is down.', { registry: 'npm' }, { retryable: true, cause });
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('CatwalkError');
    expect(error.retryable).to.equal(true);
    expect(error.cause).to.equal(cause);
    expect(error.toJSON()).to.deep.equal({ error: 'registry_unavailable', message: 'npm is down.', details: { registry: 'npm' } });
    expect(JSON.stringify(error)).to.not.include('vendor detail');
  });

  it('defaults to no details, not retryable, no cause', () => {
    const error = new CatwalkError('not_found', 'No such deployment.');
    expect(error.details).to.deep.equal({});
    expect(error.retryable).to.equal(false);
    expect(error.cause).to.equal(undefined);
    expect(isCatwalkError(error)).to.equal(true);
    expect(isCatwalkError(error, 'not_found')).to.equal(true);
    expect(isCatwalkError(error, 'conflict')).to.equal(false);
    expect(isCatwalkError(new Error('x'))).to.equal(false);
  });
});
