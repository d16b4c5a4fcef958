/**
 * Persistence figures: CreateDeployment's storage round trip (deployment + sealed credentials + event in one
 * transaction) per second, p50/p99 of `get` and of `list` (pages of 50 out of 10,000 deployments) on embedded
 * PGlite and on Postgres (TEST_DATABASE_URL or 127.0.0.1:5432/test, in a throw-away schema), and secretbox
 * seal/open throughput.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Deployment } from '@catwalk/core';
import { aMcpConfig } from '@catwalk/core/testing';
import { formatKeyEntry, parseKeyRing } from '../packages/adapters/src/crypto/keyRing.js';
import { SecretboxCipher } from '../packages/adapters/src/crypto/secretboxCipher.js';
import { openDatabase } from '../packages/adapters/src/persistence/database.js';
import type { Database, DatabaseConfig } from '../packages/adapters/src/persistence/database.js';
import { TypeOrmDeploymentRepository } from '../packages/adapters/src/persistence/repositories/deploymentRepository.js';
import { TypeOrmUnitOfWork } from '../packages/adapters/src/persistence/repositories/unitOfWork.js';
import { TypeOrmUserRepository } from '../packages/adapters/src/persistence/repositories/userRepository.js';
import type { BenchRow } from './types.js';

const AREA = 'persistence';
const cipher = new SecretboxCipher(parseKeyRing(formatKeyEntry('bench', randomBytes(32))));
const credentials = JSON.stringify({ API_KEY: 'sk-bench-0123456789abcdef', BASE_URL: 'https://api.example.com/v1', REGION: 'eu-west-1' });

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))] ?? Number.NaN;
}

async function timed(times: number[], work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await work();
  times.push(performance.now() - started);
}

function newDeployment(ownerId: string): Deployment {
  return Deployment.create({
    id: randomUUID(),
    ownerId,
    name: 'bench',
    source: 'npm:@example/mcp-server@1.2.3',
    package: { runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' },
    config: aMcpConfig(),
    accessTokenHash: 'b'.repeat(64),
    createdAt: new Date(),
  });
}

/** One CreateDeployment storage round trip: seal, then deployment + credentials + event in one transaction. */
async function createOne(unitOfWork: TypeOrmUnitOfWork, ownerId: string): Promise<void> {
  const deployment = newDeployment(ownerId);
  const box = await cipher.seal(credentials);
  await unitOfWork.run(async (repos) => {
    await repos.deployments.insert(deployment);
    await repos.credentials.put(deployment.id, box);
    await repos.events.append({ deploymentId: deployment.id, type: 'progress', at: new Date(), message: 'credentials sealed' });
  });
}

async function benchBackend(label: string, db: Database, smoke: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const owner = { id: randomUUID(), name: 'bench', role: 'user' as const, createdAt: new Date() };
  await new TypeOrmUserRepository(db.dataSource.manager).create(owner);
  const unitOfWork = new TypeOrmUnitOfWork(db.dataSource);
  const repo = new TypeOrmDeploymentRepository(db.dataSource.manager);

  for (let i = 0; i < 10; i++) await createOne(unitOfWork, owner.id); // warm-up
  const creates = smoke ? 30 : 600;
  let started = performance.now();
  for (let i = 0; i < creates; i++) await createOne(unitOfWork, owner.id);
  rows.push({ area: AREA, metric: `${label}: CreateDeployment round trips (sequential)`, value: Math.round(creates / ((performance.now() - started) / 1000)), unit: 'creates/s' });
  if (label === 'Postgres') {
    const workers = 8;
    started = performance.now();
    await Promise.all(Array.from({ length: workers }, async () => {
      for (let i = 0; i < creates / workers; i++) await createOne(unitOfWork, owner.id);
    }));
    rows.push({ area: AREA, metric: `${label}: CreateDeployment round trips (8 concurrent)`, value: Math.round(creates / ((performance.now() - started) / 1000)), unit: 'creates/s', note: 'pool of 10' });
  }

  // Seed the owner up to 10,000 deployments in bulk (seeding is not what is measured).
  const target = smoke ? 1_000 : 10_000;
  const existing = ((await db.dataSource.query('SELECT count(*)::int AS n FROM deployments')) as { n: number }[])[0]!.n;
  const template = newDeployment(owner.id).state;
  await db.dataSource.query(
    `INSERT INTO deployments (id, owner_id, name, source, package_runtime, package_name, package_version, status, config, access_token_hash, tools, created_at, updated_at, version)
     SELECT gen_random_uuid(), $1, 'seed-' || g, $2, 'npm', $3, $4, 'pending', $5::jsonb, $6, '[]'::jsonb, now() - g * interval '1 second', now(), 1
     FROM generate_series(1, $7) AS g`,
    [owner.id, template.source, template.package.name, template.package.version, JSON.stringify(template.config), template.accessTokenHash, Math.max(0, target - existing)],
  );
  await db.dataSource.query('ANALYZE deployments');

  const ids = ((await db.dataSource.query('SELECT id FROM deployments ORDER BY random() LIMIT 300')) as { id: string }[]).map((row) => row.id);
  const getTimes: number[] = [];
  for (const id of ids) await timed(getTimes, () => repo.get(id));
  getTimes.sort((a, b) => a - b);
  rows.push({ area: AREA, metric: `${label}: get p50`, value: +percentile(getTimes, 50).toFixed(3), unit: 'ms' });
  rows.push({ area: AREA, metric: `${label}: get p99`, value: +percentile(getTimes, 99).toFixed(3), unit: 'ms' });

  const listTimes: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    let cursor: string | undefined;
    do {
      let page: Awaited<ReturnType<TypeOrmDeploymentRepository['list']>> | undefined;
      await timed(listTimes, async () => {
        page = await repo.list(owner.id, cursor === undefined ? { limit: 50 } : { limit: 50, cursor });
      });
      cursor = page!.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
  listTimes.sort((a, b) => a - b);
  const note = `every page of 50 out of ${target}, walked twice (${listTimes.length} calls)`;
  rows.push({ area: AREA, metric: `${label}: list(50 of ${target}) p50`, value: +percentile(listTimes, 50).toFixed(3), unit: 'ms', note });
  rows.push({ area: AREA, metric: `${label}: list(50 of ${target}) p99`, value: +percentile(listTimes, 99).toFixed(3), unit: 'ms', note });
  return rows;
}

async function withDatabase(config: DatabaseConfig, work: (db: Database) => Promise<BenchRow[]>): Promise<BenchRow[]> {
  const db = await openDatabase(config);
  try {
    return await work(db);
  } finally {
    if (db.schema !== 'public') await db.dataSource.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`).catch(() => undefined);
    await db.close();
  }
}


export async function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push(...(await withDatabase({ kind: 'embedded', dataDir: 'memory' }, (db) => benchBackend('PGlite', db, options.smoke))));
  const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  try {
    rows.push(...(await withDatabase({ kind: 'postgres', url, schema: `catwalk_bench_${randomBytes(4).toString('hex')}`, poolSize: 10 }, (db) => benchBackend('Postgres', db, options.smoke))));
  } catch (error) {
    process.stderr.write(`!!!!! persistence bench: Postgres at ${url} not reachable, Postgres rows SKIPPED (${(error as Error).message})\n`);
  }
  rows.push(...(await benchSealOpen(options.smoke)));
  return rows;
}

async function benchSealOpen(smoke: boolean): Promise<BenchRow[]> {
  const n = smoke ? 2_000 : 50_000;
  const boxes = [];
  let started = performance.now();
  for (let i = 0; i < n; i++) boxes.push(await cipher.seal(credentials));
  const seal = n / ((performance.now() - started) / 1000);
  started = performance.now();
  for (const box of boxes) await cipher.open(box);
  const open = n / ((performance.now() - started) / 1000);
  const note = `${credentials.length}-byte credential bundle, tweetnacl secretbox`;
  return [
    { area: AREA, metric: 'seal', value: Math.round(seal), unit: 'ops/s', note },
    { area: AREA, metric: 'open', value: Math.round(open), unit: 'ops/s', note },
  ];
}
