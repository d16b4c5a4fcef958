import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { CatwalkError } from '@catwalk/core';
import { startEmbeddedPostgres } from './embedded.js';
import type { EmbeddedPostgres } from './embedded.js';
import { ENTITIES } from './entities.js';
import { translateDbError } from './errors.js';
import { MIGRATIONS } from './migrations/index.js';

/** The embedded default: PGlite with its files in `dataDir` (`$CATWALK_HOME/data`), or in memory. */
export interface EmbeddedDatabaseConfig {
  readonly kind: 'embedded';
  readonly dataDir: string | 'memory';
  /** Postgres schema for Catwalk's tables (default `public`). */
  readonly schema?: string;
}

/** Production: a real Postgres reached through `DATABASE_URL`. */
export interface PostgresDatabaseConfig {
  readonly kind: 'postgres';
  readonly url: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Server-side `statement_timeout` per connection in ms (default 15 000; 0 disables). */
  readonly statementTimeoutMs?: number;
  /** How long to wait for a connection before `storage_unavailable` (default 5 000 ms). */
  readonly connectTimeoutMs?: number;
  readonly schema?: string;
}

export type DatabaseConfig = EmbeddedDatabaseConfig | PostgresDatabaseConfig;

/** An open database: the TypeORM DataSource and how to close everything that was started for it. */
export interface Database {
  readonly dataSource: DataSource;
  readonly schema: string;
  readonly kind: DatabaseConfig['kind'];
  /** Closes the pool, then (embedded) the socket server and PGlite. Idempotent; call it on SIGINT/SIGTERM. */
  close(): Promise<void>;
}

/** Name of TypeORM's migration bookkeeping table. */
export const MIGRATIONS_TABLE = 'catwalk_migrations';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The embedded data directory inside a Catwalk home. */
export function embeddedDataDir(catwalkHome: string): string {
  return join(catwalkHome, 'data');
}

/**
 * A `pg` module whose pools run `settings` first on every new connection. Settings go through SQL rather than
 * startup parameters because PGlite ignores startup parameters; pg queues queries per client, so the SET runs
 * before anything else on that connection.
 */
function pgWithSessionSettings(settings: string): typeof pg {
  class SessionPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      this.on('connect', (client) => {
        client.query(settings).catch(() => undefined);
      });
    }
  }
  return { ...pg, Pool: SessionPool } as typeof pg;
}

/**
 * Opens the database the config names: starts PGlite behind a loopback socket for `embedded` (one connection),
 * or pools connections to `url` for `postgres`; creates the schema if needed and, unless `migrate` is false, runs
 * pending migrations. An unreachable database is `storage_unavailable`, never a driver message.
 */
export async function openDatabase(config: DatabaseConfig, options: { migrate?: boolean } = {}): Promise<Database> {
  const schema = config.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new CatwalkError('invalid_config', 'The database schema name must be lower-case letters, digits and _.', { variable: 'schema' });
  }
  let embedded: EmbeddedPostgres | undefined;
  try {
    embedded = config.kind === 'embedded' ? await startEmbeddedPostgres(config.dataDir) : undefined;
  } catch (error) {
    if (error instanceof CatwalkError) throw error;
    throw new CatwalkError('storage_unavailable', 'The embedded database could not start.', { dataDir: config.kind === 'embedded' ? config.dataDir : undefined }, { retryable: false, cause: error });
  }
  const statementTimeout = config.kind === 'postgres' ? (config.statementTimeoutMs ?? 15_000) : 0;
  const settings = [`SET search_path TO "${schema}"`, ...(statementTimeout > 0 ? [`SET statement_timeout TO ${Math.floor(statementTimeout)}`] : [])].join('; ');
  const connection =
    config.kind === 'embedded'
      ? { host: embedded!.host, port: embedded!.port, username: 'postgres', database: 'postgres', poolSize: 1 }
      : { url: config.url, poolSize: config.poolSize ?? 10 };
  const dataSource = new DataSource({
    type: 'postgres',
    ...connection,
    schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    logging: false,
    driver: pgWithSessionSettings(settings),
    connectTimeoutMS: config.kind === 'postgres' ? (config.connectTimeoutMs ?? 5_000) : 10_000,
    // PGlite serves one connection: never let the pool drop it and race the server's slot on reconnect.
    extra: config.kind === 'embedded' ? { idleTimeoutMillis: 0 } : { idleTimeoutMillis: 30_000 },
    poolErrorHandler: () => undefined,
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      await embedded?.stop();
    })();
    return closed;
  };
  try {
    await dataSource.initialize();
    if (schema !== 'public') await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    if (options.migrate !== false) await runMigrations(dataSource);
  } catch (error) {
    await close();
    throw translateDbError(error, 'open');
  }
  return { dataSource, schema, kind: config.kind, close };
}

/**
 * Runs every pending migration (each in its own transaction) and returns the names it ran; nothing when the
 * schema is current, so re-running is safe. `catwalk migrate` calls this.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((migration) => migration.name);
  } catch (error) {
    throw translateDbError(error, 'migrate');
  }
}
