import { expect } from 'chai';
import type { TokenHasher } from '../../ports/index.js';

/** The TokenHasher contract: SHA-256 lower-case hex, deterministic, exact matching. */
export function describeTokenHasherContract(name: string, makeHasher: () => TokenHasher | Promise<TokenHasher>): void {
  describe(`TokenHasher contract: ${name}`, () => {
    let hasher: TokenHasher;
    beforeEach(async () => {
      hasher = await makeHasher();
    });

    it('hashes with SHA-256 as lower-case hex (known vectors)', () => {
      expect(hasher.hash('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(hasher.hash('')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(hasher.hash('välüe 🔑')).to.match(/^[0-9a-f]{64}$/);
    });

    it('is deterministic and tells different tokens apart', () => {
      const token = 'cwt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      expect(hasher.hash(token)).to.equal(hasher.hash(token));
      expect(hasher.hash(token)).to.not.equal(hasher.hash(`${token.slice(0, -1)}B`));
    });

    it('matches only the token that produced the hash', () => {
      const token = 'cwa_secret-token-value';
      const hash = hasher.hash(token);
      expect(hasher.matches(token, hash)).to.equal(true);
      expect(hasher.matches('cwa_secret-token-valuf', hash)).to.equal(false);
      expect(hasher.matches(token, hash.slice(0, -1))).to.equal(false);
      expect(hasher.matches(token, `${hash}0`)).to.equal(false);
      expect(hasher.matches(token, '')).to.equal(false);
      expect(hasher.matches(token, 'z'.repeat(64))).to.equal(false);
    });
  });
}
