import { expect } from 'chai';
import { isCatwalkError } from '../../src/errors/index.js';
import { Deployment } from '../../src/domain/deployment.js';
import { isAccessTokenFormat } from '../../src/domain/secrets.js';
import {
  FakeCipher,
  FakeClock,
  FakeOrchestrator,
  FakeSecretGenerator,
  FakeTokenHasher,
  InMemoryPackageRegistry,
  InMemoryStore,
  InMemoryUnitOfWork,
  InMemoryDeploymentRepository,
  aDeploymentState,
  base64UrlEncode,
  sha256Hex,
  utf8Decode,
  utf8Encode,
} from '../../src/testing/index.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('fakes', () => {
  describe('sha256 and bytes', () => {
    it('matches the FIPS 180-4 test vectors', () => {
      expect(sha256Hex('')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(sha256Hex('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).to.equal(
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      );
    });

    it('round-trips UTF-8 and encodes base64url without padding', () => {
      const text = 'héllo wörld 😀 ✓';
      expect(utf8Decode(utf8Encode(text))).to.equal(text);
      expect(base64UrlEncode(Uint8Array.from([0xfb, 0xff]))).to.equal('-_8');
      expect(base64UrlEncode(utf8Encode('foobar'))).to.equal('Zm9vYmFy');
    });
  });

  it('FakeSecretGenerator is deterministic, unique, and token-shaped', () => {
    const a = new FakeSecretGenerator();
    const b = new FakeSecretGenerator();
    const tokens = Array.from({ length: 50 }, () => a.randomToken(32));
    expect(new Set(tokens).size).to.equal(50);
    expect(b.randomToken(32)).to.equal(tokens[0]);
    expect(isAccessTokenFormat(`cwt_${tokens[0]!}`)).to.equal(true);
    expect(a.randomToken(5)).to.have.length(7);
  });

  it('FakeTokenHasher hashes with SHA-256 and compares', () => {
    const hasher = new FakeTokenHasher();
    expect(hasher.hash('abc')).to.equal(sha256Hex('abc'));
    expect(hasher.matches('abc', sha256Hex('abc'))).to.equal(true);
    expect(hasher.matches('abd', sha256Hex('abc'))).to.equal(false);
    expect(hasher.matches('abc', 'short')).to.equal(false);
  });

  describe('FakeCipher', () => {
    it('seals unreadably with fresh nonces and opens again', async () => {
      const cipher = new FakeCipher();
      const one = await cipher.seal('{"API_KEY":"s3cret-value"}');
      const two = await cipher.seal('{"API_KEY":"s3cret-value"}');
      expect(String.fromCharCode(...one.ciphertext)).not.to.contain('s3cret');
      expect(one.nonce).not.to.deep.equal(two.nonce);
      expect(await cipher.open(one)).to.equal('{"API_KEY":"s3cret-value"}');
    });

    it('refuses tampered boxes and unknown keys with decryption_failed', async () => {
      const cipher = new FakeCipher();
      const box = await cipher.seal('secret');
      const flipped = box.ciphertext.slice();
      flipped[flipped.length - 1]! ^= 1;
      const nonce = box.nonce.slice();
      nonce[0]! ^= 1;
      for (const bad of [{ ...box, ciphertext: flipped }, { ...box, nonce }, { ...box, keyId: 'other' }, { ...box, ciphertext: new Uint8Array(3) }]) {
        expect(isCatwalkError(await rejection(cipher.open(bad)), 'decryption_failed')).to.equal(true);
      }
    });

    it('rotates keys: old boxes still open while the key is in the ring', async () => {
      const cipher = new FakeCipher([{ id: 'k1', secret: 'one' }]);
      const old = await cipher.seal('v');
      cipher.addKey({ id: 'k2', secret: 'two' });
      expect(cipher.currentKeyId).to.equal('k2');
      expect((await cipher.seal('v')).keyId).to.equal('k2');
      expect(await cipher.open(old)).to.equal('v');
      cipher.removeKey('k1');
      expect(isCatwalkError(await rejection(cipher.open(old)), 'decryption_failed')).to.equal(true);
      expect(() => new FakeCipher([], 'x')).to.throw();
    });
  });

  describe('InMemoryPackageRegistry', () => {
    const registry = new InMemoryPackageRegistry([
      { runtime: 'npm', name: 'pkg', versions: ['1.0.0', '2.0.0', '3.0.0-beta.1'], latest: '2.0.0', distTags: { next: '3.0.0-beta.1' }, deprecated: { '1.0.0': 'use 2' } },
      { runtime: 'python', name: 'tool', versions: ['0.1', '0.2'], yanked: { '0.1': 'broken' }, description: 'A tool' },
    ]);

    it('resolves latest, dist-tags and exact versions, and flags deprecated and yanked', async () => {
      expect(await registry.lookup({ runtime: 'npm', name: 'pkg' })).to.deep.include({ kind: 'found' });
      const latest = await registry.lookup({ runtime: 'npm', name: 'pkg', version: 'latest' });
      expect(latest.kind === 'found' && latest.info.version).to.equal('2.0.0');
      const next = await registry.lookup({ runtime: 'npm', name: 'pkg', version: 'next' });
      expect(next.kind === 'found' && next.info.version).to.equal('3.0.0-beta.1');
      const old = await registry.lookup({ runtime: 'npm', name: 'pkg', version: '1.0.0' });
      expect(old.kind === 'found' && old.info.deprecated).to.equal('use 2');
      const yanked = await registry.lookup({ runtime: 'python', name: 'tool', version: '0.1' });
      expect(yanked.kind === 'found' && yanked.info.yanked && yanked.info.yankedReason).to.equal('broken');
      expect(await registry.lookup({ runtime: 'npm', name: 'pkg', version: '9.9.9' })).to.deep.equal({ kind: 'missing_version', latestVersion: '2.0.0' });
      expect(await registry.lookup({ runtime: 'python', name: 'pkg' })).to.deep.equal({ kind: 'missing_package' });
      expect(registry.requestsFor('npm', 'pkg')).to.have.length(5);
    });

    it('fails and holds on demand', async () => {
      registry.faults.failOn('lookup', new Error('down'), 1);
      expect(await rejection(registry.lookup({ runtime: 'npm', name: 'pkg' }))).to.have.property('message', 'down');
      const gate = registry.faults.hold('lookup');
      let done = false;
      const pending = registry.lookup({ runtime: 'npm', name: 'pkg' }).then(() => (done = true));
      await Promise.resolve();
      expect(done).to.equal(false);
      expect(gate.waiting).to.equal(1);
      gate.release();
      await pending;
      expect(done).to.equal(true);
      registry.faults.clear();
    });
  });

  describe('InMemoryUnitOfWork and repositories', () => {
    it('save is compare-and-set on version', async () => {
      const store = new InMemoryStore();
      const repo = new InMemoryDeploymentRepository(store);
      const created = Deployment.create({ ...aDeploymentState(), createdAt: new Date(0) });
      await repo.insert(created);
      expect(created.version).to.equal(1);
      const a = (await repo.get('dep-1'))!;
      const b = (await repo.get('dep-1'))!;
      a.startDeploying(new Date(1));
      b.startDeploying(new Date(1));
      await repo.save(a);
      expect(isCatwalkError(await rejection(repo.save(b)), 'conflict')).to.equal(true);
      expect((await repo.get('dep-1'))!.version).to.equal(2);
      expect(isCatwalkError(await rejection(repo.insert(created)), 'conflict')).to.equal(true);
      await repo.delete('dep-1');
      expect(isCatwalkError(await rejection(repo.save(a)), 'not_found')).to.equal(true);
    });

    it('rolls back everything when the work throws, including after a write', async () => {
      const store = new InMemoryStore();
      const uow = new InMemoryUnitOfWork(store);
      const cipher = new FakeCipher();
      store.faults.failOn('credentials.put', new Error('crash'), 1);
      const error = await rejection(
        uow.run(async (repos) => {
          await repos.deployments.insert(Deployment.create({ ...aDeploymentState(), createdAt: new Date(0) }));
          await repos.credentials.put('dep-1', await cipher.seal('{}'));
        }),
      );
      expect(error).to.have.property('message', 'crash');
      expect(store.isEmpty()).to.equal(true);
      expect(uow.rolledBack).to.equal(1);
    });
  });

  it('FakeOrchestrator deploys, fails on demand and forgets destroyed machines', async () => {
    const orchestrator = new FakeOrchestrator();
    const spec = { deploymentId: 'd', package: { runtime: 'npm' as const, name: 'p', version: '1.0.0' }, args: [], env: {}, transport: 'stdio' as const };
    const machine = await orchestrator.deploy(spec);
    await orchestrator.waitUntilHealthy(machine.machineId, 1000);
    expect((await orchestrator.status(machine.machineId)).state).to.equal('running');
    orchestrator.faults.failOn('listTools', new Error('boom'), 1);
    expect(await rejection(orchestrator.listTools(machine.machineId))).to.have.property('message', 'boom');
    await orchestrator.destroy(machine.machineId);
    await orchestrator.destroy(machine.machineId);
    expect((await orchestrator.status(machine.machineId)).state).to.equal('gone');
    expect(orchestrator.callsOf('destroy')).to.have.length(2);
    expect(new FakeClock('2026-02-01T00:00:00Z').now().toISOString()).to.equal('2026-02-01T00:00:00.000Z');
  });
});
