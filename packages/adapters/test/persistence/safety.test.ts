import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RotateCipherKey, isCatwalkError } from '@catwalk/core';
import type { Deployment, TransactionalRepositories, UnitOfWork } from '@catwalk/core';
import { FakeClock, RecordingLogger, aMcpConfig } from '@catwalk/core/testing';
import { formatKeyEntry, parseKeyRing } from '../../src/crypto/keyRing.js';
import { SecretboxCipher } from '../../src/crypto/secretboxCipher.js';
import { embeddedDataDir, openDatabase, runMigrations } from '../../src/persistence/database.js';
import type { Database } from '../../src/persistence/database.js';
import { TypeOrmAnalysisCache } from '../../src/persistence/repositories/analysisCache.js';
import { TypeOrmCredentialRepository } from '../../src/persistence/repositories/credentialRepository.js';
import { TypeOrmDeploymentRepository } from '../../src/persistence/repositories/deploymentRepository.js';
import { TypeOrmUnitOfWork } from '../../src/persistence/repositories/unitOfWork.js';
import { createDeploymentWithCredentials, createOwner, newDeployment } from './fixtures.js';
import { TABLES, pgliteBackend, postgresBackend, postgresUrl, storageContext, testSchema, truncateAll } from './support.js';
import type { TestBackend } from './support.js';

const ring = (...entries: [string, number][]) => parseKeyRing(entries.map(([id, fill]) => formatKeyEntry(id, new Uint8Array(32).fill(fill))).join(','));

/** Whether `haystack` holds `needle`'s bytes. */
const holds = (haystack: Buffer, needle: string): boolean => haystack.includes(Buffer.from(needle, 'utf8'));

/** Every table's raw content: bytea columns as their bytes, everything else as its text form. */
async function rawTableBytes(db: Database): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (const table of TABLES) {
    const rows = (await db.dataSource.query(`SELECT * FROM ${table}`)) as Record<string, unknown>[];
    for (const row of rows) {
      for (const value of Object.values(row)) {
        chunks.push(Buffer.isBuffer(value) ? value : Buffer.from(value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? '', 'utf8'));
      }
    }
    const text = (await db.dataSource.query(`SELECT COALESCE(string_agg(t::text, E'\\n'), '') AS dump FROM ${table} t`)) as { dump: string }[];
    chunks.push(Buffer.from(text[0]!.dump, 'utf8'));
  }
  return Buffer.concat(chunks);
}

/** Every file under `dir`, concatenated. */
function rawDirBytes(dir: string): Buffer {
  const chunks: Buffer[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) chunks.push(readFileSync(child));
    }
  };
  walk(dir);
  return Buffer.concat(chunks);
}

/** A UnitOfWork that fails its `failOnRun`-th unit as if the process died mid-rotation. */
class CrashingUnitOfWork implements UnitOfWork {
  runs = 0;
  constructor(
    private readonly inner: UnitOfWork,
    private readonly failOnRun: number,
  ) {}
  run<T>(work: (repos: TransactionalRepositories) => Promise<T>): Promise<T> {
    this.runs++;
    if (this.runs !== this.failOnRun) return this.inner.run(work);
    return this.inner.run(async (repos) => {
      await work(repos);
      throw new Error('process killed half-way through a batch');
    });
  }
}

describe('persistence safety on PGlite (file-backed, in CATWALK_HOME/data)', function () {
  this.timeout(60_000);
  let home: string;
  let db: Database;
  const planted = { API_KEY: `PLANTED-API-KEY-${randomBytes(8).toString('hex')}`, DB_PASSWORD: `PLANTED-PW-${randomBytes(8).toString('hex')}` };
  const visibleName = `VISIBLE-NAME-${randomBytes(6).toString('hex')}`;
  const cipher = new SecretboxCipher(ring(['k1', 1]));

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'catwalk-home-'));
    db = await openDatabase({ kind: 'embedded', dataDir: embeddedDataDir(home) }, { migrate: false });
  });
  after(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('migrates up from an empty database, then re-runs as a no-op', async () => {
    const before = (await db.dataSource.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'deployments'`)) as { n: number }[];
    expect(before[0]!.n).to.equal(0);
    expect(await runMigrations(db.dataSource)).to.deep.equal(['InitialSchema1767225600000']);
    expect(await runMigrations(db.dataSource)).to.deep.equal([]);
    const tables = (await db.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)) as { table_name: string }[];
    expect(tables.map((row) => row.table_name)).to.include.members([...TABLES, 'catwalk_migrations']);
  });

  it('stores planted credential values nowhere in plaintext: not in any table, not in the data directory', async () => {
    const owner = await createOwner(db);
    const { unitOfWork } = storageContext(db);
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createDeploymentWithCredentials(unitOfWork, cipher, owner.id, planted, { name: visibleName }));
    await db.dataSource.query('CHECKPOINT');
    const tables = await rawTableBytes(db);
    expect(holds(tables, visibleName), 'control: the scan sees stored text').to.equal(true);
    for (const value of Object.values(planted)) expect(holds(tables, value), `table bytes contain ${value}`).to.equal(false);
    const box = await new TypeOrmCredentialRepository(db.dataSource.manager).get(created[0]!.id);
    expect(JSON.parse(await cipher.open(box!))).to.deep.equal(planted);

    // Close (flushes PGlite to disk), scan every file, reopen: the data survives a restart and migrations are current.
    await db.close();
    const files = rawDirBytes(embeddedDataDir(home));
    expect(holds(files, visibleName), 'control: the file scan sees stored text').to.equal(true);
    for (const value of Object.values(planted)) expect(holds(files, value), `data dir contains ${value}`).to.equal(false);
    // A lock left behind by a process that died is taken over.
    writeFileSync(`${embeddedDataDir(home)}.lock`, '2147483646');
    db = await openDatabase({ kind: 'embedded', dataDir: embeddedDataDir(home) });
    expect(await runMigrations(db.dataSource)).to.deep.equal([]);
    const reopened = await new TypeOrmCredentialRepository(db.dataSource.manager).get(created[2]!.id);
    expect(JSON.parse(await cipher.open(reopened!))).to.deep.equal(planted);
  });

  it('refuses a second opener of the same data directory instead of corrupting it', async () => {
    const second = await openDatabase({ kind: 'embedded', dataDir: embeddedDataDir(home) }).catch((error: unknown) => error);
    expect(isCatwalkError(second, 'storage_unavailable')).to.equal(true);
    expect((second as Error).message).to.match(/already has the embedded database open/);
    expect(await new TypeOrmDeploymentRepository(db.dataSource.manager).countByStatus()).to.have.property('pending');
  });

  it('keeps the data directory private to the user', () => {
    expect(statSync(embeddedDataDir(home)).mode & 0o077).to.equal(0);
  });
});

function describeSharedSafety(backend: TestBackend): void {
  describe(`persistence safety on ${backend.name}`, function () {
    this.timeout(60_000);
    let db: Database | undefined;
    before(async function () {
      db = await backend.open();
      if (db === undefined) this.skip();
    });
    after(async () => {
      if (db !== undefined) await backend.close(db);
    });
    beforeEach(async () => {
      if (db !== undefined) await truncateAll(db);
    });

    it('leaves neither deployment nor credentials row when the unit of work fails between them', async () => {
      const owner = await createOwner(db!);
      const cipher = new SecretboxCipher(ring(['k1', 1]));
      const deployment = newDeployment(owner.id);
      const box = await cipher.seal('{"API_KEY":"x"}');
      const unitOfWork = new TypeOrmUnitOfWork(db!.dataSource);
      let caught: unknown;
      await unitOfWork
        .run(async (repos) => {
          await repos.deployments.insert(deployment);
          const inside = (await repos.deployments.get(deployment.id)) !== undefined;
          expect(inside, 'the row exists inside the transaction').to.equal(true);
          await repos.credentials.put(deployment.id, box);
          throw new Error('injected failure after both writes');
        })
        .catch((error: unknown) => (caught = error));
      expect((caught as Error).message).to.equal('injected failure after both writes');
      const counts = (await db!.dataSource.query(
        `SELECT (SELECT count(*) FROM deployments)::int AS d, (SELECT count(*) FROM credentials)::int AS c, (SELECT count(*) FROM deployment_events)::int AS e`,
      )) as { d: number; c: number; e: number }[];
      expect(counts[0]).to.deep.equal({ d: 0, c: 0, e: 0 });
    });

    it('finishes a rotation that was interrupted half-way when rerun: every credential opens under the new key', async () => {
      const owner = await createOwner(db!);
      const oldCipher = new SecretboxCipher(ring(['k1', 1]));
      const { unitOfWork } = storageContext(db!);
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) ids.push((await createDeploymentWithCredentials(unitOfWork, oldCipher, owner.id, { API_KEY: `value-${i}` })).id);
      const rotating = new SecretboxCipher(ring(['k2', 2], ['k1', 1]));
      const crashing = new CrashingUnitOfWork(unitOfWork, 2);
      let interrupted: unknown;
      await new RotateCipherKey({ unitOfWork: crashing, cipher: rotating, logger: new RecordingLogger() }).execute({ batchSize: 10 }).catch((error: unknown) => (interrupted = error));
      expect(interrupted).to.be.instanceOf(Error);
      const credentials = new TypeOrmCredentialRepository(db!.dataSource.manager);
      expect(await credentials.listNotSealedWith('k2', 100), 'the first batch committed whole, the second not at all').to.have.length(15);

      const rerun = await new RotateCipherKey({ unitOfWork, cipher: rotating, logger: new RecordingLogger() }).execute({ batchSize: 10 });
      expect(rerun.resealed).to.equal(15);
      expect(rerun.unreadable).to.deep.equal([]);
      const onlyNewKey = new SecretboxCipher(ring(['k2', 2]));
      for (const [i, id] of ids.entries()) {
        const box = await credentials.get(id);
        expect(box!.keyId).to.equal('k2');
        expect(JSON.parse(await onlyNewKey.open(box!))).to.deep.equal({ API_KEY: `value-${i}` });
      }
    });

    it('refuses credentials tampered at rest (a flipped bit in nonce, ciphertext or key id) with decryption_failed', async () => {
      const owner = await createOwner(db!);
      // 'k1' and 'k3' differ in one bit: a flipped key id names a real key, and still must not open.
      const cipher = new SecretboxCipher(ring(['k1', 1], ['k3', 3]));
      const { unitOfWork, credentials } = storageContext(db!);
      const deployment = await createDeploymentWithCredentials(unitOfWork, cipher, owner.id, { API_KEY: 'tamper-me' });
      const tampers = [
        `UPDATE credentials SET nonce = set_byte(nonce, 5, get_byte(nonce, 5) # 1) WHERE deployment_id = $1`,
        `UPDATE credentials SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 128) WHERE deployment_id = $1`,
        `UPDATE credentials SET ciphertext = set_byte(ciphertext, length(ciphertext) - 1, get_byte(ciphertext, length(ciphertext) - 1) # 1) WHERE deployment_id = $1`,
        `UPDATE credentials SET key_id = 'k3' WHERE deployment_id = $1`,
      ];
      const original = (await credentials.get(deployment.id))!;
      for (const tamper of tampers) {
        await credentials.put(deployment.id, original);
        expect(await cipher.open((await credentials.get(deployment.id))!)).to.equal('{"API_KEY":"tamper-me"}');
        await db!.dataSource.query(tamper, [deployment.id]);
        const error = await cipher.open((await credentials.get(deployment.id))!).catch((caught: unknown) => caught);
        expect(isCatwalkError(error, 'decryption_failed'), tamper).to.equal(true);
        expect(JSON.stringify(error)).to.not.contain('tamper-me');
      }
    });

    it('refuses a second deployment on the same machine with conflict (machine_id UNIQUE)', async () => {
      const owner = await createOwner(db!);
      const deployments = new TypeOrmDeploymentRepository(db!.dataSource.manager);
      const a = newDeployment(owner.id);
      const b = newDeployment(owner.id);
      await deployments.insert(a);
      await deployments.insert(b);
      a.attachMachine(new Date(), 'machine-1', null);
      b.attachMachine(new Date(), 'machine-1', null);
      await deployments.save(a);
      const error = await deployments.save(b).catch((caught: unknown) => caught);
      expect(isCatwalkError(error, 'conflict')).to.equal(true);
      expect((error as Error).message).to.not.match(/duplicate key|violates|machine_id/);
    });

    it('enforces the status CHECK and the credentials foreign key in the schema itself', async () => {
      const owner = await createOwner(db!);
      const deployment = newDeployment(owner.id);
      await new TypeOrmDeploymentRepository(db!.dataSource.manager).insert(deployment);
      const bogus = await db!.dataSource.query(`UPDATE deployments SET status = 'bogus' WHERE id = $1`, [deployment.id]).catch((error: unknown) => error);
      expect((bogus as { driverError?: { code?: string } }).driverError?.code).to.equal('23514');
      const orphan = await db!.dataSource
        .query(`INSERT INTO credentials (deployment_id, key_id, nonce, ciphertext, updated_at) VALUES ($1, 'k', '\\x00', '\\x00', now())`, [
          '00000000-0000-4000-8000-000000000000',
        ])
        .catch((error: unknown) => error);
      expect((orphan as { driverError?: { code?: string } }).driverError?.code).to.equal('23503');
    });

    it('degrades the analysis cache to a logged miss when the database fails', async () => {
      const logger = new RecordingLogger();
      const clock = new FakeClock();
      const broken = await db!.dataSource.createQueryRunner();
      await broken.release();
      // A released query runner's manager fails every query, like a dropped connection.
      const cache = new TypeOrmAnalysisCache(broken.manager, clock, logger);
      await cache.put('k', aMcpConfig(), new Date(clock.now().getTime() + 1000));
      expect(await cache.get('k')).to.equal(undefined);
      expect(logger.at('warn')).to.have.length(2);
    });

    it('lists 50 of many deployments through the keyset index in both directions of a page boundary', async () => {
      const owner = await createOwner(db!);
      const deployments = new TypeOrmDeploymentRepository(db!.dataSource.manager);
      const base = Date.now();
      const same = new Date(base);
      const ids = new Set<string>();
      // Same-instant timestamps: the id tie-break must still give every deployment exactly once.
      for (let i = 0; i < 60; i++) {
        const deployment = newDeployment(owner.id, { createdAt: i % 2 === 0 ? same : new Date(base + i) });
        await deployments.insert(deployment);
        ids.add(deployment.id);
      }
      const first = await deployments.list(owner.id, { limit: 50 });
      const second = await deployments.list(owner.id, { limit: 50, cursor: first.nextCursor! });
      expect(second.nextCursor).to.equal(null);
      const seen = [...first.items, ...second.items].map((item) => item.id);
      expect(seen).to.have.length(60);
      expect(new Set(seen)).to.deep.equal(ids);
    });
  });
}

describeSharedSafety(pgliteBackend());
describeSharedSafety(postgresBackend());

describe('persistence on Postgres: replicas, migrations, unavailability', function () {
  this.timeout(60_000);
  const backend = postgresBackend();
  let db: Database | undefined;
  before(async function () {
    db = await backend.open();
    if (db === undefined) this.skip();
  });
  after(async () => {
    if (db !== undefined) await backend.close(db);
  });

  it('lets exactly one of several replicas move a deployment from pending to deploying', async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: 'postgres', url: postgresUrl(), schema: db!.schema, poolSize: 2 })));
    try {
      const owner = await createOwner(db!);
      const deployment = newDeployment(owner.id);
      await new TypeOrmDeploymentRepository(db!.dataSource.manager).insert(deployment);
      const attempts = replicas.flatMap((replica) => [0, 1].map(() => new TypeOrmDeploymentRepository(replica.dataSource.manager)));
      const loaded = await Promise.all(attempts.map((repo) => repo.get(deployment.id)));
      const results = await Promise.allSettled(
        loaded.map((copy, i) => {
          copy!.startDeploying(new Date());
          return attempts[i]!.save(copy as Deployment);
        }),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
      for (const result of results) if (result.status === 'rejected') expect(isCatwalkError(result.reason, 'conflict')).to.equal(true);
      const stored = await new TypeOrmDeploymentRepository(db!.dataSource.manager).get(deployment.id);
      expect(stored!.state).to.include({ status: 'deploying', version: 2 });
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  it('migrates a fresh schema up from empty and re-runs idempotently', async () => {
    const fresh = await openDatabase({ kind: 'postgres', url: postgresUrl(), schema: testSchema() }, { migrate: false });
    try {
      expect(await runMigrations(fresh.dataSource)).to.deep.equal(['InitialSchema1767225600000']);
      expect(await runMigrations(fresh.dataSource)).to.deep.equal([]);
      const again = await openDatabase({ kind: 'postgres', url: postgresUrl(), schema: fresh.schema });
      await again.close();
      const tables = (await fresh.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [fresh.schema])) as { table_name: string }[];
      expect(tables.map((row) => row.table_name)).to.include.members([...TABLES]);
    } finally {
      await fresh.dataSource.query(`DROP SCHEMA IF EXISTS "${fresh.schema}" CASCADE`);
      await fresh.close();
    }
  });

  it('applies the statement timeout and the schema to every pooled connection', async () => {
    const tuned = await openDatabase({ kind: 'postgres', url: postgresUrl(), schema: db!.schema, statementTimeoutMs: 1234, poolSize: 3 });
    try {
      const rows = await Promise.all([1, 2, 3].map(() => tuned.dataSource.query(`SELECT current_setting('statement_timeout') AS t, current_schema() AS s, pg_sleep(0.05)`)));
      for (const row of rows) expect(row[0]).to.include({ t: '1234ms', s: db!.schema });
      const slow = await tuned.dataSource.query('SELECT pg_sleep(2)').catch((error: unknown) => error);
      expect((slow as { driverError?: { code?: string } }).driverError?.code).to.equal('57014');
    } finally {
      await tuned.close();
    }
  });

  it('answers storage_unavailable without a driver message when the database is unreachable or closed', async () => {
    const refused = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 1000 }).catch((error: unknown) => error);
    expect(isCatwalkError(refused, 'storage_unavailable')).to.equal(true);
    expect((refused as Error).message).to.not.match(/ECONNREFUSED|connect|127\.0\.0\.1/);
    const closing = await openDatabase({ kind: 'postgres', url: postgresUrl(), schema: db!.schema });
    await closing.close();
    const afterClose = await new TypeOrmDeploymentRepository(closing.dataSource.manager).countByStatus().catch((error: unknown) => error);
    expect(isCatwalkError(afterClose, 'storage_unavailable')).to.equal(true);
  });

  it('rolls back a unit of work whose connection is killed mid-way and keeps serving afterwards', async () => {
    const owner = await createOwner(db!);
    const deployment = newDeployment(owner.id);
    const unitOfWork = new TypeOrmUnitOfWork(db!.dataSource);
    const killed = await unitOfWork
      .run(async (repos) => {
        await repos.deployments.insert(deployment);
        await repos.credentials.put(deployment.id, { keyId: 'k1', nonce: new Uint8Array(24), ciphertext: new Uint8Array(40) });
        // Another session terminates this one, as a crash or a failover would.
        const [{ pid }] = (await (repos.deployments as unknown as { manager: { query(sql: string): Promise<{ pid: number }[]> } }).manager.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
        await db!.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
        await repos.events.append({ deploymentId: deployment.id, type: 'progress', at: new Date(), message: 'after the kill' });
      })
      .catch((error: unknown) => error);
    expect(isCatwalkError(killed, 'storage_unavailable'), String(killed)).to.equal(true);
    expect(await new TypeOrmDeploymentRepository(db!.dataSource.manager).get(deployment.id)).to.equal(undefined);
    expect(await new TypeOrmCredentialRepository(db!.dataSource.manager).get(deployment.id)).to.equal(undefined);
  });
});
