import { expect } from 'chai';
import fc from 'fast-check';
import { decodeBase64, encodeBase64 } from '../../src/config/index.js';

describe('base64', () => {
  it('round-trips bytes and agrees with Buffer in both alphabets, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64');
        expect(encodeBase64(bytes)).to.equal(standard);
        expect(decodeBase64(standard)).to.deep.equal(new Uint8Array(bytes));
        expect(decodeBase64(standard.replace(/=+$/, ''))).to.deep.equal(new Uint8Array(bytes));
        expect(decodeBase64(Buffer.from(bytes).toString('base64url'))).to.deep.equal(new Uint8Array(bytes));
      }),
    );
  });

  it('refuses anything that is not strictly base64', () => {
    for (const bad of ['A', 'AB=C', 'AB===', 'A===', ' QUJD', 'QUJD\n', 'QU JD', 'QUJ*', 'QR==', 'QUI=x', 'ab+_']) {
      expect(decodeBase64(bad), JSON.stringify(bad)).to.equal(undefined);
    }
    expect(decodeBase64('')).to.deep.equal(new Uint8Array(0));
  });
});
