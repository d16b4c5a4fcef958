import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { StorageContext } from '@catwalk/core/testing';
import { openDatabase } from '../../src/persistence/database.js';
import type { Database, DatabaseConfig } from '../../src/persistence/database.js';
import { TypeOrmCredentialRepository } from '../../src/persistence/repositories/credentialRepository.js';
import { TypeOrmDeploymentRepository } from '../../src/persistence/repositories/deploymentRepository.js';
import { TypeOrmEventLog } from '../../src/persistence/repositories/eventLog.js';
import { TypeOrmUnitOfWork } from '../../src/persistence/repositories/unitOfWork.js';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/userRepository.js';

/** Every Catwalk table, children first. */
export const TABLES = ['analysis_cache', 'deployment_events', 'credentials', 'deployments', 'api_keys', 'users'] as const;

/** A schema name of its own for this test run, so runs sharing one Postgres never collide. */
export function testSchema(): string {
  return `catwalk_test_${randomBytes(6).toString('hex')}`;
}

/** A test database and how it is torn down. */
export interface TestBackend {
  readonly name: 'PGlite' | 'Postgres';
  /** Opens (and migrates) the database, or answers undefined when the backend is not reachable. */
  open(): Promise<Database | undefined>;
  /** Closes it and drops the run's schema. */
  close(db: Database): Promise<void>;
}

let warnedNoPostgres = false;

/** The URL of the real Postgres the tests use: TEST_DATABASE_URL, else the local one. */
export function postgresUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Whether a container runtime is available for testcontainers. */
function hasContainerRuntime(): boolean {
  return process.env['DOCKER_HOST'] !== undefined || existsSync('/var/run/docker.sock');
}

/** Starts Postgres in a container (only where a container runtime exists) and returns its URL. */
async function containerPostgresUrl(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (!hasContainerRuntime()) return undefined;
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_PASSWORD: 'test', POSTGRES_DB: 'test' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return {
      url: `postgres://postgres:test@${container.getHost()}:${container.getMappedPort(5432)}/test`,
      stop: async () => {
        await container.stop();
      },
    };
  } catch {
    return undefined;
  }
}

/** Embedded PGlite in memory (one boot per test file: boots cost about a second). */
export function pgliteBackend(dataDir: string | 'memory' = 'memory'): TestBackend {
  return {
    name: 'PGlite',
    open: () => openDatabase({ kind: 'embedded', dataDir }),
    close: (db) => db.close(),
  };
}

/**
 * Real Postgres in a schema of its own: TEST_DATABASE_URL, else 127.0.0.1:5432/test, else a testcontainers
 * Postgres where a container runtime exists. When none is reachable it says so LOUDLY and the suite is skipped.
 */
export function postgresBackend(overrides: Partial<Extract<DatabaseConfig, { kind: 'postgres' }>> = {}): TestBackend {
  let container: { stop(): Promise<void> } | undefined;
  return {
    name: 'Postgres',
    open: async () => {
      const schema = testSchema();
      const config = { kind: 'postgres' as const, url: postgresUrl(), schema, poolSize: 4, connectTimeoutMs: 3000, ...overrides };
      try {
        return await openDatabase(config);
      } catch {
        const started = await containerPostgresUrl();
        if (started !== undefined) {
          container = started;
          return openDatabase({ ...config, url: started.url });
        }
        if (!warnedNoPostgres) {
          warnedNoPostgres = true;
          console.warn(
            `\n!!!!! POSTGRES NOT REACHABLE at ${postgresUrl()} and no container runtime: the Postgres persistence suites are SKIPPED. !!!!!\n`,
          );
        }
        return undefined;
      }
    },
    close: async (db) => {
      await db.dataSource.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`).catch(() => undefined);
      await db.close();
      await container?.stop();
    },
  };
}

/** Empties every table (between tests of one file). */
export async function truncateAll(db: Database): Promise<void> {
  await db.dataSource.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
}

/** The storage ports over `db`. */
export function storageContext(db: Database): StorageContext {
  const manager = db.dataSource.manager;
  return {
    deployments: new TypeOrmDeploymentRepository(manager),
    credentials: new TypeOrmCredentialRepository(manager),
    events: new TypeOrmEventLog(manager),
    users: new TypeOrmUserRepository(manager),
    unitOfWork: new TypeOrmUnitOfWork(db.dataSource),
  };
}

/** Both backends, PGlite first. */
export function allBackends(): TestBackend[] {
  return [pgliteBackend(), postgresBackend()];
}
