import { expect } from 'chai';
import * as core from '../../src/index.js';

describe('@catwalk/core public entry', () => {
  it('exports the credential and config API', () => {
    for (const name of [
      'buildCredentialForm',
      'validateCredentials',
      'isReservedEnvName',
      'reservedEnvNameReason',
      'loadConfig',
      'describeConfig',
      'describeConfigMarkdown',
      'redactConfig',
      'decodeBase64',
      'parseSource',
      'parseRepoUrl',
      'parseNpmName',
      'parsePypiName',
      'Deployment',
      'CatwalkError',
      'ERROR_CODES',
    ]) {
      expect(core, name).to.have.property(name);
    }
  });

  it('names every port token Symbol.for("@catwalk/core/<Port>") after its export', () => {
    const tokens = Object.entries(core).filter(([, value]) => typeof value === 'symbol');
    expect(tokens.length).to.be.at.least(10);
    for (const [name, value] of tokens) {
      expect(name.endsWith('Token'), name).to.equal(true);
      expect(value).to.equal(Symbol.for(`@catwalk/core/${name.slice(0, -'Token'.length)}`));
    }
  });
});
