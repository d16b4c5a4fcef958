import { expect } from 'chai';
import fc from 'fast-check';
import { hasControlCharacter, hasInvisibleCharacter, quoteForMessage, utf8ByteLength } from '../../src/domain/text.js';

describe('text helpers', () => {
  it('utf8ByteLength agrees with Buffer.byteLength (lone surrogates count as U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', '\u00e9', '\u20ac', '\ud83d\ude00'), maxLength: 20 }), (a, b) => {
        const value = a + b;
        expect(utf8ByteLength(value)).to.equal(Buffer.byteLength(value, 'utf8'));
      }),
    );
  });

  it('finds control and invisible characters', () => {
    expect(hasControlCharacter('a\u0000b')).to.equal(true);
    expect(hasControlCharacter('a\u0085b')).to.equal(true);
    expect(hasControlCharacter('a b')).to.equal(false);
    for (const char of ['\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\u00ad', '\u2028']) expect(hasInvisibleCharacter(`a${char}`)).to.equal(true);
    expect(hasInvisibleCharacter('plain \u0456')).to.equal(false);
  });

  it('quoteForMessage escapes control and invisible characters and truncates', () => {
    const quoted = quoteForMessage('a\u0000\n\u202eb\u2028\u{e0041}');
    expect(quoted).to.equal('"a\\u0000\\n\\u202eb\\u2028\\udb40\\udc41"');
    expect(quoteForMessage('x'.repeat(100), 10)).to.equal(`"${'x'.repeat(10)}…"`);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (value) => {
        const shown = quoteForMessage(value);
        expect(hasControlCharacter(shown)).to.equal(false);
        expect(hasInvisibleCharacter(shown)).to.equal(false);
      }),
    );
  });
});
