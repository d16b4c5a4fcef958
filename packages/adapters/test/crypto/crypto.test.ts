import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Container } from 'inversify';
import { CipherToken, ClockToken, IdsToken, LoggerToken, SecretGeneratorToken, TokenHasherToken, isCatwalkError } from '@catwalk/core';
import type { Cipher, Clock, Ids, SecretGenerator, TokenHasher } from '@catwalk/core';
import { RecordingLogger, describeCipherContract, describeTokenHasherContract } from '@catwalk/core/testing';
import { loadOrCreateEmbeddedKeyRing } from '../../src/crypto/embeddedKey.js';
import { formatKeyEntry, parseKeyRing } from '../../src/crypto/keyRing.js';
import { cryptoModule, systemModule } from '../../src/crypto/modules.js';
import { SecretboxCipher } from '../../src/crypto/secretboxCipher.js';
import { RandomSecretGenerator, RandomUuidIds, Sha256TokenHasher } from '../../src/crypto/system.js';

const keyOf = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
const ringOf = (...entries: [string, number][]): string => entries.map(([id, fill]) => formatKeyEntry(id, keyOf(fill))).join(',');

describeCipherContract('SecretboxCipher', () => new SecretboxCipher(parseKeyRing(ringOf(['k1', 1]))), {
  makeRotated: () =>
    Promise.resolve({
      before: new SecretboxCipher(parseKeyRing(ringOf(['k1', 1]))),
      after: new SecretboxCipher(parseKeyRing(ringOf(['k2', 2], ['k1', 1]))),
    }),
});
describeTokenHasherContract('Sha256TokenHasher', () => new Sha256TokenHasher());

/** Runs `work` and returns the CatwalkError it threw. */
function thrown(work: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    work();
  } catch (error) {
    if (isCatwalkError(error)) return { code: error.code, message: error.message, details: { ...error.details } };
    throw error;
  }
  throw new Error('expected a throw');
}

describe('CATWALK_SECRET_KEYS key ring', () => {
  it('parses id:base64key entries, first = current, base64 or base64url', () => {
    const urlSafe = Buffer.from(keyOf(0xfb)).toString('base64url');
    const ring = parseKeyRing(` ${ringOf(['new', 3])} , old:${urlSafe} `);
    expect(ring.currentKeyId).to.equal('new');
    expect([...ring.keys.keys()]).to.deep.equal(['new', 'old']);
    expect(Array.from(ring.keys.get('old')!)).to.deep.equal(Array.from(keyOf(0xfb)));
  });

  it('refuses keys that are not exactly 32 bytes, naming the variable and never echoing key material', () => {
    const shortKey = Buffer.from('sixteen-byte-key').toString('base64');
    const longKey = Buffer.from(new Uint8Array(33).fill(7)).toString('base64');
    for (const value of [`k1:${shortKey}`, `k1:${longKey}`, `${ringOf(['k1', 1])},k2:${shortKey}`]) {
      const error = thrown(() => parseKeyRing(value));
      expect(error.code).to.equal('invalid_config');
      expect(error.details['variable']).to.equal('CATWALK_SECRET_KEYS');
      expect(error.message).to.contain('CATWALK_SECRET_KEYS');
      const everything = JSON.stringify(error);
      expect(everything).to.not.contain(shortKey);
      expect(everything).to.not.contain(longKey);
      expect(everything).to.not.contain(shortKey.slice(0, 8));
    }
  });

  it('refuses empty rings, missing ids, bad ids, duplicates and non-base64', () => {
    const secretish = 'not base64 at all!!';
    for (const value of ['', ' , ', `:${Buffer.from(keyOf(1)).toString('base64')}`, `bad id:${Buffer.from(keyOf(1)).toString('base64')}`, ringOf(['a', 1], ['a', 2]), `k:${secretish}`]) {
      const error = thrown(() => parseKeyRing(value));
      expect(error.code).to.equal('invalid_config');
      expect(JSON.stringify(error)).to.not.contain(secretish);
    }
  });
});

describe('embedded secret key file', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'catwalk-key-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('generates one 32-byte key into secret.key with mode 0600 and says so once', () => {
    const logger = new RecordingLogger();
    const first = loadOrCreateEmbeddedKeyRing(home, logger);
    const path = join(home, 'secret.key');
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(first.keys.get(first.currentKeyId)!.length).to.equal(32);
    expect(logger.at('warn')).to.have.length(1);
    expect(logger.text()).to.not.contain(Buffer.from(first.keys.get(first.currentKeyId)!).toString('base64'));

    const again = new RecordingLogger();
    const second = loadOrCreateEmbeddedKeyRing(home, again);
    expect(second.currentKeyId).to.equal(first.currentKeyId);
    expect(Array.from(second.keys.get(second.currentKeyId)!)).to.deep.equal(Array.from(first.keys.get(first.currentKeyId)!));
    expect(again.entries, 'the notice is given once, when the key is created').to.deep.equal([]);
  });

  it('keeps boxes openable across restarts (same key read back)', async () => {
    const sealed = await new SecretboxCipher(loadOrCreateEmbeddedKeyRing(home, new RecordingLogger())).seal('survives restarts');
    expect(await new SecretboxCipher(loadOrCreateEmbeddedKeyRing(home, new RecordingLogger())).open(sealed)).to.equal('survives restarts');
  });

  it('warns when the key file is readable by others, and refuses a corrupt one naming the file', () => {
    const path = join(home, 'secret.key');
    writeFileSync(path, `${ringOf(['k1', 4])}\n`, { mode: 0o644 });
    const logger = new RecordingLogger();
    loadOrCreateEmbeddedKeyRing(home, logger);
    expect(logger.at('warn').map((entry) => entry.message).join()).to.contain('chmod 600');
    writeFileSync(path, 'k1:c2hvcnQ=\n');
    const error = thrown(() => loadOrCreateEmbeddedKeyRing(home, new RecordingLogger()));
    expect(error.code).to.equal('invalid_config');
    expect(error.details['variable']).to.equal(path);
    expect(readFileSync(path, 'utf8')).to.equal('k1:c2hvcnQ=\n');
  });
});

describe('crypto and system modules', () => {
  it('binds the cipher from CATWALK_SECRET_KEYS, and the system ports', async () => {
    const container = new Container();
    container.bind(LoggerToken).toConstantValue(new RecordingLogger());
    await container.load(cryptoModule({ secretKeys: ringOf(['prod', 9], ['old', 8]), home: '/nonexistent-never-touched' }), systemModule());
    const cipher = container.get<Cipher>(CipherToken);
    expect(cipher.currentKeyId).to.equal('prod');
    expect(container.get(CipherToken)).to.equal(cipher);
    expect(await cipher.open(await cipher.seal('x'))).to.equal('x');
    expect(container.get<Clock>(ClockToken).now()).to.be.instanceOf(Date);
    expect(container.get<Ids>(IdsToken).newId()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(container.get<SecretGenerator>(SecretGeneratorToken).randomToken(32)).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(container.get<TokenHasher>(TokenHasherToken).hash('abc')).to.have.length(64);
  });

  it('falls back to the embedded key file when CATWALK_SECRET_KEYS is unset', async () => {
    const home = mkdtempSync(join(tmpdir(), 'catwalk-key-'));
    try {
      const container = new Container();
      container.bind(LoggerToken).toConstantValue(new RecordingLogger());
      await container.load(cryptoModule({ secretKeys: undefined, home }));
      expect(container.get<Cipher>(CipherToken).currentKeyId).to.match(/^local-/);
      expect(statSync(join(home, 'secret.key')).mode & 0o777).to.equal(0o600);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('system ports', () => {
  it('makes distinct UUIDs and random base64url tokens of the asked size', () => {
    const ids = new RandomUuidIds();
    expect(ids.newId()).to.not.equal(ids.newId());
    const secrets = new RandomSecretGenerator();
    const token = secrets.randomToken(32);
    expect(Buffer.from(token, 'base64url')).to.have.length(32);
    expect(token).to.not.equal(secrets.randomToken(32));
  });
});
