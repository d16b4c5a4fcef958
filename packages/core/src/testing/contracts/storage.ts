import { expect } from 'chai';
import { DEPLOYMENT_STATUSES, Deployment } from '../../domain/deployment.js';
import type { DeploymentState } from '../../domain/deployment.js';
import type { SealedBox } from '../../domain/secrets.js';
import type { User } from '../../domain/user.js';
import type { CredentialRepository, DeploymentRepository, EventLog, UnitOfWork, UserRepository } from '../../ports/index.js';
import { aMcpConfig, anApiKeyRecord, aUser } from '../fakes/mothers.js';
import { bytesOf, contractUuid, expectCatwalkError } from './support.js';

/**
 * Everything a storage contract needs: one consistent set of repositories over an EMPTY store. `makeContext` is
 * called before every test; `dispose` (if any) after it.
 */
export interface StorageContext {
  readonly deployments: DeploymentRepository;
  readonly credentials: CredentialRepository;
  readonly events: EventLog;
  readonly users: UserRepository;
  readonly unitOfWork: UnitOfWork;
  dispose?(): Promise<void>;
}

/** Makes a fresh, empty storage context. */
export type MakeStorageContext = () => StorageContext | Promise<StorageContext>;

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);

/** A user with a fresh id (owners must exist before their deployments: real stores have a foreign key). */
async function anOwner(ctx: StorageContext, overrides: Partial<User> = {}): Promise<User> {
  const user = aUser({ id: contractUuid(), createdAt: at(0), ...overrides });
  await ctx.users.create(user);
  return user;
}

/** A new pending deployment (not stored yet) with its `created` event. */
function aNewDeployment(ownerId: string, createdAt: Date, overrides: { name?: string } = {}): Deployment {
  return Deployment.create({
    id: contractUuid(),
    ownerId,
    name: overrides.name ?? 'example',
    source: 'npm:@example/mcp-server@1.2.3',
    package: { runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' },
    config: aMcpConfig(),
    accessTokenHash: 'b'.repeat(64),
    createdAt,
  });
}

/** A sealed-looking box (the repositories never open boxes; these bytes are opaque to them). */
function aBox(keyId: string, fill: number): SealedBox {
  return { keyId, nonce: new Uint8Array(24).fill(fill), ciphertext: Uint8Array.from([fill, 0, 255, 1, 2, 3, 128, fill]) };
}

/** Comparable view of a state: dates as epoch millis (stores may return fresh Date objects). */
function comparable(state: DeploymentState): Record<string, unknown> {
  return { ...state, createdAt: state.createdAt.getTime(), updatedAt: state.updatedAt.getTime() };
}

/** Registers a `beforeEach` that makes a fresh context and returns a getter for it. */
function useContext(makeContext: MakeStorageContext): () => StorageContext {
  let ctx: StorageContext | undefined;
  beforeEach(async () => {
    ctx = await makeContext();
  });
  afterEach(async () => {
    await ctx?.dispose?.();
    ctx = undefined;
  });
  return () => {
    if (ctx === undefined) throw new Error('storage context not ready');
    return ctx;
  };
}

/** The DeploymentRepository contract: insert/get round trip, compare-and-set saves, paging, status queries. */
export function describeDeploymentRepositoryContract(name: string, makeContext: MakeStorageContext): void {
  describe(`DeploymentRepository contract: ${name}`, () => {
    const context = useContext(makeContext);

    it('inserts at version 1 and reads every field back', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      const expected = { ...deployment.state, version: 1 };
      await ctx.deployments.insert(deployment);
      expect(deployment.version).to.equal(1);
      const loaded = await ctx.deployments.get(deployment.id);
      expect(loaded).to.not.equal(undefined);
      expect(comparable(loaded!.state)).to.deep.equal(comparable(expected));
    });

    it('appends the events recorded before insert', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      const events = await ctx.events.list(deployment.id, { limit: 10 });
      expect(events.map((event) => event.type)).to.deep.equal(['created']);
      expect(events[0]!.to).to.equal('pending');
      expect(events[0]!.at.getTime()).to.equal(at(1).getTime());
    });

    it('refuses a second insert of the same id with conflict', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      await expectCatwalkError(ctx.deployments.insert(Deployment.fromState({ ...deployment.state, version: 0 })), 'conflict');
    });

    it('answers undefined for unknown ids, including ids that are not UUIDs', async () => {
      const ctx = context();
      expect(await ctx.deployments.get(contractUuid())).to.equal(undefined);
      expect(await ctx.deployments.get('not-a-uuid')).to.equal(undefined);
    });

    it('saves a status change, bumps the version and appends the transition event', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      deployment.startDeploying(at(2));
      await ctx.deployments.save(deployment);
      expect(deployment.version).to.equal(2);
      deployment.markRunning(at(3), {
        machineId: `machine-${deployment.id}`,
        upstreamUrl: 'http://127.0.0.1:9999/mcp',
        tools: [{ name: 'search', description: 'Searches', inputSchema: { type: 'object' } }],
      });
      await ctx.deployments.save(deployment);
      const loaded = await ctx.deployments.get(deployment.id);
      expect(loaded!.version).to.equal(3);
      expect(comparable(loaded!.state)).to.deep.equal(comparable(deployment.state));
      const events = await ctx.events.list(deployment.id, { limit: 10 });
      expect(events.map((event) => [event.type, event.from ?? null, event.to ?? null])).to.deep.equal([
        ['created', null, 'pending'],
        ['status_changed', 'pending', 'deploying'],
        ['status_changed', 'deploying', 'running'],
      ]);
    });

    it('lets only one of two writers holding the same version win (compare-and-set)', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      const first = (await ctx.deployments.get(deployment.id))!;
      const second = (await ctx.deployments.get(deployment.id))!;
      first.startDeploying(at(2));
      second.startDeploying(at(2));
      const results = await Promise.allSettled([ctx.deployments.save(first), ctx.deployments.save(second)]);
      expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
      const rejected = results.find((result) => result.status === 'rejected');
      expect((rejected!.reason as { code?: string }).code).to.equal('conflict');
      const stored = await ctx.deployments.get(deployment.id);
      expect(stored!.version).to.equal(2);
      const transitions = (await ctx.events.list(deployment.id, { limit: 10 })).filter((event) => event.type === 'status_changed');
      expect(transitions, 'the losing save must not append its events').to.have.length(1);
    });

    it('answers conflict for a stale version and not_found for a deleted deployment', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      const stale = Deployment.fromState({ ...deployment.state, version: 7 });
      stale.startDeploying(at(2));
      await expectCatwalkError(ctx.deployments.save(stale), 'conflict');
      await ctx.deployments.delete(deployment.id);
      deployment.startDeploying(at(3));
      await expectCatwalkError(ctx.deployments.save(deployment), 'not_found');
    });

    it("lists only the owner's deployments, newest first, in pages that cover each exactly once", async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const other = await anOwner(ctx, { name: 'Grace' });
      const mine: string[] = [];
      for (let i = 0; i < 7; i++) {
        const deployment = aNewDeployment(owner.id, at(10 + i), { name: `d${i}` });
        await ctx.deployments.insert(deployment);
        mine.push(deployment.id);
        await ctx.deployments.insert(aNewDeployment(other.id, at(10 + i)));
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.deployments.list(owner.id, cursor === undefined ? { limit: 3 } : { limit: 3, cursor });
        expect(page.items.length).to.be.at.most(3);
        seen.push(...page.items.map((item) => item.id));
        for (const item of page.items) expect(item.ownerId).to.equal(owner.id);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined && pages < 10);
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal([...mine].reverse());
    });

    it('answers an empty last page with a null cursor, and invalid_input for a garbage cursor', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const empty = await ctx.deployments.list(owner.id, { limit: 10 });
      expect(empty).to.deep.equal({ items: [], nextCursor: null });
      await expectCatwalkError(ctx.deployments.list(owner.id, { limit: 10, cursor: '%%%not a cursor%%%' }), 'invalid_input');
    });

    it('lists by status, oldest first, up to the limit', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const created: Deployment[] = [];
      for (let i = 0; i < 5; i++) {
        const deployment = aNewDeployment(owner.id, at(20 + i));
        await ctx.deployments.insert(deployment);
        created.push(deployment);
      }
      created[1]!.startDeploying(at(30));
      await ctx.deployments.save(created[1]!);
      const pending = await ctx.deployments.listByStatus(['pending'], 10);
      expect(pending.map((state) => state.id)).to.deep.equal([0, 2, 3, 4].map((i) => created[i]!.id));
      const limited = await ctx.deployments.listByStatus(['pending', 'deploying'], 2);
      expect(limited.map((state) => state.id)).to.deep.equal([created[0]!.id, created[1]!.id]);
      expect(await ctx.deployments.listByStatus(['running'], 10)).to.deep.equal([]);
    });

    it('counts deployments per status, with every status present', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const a = aNewDeployment(owner.id, at(1));
      const b = aNewDeployment(owner.id, at(2));
      await ctx.deployments.insert(a);
      await ctx.deployments.insert(b);
      b.startDeploying(at(3));
      b.markFailed(at(4), 'the package did not start');
      await ctx.deployments.save(b);
      const counts = await ctx.deployments.countByStatus();
      expect(Object.keys(counts).sort()).to.deep.equal([...DEPLOYMENT_STATUSES].sort());
      expect(counts).to.deep.equal({ pending: 1, deploying: 0, running: 0, stopped: 0, failed: 1 });
      expect((await ctx.deployments.get(b.id))!.state.errorMessage).to.equal('the package did not start');
    });

    it('deletes idempotently, taking credentials and events with it', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      await ctx.credentials.put(deployment.id, aBox('k1', 7));
      await ctx.deployments.delete(deployment.id);
      await ctx.deployments.delete(deployment.id);
      expect(await ctx.deployments.get(deployment.id)).to.equal(undefined);
      expect(await ctx.credentials.get(deployment.id)).to.equal(undefined);
      expect(await ctx.events.list(deployment.id, { limit: 10 })).to.deep.equal([]);
    });
  });
}

/** The CredentialRepository contract: opaque bytes in and out, one bundle per deployment, rotation listing. */
export function describeCredentialRepositoryContract(name: string, makeContext: MakeStorageContext): void {
  describe(`CredentialRepository contract: ${name}`, () => {
    const context = useContext(makeContext);

    async function aStoredDeployment(ctx: StorageContext, second = 1): Promise<string> {
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(second));
      await ctx.deployments.insert(deployment);
      return deployment.id;
    }

    it('stores and returns the exact bytes and key id', async () => {
      const ctx = context();
      const id = await aStoredDeployment(ctx);
      const box = aBox('k1', 9);
      await ctx.credentials.put(id, box);
      const loaded = await ctx.credentials.get(id);
      expect(loaded!.keyId).to.equal('k1');
      expect(loaded!.nonce).to.be.instanceOf(Uint8Array);
      expect(bytesOf(loaded!.nonce)).to.deep.equal(bytesOf(box.nonce));
      expect(bytesOf(loaded!.ciphertext)).to.deep.equal(bytesOf(box.ciphertext));
    });

    it('replaces the bundle on a second put', async () => {
      const ctx = context();
      const id = await aStoredDeployment(ctx);
      await ctx.credentials.put(id, aBox('k1', 1));
      await ctx.credentials.put(id, aBox('k2', 2));
      const loaded = await ctx.credentials.get(id);
      expect(loaded!.keyId).to.equal('k2');
      expect(bytesOf(loaded!.nonce)).to.deep.equal(bytesOf(aBox('k2', 2).nonce));
    });

    it('answers undefined for a deployment without credentials and deletes idempotently', async () => {
      const ctx = context();
      const id = await aStoredDeployment(ctx);
      expect(await ctx.credentials.get(id)).to.equal(undefined);
      expect(await ctx.credentials.get('not-a-uuid')).to.equal(undefined);
      await ctx.credentials.put(id, aBox('k1', 3));
      await ctx.credentials.delete(id);
      await ctx.credentials.delete(id);
      expect(await ctx.credentials.get(id)).to.equal(undefined);
    });

    it('refuses credentials of a deployment that does not exist with not_found', async () => {
      const ctx = context();
      await expectCatwalkError(ctx.credentials.put(contractUuid(), aBox('k1', 4)), 'not_found');
    });

    it('lists bundles sealed under other keys in a stable order, up to the limit', async () => {
      const ctx = context();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await aStoredDeployment(ctx, i + 1));
      await ctx.credentials.put(ids[0]!, aBox('old', 1));
      await ctx.credentials.put(ids[1]!, aBox('new', 2));
      await ctx.credentials.put(ids[2]!, aBox('older', 3));
      await ctx.credentials.put(ids[3]!, aBox('old', 4));
      const all = await ctx.credentials.listNotSealedWith('new', 10);
      expect(all.map((item) => item.deploymentId).sort()).to.deep.equal([ids[0]!, ids[2]!, ids[3]!].sort());
      for (const item of all) expect(item.box.keyId).to.not.equal('new');
      const firstTwo = await ctx.credentials.listNotSealedWith('new', 2);
      expect(firstTwo.map((item) => item.deploymentId)).to.deep.equal(all.slice(0, 2).map((item) => item.deploymentId));
      expect(await ctx.credentials.listNotSealedWith('new', 10)).to.deep.equal(all);
      for (const item of all) await ctx.credentials.put(item.deploymentId, aBox('new', 5));
      expect(await ctx.credentials.listNotSealedWith('new', 10)).to.deep.equal([]);
    });
  });
}

/** The EventLog contract: appended events come back, newest `limit`, oldest first. */
export function describeEventLogContract(name: string, makeContext: MakeStorageContext): void {
  describe(`EventLog contract: ${name}`, () => {
    const context = useContext(makeContext);

    it('appends events and lists the newest ones oldest first, with every field', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      for (let i = 0; i < 5; i++) {
        await ctx.events.append({ deploymentId: deployment.id, type: 'progress', at: at(10 + i), message: `step ${i}` });
      }
      await ctx.events.append({ deploymentId: deployment.id, type: 'status_changed', at: at(20), from: 'pending', to: 'deploying' });
      const newest = await ctx.events.list(deployment.id, { limit: 3 });
      expect(newest.map((event) => event.message ?? event.type)).to.deep.equal(['step 3', 'step 4', 'status_changed']);
      const last = newest[2]!;
      expect(last).to.deep.include({ deploymentId: deployment.id, type: 'status_changed', from: 'pending', to: 'deploying' });
      expect(last.at.getTime()).to.equal(at(20).getTime());
      expect(last.message).to.equal(undefined);
      expect(await ctx.events.list(deployment.id, { limit: 100 })).to.have.length(7);
    });

    it('keeps events of different deployments apart', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const a = aNewDeployment(owner.id, at(1));
      const b = aNewDeployment(owner.id, at(2));
      await ctx.deployments.insert(a);
      await ctx.deployments.insert(b);
      await ctx.events.append({ deploymentId: a.id, type: 'progress', at: at(3), message: 'only a' });
      expect((await ctx.events.list(b.id, { limit: 10 })).map((event) => event.type)).to.deep.equal(['created']);
      expect(await ctx.events.list(contractUuid(), { limit: 10 })).to.deep.equal([]);
    });
  });
}

/** The UserRepository contract: users, API keys by hash, revocation, last use. */
export function describeUserRepositoryContract(name: string, makeContext: MakeStorageContext): void {
  describe(`UserRepository contract: ${name}`, () => {
    const context = useContext(makeContext);

    it('creates, counts and lists users oldest first', async () => {
      const ctx = context();
      expect(await ctx.users.count()).to.equal(0);
      const later = aUser({ id: contractUuid(), name: 'Later', createdAt: at(5) });
      const admin = aUser({ id: contractUuid(), name: 'Admin', role: 'admin', createdAt: at(1) });
      await ctx.users.create(later);
      await ctx.users.create(admin);
      expect(await ctx.users.count()).to.equal(2);
      const listed = await ctx.users.list();
      expect(listed.map((user) => user.id)).to.deep.equal([admin.id, later.id]);
      const loaded = await ctx.users.get(admin.id);
      expect({ ...loaded!, createdAt: loaded!.createdAt.getTime() }).to.deep.equal({ ...admin, createdAt: admin.createdAt.getTime() });
      expect(await ctx.users.get(contractUuid())).to.equal(undefined);
    });

    it('refuses a duplicate user id with conflict', async () => {
      const ctx = context();
      const user = await anOwner(ctx);
      await expectCatwalkError(ctx.users.create(user), 'conflict');
    });

    it('finds an unrevoked key by hash with its user, and refuses a duplicate hash', async () => {
      const ctx = context();
      const user = await anOwner(ctx);
      const key = anApiKeyRecord({ id: contractUuid(), userId: user.id, hash: 'c'.repeat(64), createdAt: at(2) });
      await ctx.users.addApiKey(key);
      const found = await ctx.users.findByApiKeyHash(key.hash);
      expect(found!.user.id).to.equal(user.id);
      expect(found!.key).to.deep.include({ id: key.id, prefix: key.prefix, hash: key.hash, name: key.name, lastUsedAt: null, revokedAt: null });
      expect(await ctx.users.findByApiKeyHash('d'.repeat(64))).to.equal(undefined);
      await expectCatwalkError(ctx.users.addApiKey({ ...key, id: contractUuid() }), 'conflict');
    });

    it("lists a user's keys newest first, revokes only its own keys, and hides revoked keys from lookups", async () => {
      const ctx = context();
      const user = await anOwner(ctx);
      const other = await anOwner(ctx);
      const old = anApiKeyRecord({ id: contractUuid(), userId: user.id, hash: '1'.repeat(64), createdAt: at(1) });
      const recent = anApiKeyRecord({ id: contractUuid(), userId: user.id, hash: '2'.repeat(64), createdAt: at(2) });
      await ctx.users.addApiKey(old);
      await ctx.users.addApiKey(recent);
      expect((await ctx.users.listApiKeys(user.id)).map((key) => key.id)).to.deep.equal([recent.id, old.id]);
      expect(await ctx.users.revokeApiKey(other.id, old.id, at(3))).to.equal(false);
      expect(await ctx.users.revokeApiKey(user.id, contractUuid(), at(3))).to.equal(false);
      expect(await ctx.users.revokeApiKey(user.id, old.id, at(3))).to.equal(true);
      expect(await ctx.users.findByApiKeyHash(old.hash)).to.equal(undefined);
      const keys = await ctx.users.listApiKeys(user.id);
      expect(keys.find((key) => key.id === old.id)!.revokedAt!.getTime()).to.equal(at(3).getTime());
      expect(await ctx.users.findByApiKeyHash(recent.hash)).to.not.equal(undefined);
    });

    it('records the last use of a key', async () => {
      const ctx = context();
      const user = await anOwner(ctx);
      const key = anApiKeyRecord({ id: contractUuid(), userId: user.id, hash: 'e'.repeat(64), createdAt: at(1) });
      await ctx.users.addApiKey(key);
      await ctx.users.touchApiKey(key.id, at(9));
      const found = await ctx.users.findByApiKeyHash(key.hash);
      expect(found!.key.lastUsedAt!.getTime()).to.equal(at(9).getTime());
      await ctx.users.touchApiKey(contractUuid(), at(9));
    });
  });
}

/** The UnitOfWork contract: all writes of a unit commit together, or none do. */
export function describeUnitOfWorkContract(name: string, makeContext: MakeStorageContext): void {
  describe(`UnitOfWork contract: ${name}`, () => {
    const context = useContext(makeContext);

    it('commits deployment, credentials and event together and returns the work result', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      const result = await ctx.unitOfWork.run(async (repos) => {
        await repos.deployments.insert(deployment);
        await repos.credentials.put(deployment.id, aBox('k1', 5));
        await repos.events.append({ deploymentId: deployment.id, type: 'progress', at: at(2), message: 'sealed' });
        return 'done';
      });
      expect(result).to.equal('done');
      expect(await ctx.deployments.get(deployment.id)).to.not.equal(undefined);
      expect(await ctx.credentials.get(deployment.id)).to.not.equal(undefined);
      expect((await ctx.events.list(deployment.id, { limit: 10 })).map((event) => event.type)).to.deep.equal(['created', 'progress']);
    });

    it('leaves neither deployment nor credentials when the work throws after writing both, and rethrows', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      const crash = new Error('injected crash between writes');
      let caught: unknown;
      try {
        await ctx.unitOfWork.run(async (repos) => {
          await repos.deployments.insert(deployment);
          await repos.credentials.put(deployment.id, aBox('k1', 6));
          throw crash;
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.equal(crash);
      expect(await ctx.deployments.get(deployment.id)).to.equal(undefined);
      expect(await ctx.credentials.get(deployment.id)).to.equal(undefined);
      expect(await ctx.events.list(deployment.id, { limit: 10 })).to.deep.equal([]);
      expect(await ctx.deployments.countByStatus()).to.deep.equal({ pending: 0, deploying: 0, running: 0, stopped: 0, failed: 0 });
    });

    it('rolls back a save whose later write fails, so the stored version does not move', async () => {
      const ctx = context();
      const owner = await anOwner(ctx);
      const deployment = aNewDeployment(owner.id, at(1));
      await ctx.deployments.insert(deployment);
      const loaded = (await ctx.deployments.get(deployment.id))!;
      loaded.startDeploying(at(2));
      await expectCatwalkError(
        ctx.unitOfWork.run(async (repos) => {
          await repos.deployments.save(loaded);
          await repos.credentials.put(contractUuid(), aBox('k1', 1));
        }),
        'not_found',
      );
      const stored = await ctx.deployments.get(deployment.id);
      expect(stored!.version).to.equal(1);
      expect(stored!.status).to.equal('pending');
    });
  });
}
