import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { embeddedDataDir, openDatabase } from '../../src/persistence/database.js';
import type { Database, DatabaseConfig } from '../../src/persistence/database.js';
import { TypeOrmCredentialRepository } from '../../src/persistence/repositories/credentialRepository.js';
import { TypeOrmDeploymentRepository } from '../../src/persistence/repositories/deploymentRepository.js';
import { postgresBackend } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs the crash child against `config` and returns the ids it reported; it must die by SIGKILL. */
function runCrashChild(config: DatabaseConfig): Promise<{ committed: string; doomed: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@catwalk/source', '--import', 'tsx', join(here, 'fixtures', 'crashChild.ts'), JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      const committed = /committed (\S+)/.exec(out)?.[1];
      const doomed = /dying (\S+)/.exec(out)?.[1];
      if (signal !== 'SIGKILL' || committed === undefined || doomed === undefined) reject(new Error(`crash child did not die as planned (${signal}): ${out}${err}`));
      else resolve({ committed, doomed });
    });
  });
}

async function expectOnlyCommitted(db: Database, ids: { committed: string; doomed: string }): Promise<void> {
  const deployments = new TypeOrmDeploymentRepository(db.dataSource.manager);
  const credentials = new TypeOrmCredentialRepository(db.dataSource.manager);
  expect(await deployments.get(ids.committed), 'the committed deployment survives').to.not.equal(undefined);
  expect(await credentials.get(ids.committed)).to.not.equal(undefined);
  expect(await deployments.get(ids.doomed), 'the half-written deployment is gone').to.equal(undefined);
  expect(await credentials.get(ids.doomed)).to.equal(undefined);
}

describe('a process killed between the deployment row and the credentials row', function () {
  this.timeout(120_000);

  it('leaves neither row on Postgres', async function () {
    const backend = postgresBackend();
    const db = await backend.open();
    if (db === undefined) return this.skip();
    try {
      const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
      const ids = await runCrashChild({ kind: 'postgres', url, schema: db.schema });
      await expectOnlyCommitted(db, ids);
    } finally {
      await backend.close(db);
    }
  });

  it('leaves neither row in the embedded database, which reopens after the crash', async () => {
    const home = mkdtempSync(join(tmpdir(), 'catwalk-crash-'));
    try {
      const ids = await runCrashChild({ kind: 'embedded', dataDir: embeddedDataDir(home) });
      // The dead child's lock is taken over; PGlite recovers its files like Postgres after a crash.
      const db = await openDatabase({ kind: 'embedded', dataDir: embeddedDataDir(home) });
      try {
        await expectOnlyCommitted(db, ids);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
