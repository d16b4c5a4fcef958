import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { CatwalkError } from '@catwalk/core';

/**
 * Takes `<dataDir>.lock` for this process. PGlite has no cross-process locking and two processes writing one
 * data directory corrupt it, so a second opener fails with a clear message instead; a lock left by a dead
 * process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new CatwalkError('storage_unavailable', `Another Catwalk process (pid ${owner}) is using the embedded database.`, { dataDir, pid: owner });
      }
      if (owner === process.pid) {
        throw new CatwalkError('storage_unavailable', 'This process already has the embedded database open.', { dataDir });
      }
      rmSync(path, { force: true });
    }
  }
  throw new CatwalkError('storage_unavailable', 'The embedded database is locked.', { dataDir });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A running embedded Postgres (PGlite) reachable by the ordinary `pg` driver on a loopback port. */
export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  /** Stops the socket server, then closes PGlite (flushing its data directory). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts PGlite with its data in `dataDir` (or in memory for `'memory'`) and serves it on 127.0.0.1 with an
 * OS-chosen port. PGlite is single-connection: the server accepts one client, so the pool in front of it must
 * have `max: 1`.
 */
export async function startEmbeddedPostgres(dataDir: string | 'memory'): Promise<EmbeddedPostgres> {
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const unlock = dataDir === 'memory' ? () => undefined : lockDataDir(dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create(dataDir === 'memory' ? {} : { dataDir });
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
  } catch (error) {
    await db?.close().catch(() => undefined);
    unlock();
    throw error;
  }
  const pglite = db;
  const address = server.getServerConn();
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    stop: () => {
      stopped ??= (async () => {
        try {
          await server.stop();
          await pglite.close();
        } finally {
          unlock();
        }
      })();
      return stopped;
    },
  };
}
