import { expect } from 'chai';
import fc from 'fast-check';
import { isWebUrl, parseAbsoluteUrl } from '../../src/credentials/index.js';

describe('parseAbsoluteUrl', () => {
  it('parses scheme, hosts, userinfo and rest', () => {
    expect(parseAbsoluteUrl('HTTPS://User:pw@Example.COM:443/a?b#c')).to.deep.equal({ scheme: 'https', hosts: ['example.com'], hasUserinfo: true, rest: '/a?b#c' });
    expect(parseAbsoluteUrl('http://[::1]:8080')).to.deep.equal({ scheme: 'http', hosts: ['[::1]'], hasUserinfo: false, rest: '' });
    expect(parseAbsoluteUrl('mongodb://a:1,b:2/db', { allowHostList: true })?.hosts).to.deep.equal(['a', 'b']);
    expect(parseAbsoluteUrl('mongodb://a:1,b:2/db')).to.equal(undefined);
  });

  it('refuses malformed and deceptive URLs', () => {
    for (const bad of ['', 'https:', 'https://', 'https:///x', 'https://-x.com', 'https://x-.com', 'https://x..com', 'https://x.com:', 'https://x.com:65536', 'https://x.com:1x',
      'https://x y.com', 'https://x.com/ a', 'https://x.com/<script>', 'https://x.com/"', 'https://g\u0456thub.com', 'https://x.com\\y', 'https://a@b@c', 'https://[zz]',
      'https://x.com/\u0000', `https://x.com/${'a'.repeat(9000)}`]) {
      expect(parseAbsoluteUrl(bad), JSON.stringify(bad)).to.equal(undefined);
    }
  });

  it('never throws, and web URLs are http or https only', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', 'http://', 'https://', 'file://', 'javascript:'), (rest, prefix) => {
        const value = prefix + rest;
        const parsed = parseAbsoluteUrl(value);
        if (isWebUrl(value)) expect(parsed?.scheme).to.be.oneOf(['http', 'https']);
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
                if (parsed !== undefined) expect(value).to.not.match(/[\s\u0000-\u001f\u007f-\uffff]/);
      }),
      { numRuns: 500 },
    );
  });
});
