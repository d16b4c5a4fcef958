import { Not } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CatwalkError } from '@catwalk/core';
import type { CredentialRepository, SealedBox, StoredCredentials } from '@catwalk/core';
import { CredentialEntity } from '../entities.js';
import { isUuid, translated } from '../errors.js';
import { toBytes } from '../mappers.js';

/** CredentialRepository on TypeORM/Postgres: sealed bytes in BYTEA columns, one row per deployment. */
export class TypeOrmCredentialRepository implements CredentialRepository {
  constructor(private readonly manager: EntityManager) {}

  put(deploymentId: string, box: SealedBox): Promise<void> {
    return translated('credentials.put', async () => {
      if (!isUuid(deploymentId)) throw new CatwalkError('not_found', 'Deployment not found.', { id: deploymentId });
      await this.manager.query(
        `INSERT INTO credentials (deployment_id, key_id, nonce, ciphertext, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (deployment_id) DO UPDATE SET key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, updated_at = now()`,
        [deploymentId, box.keyId, Buffer.from(box.nonce), Buffer.from(box.ciphertext)],
      );
    });
  }

  get(deploymentId: string): Promise<SealedBox | undefined> {
    return translated('credentials.get', async () => {
      if (!isUuid(deploymentId)) return undefined;
      const [row] = (await this.manager.query('SELECT key_id, nonce, ciphertext FROM credentials WHERE deployment_id = $1', [deploymentId])) as {
        key_id: string;
        nonce: Buffer;
        ciphertext: Buffer;
      }[];
      return row === undefined ? undefined : { keyId: row.key_id, nonce: toBytes(row.nonce), ciphertext: toBytes(row.ciphertext) };
    });
  }

  delete(deploymentId: string): Promise<void> {
    return translated('credentials.delete', async () => {
      if (!isUuid(deploymentId)) return;
      await this.manager.delete(CredentialEntity, { deploymentId });
    });
  }

  listNotSealedWith(keyId: string, limit: number): Promise<StoredCredentials[]> {
    return translated('credentials.listNotSealedWith', async () => {
      if (limit <= 0) return [];
      const rows = await this.manager.find(CredentialEntity, {
        where: { keyId: Not(keyId) },
        order: { deploymentId: 'ASC' },
        take: Math.floor(limit),
      });
      return rows.map((row) => ({
        deploymentId: row.deploymentId,
        box: { keyId: row.keyId, nonce: toBytes(row.nonce), ciphertext: toBytes(row.ciphertext) },
      }));
    });
  }
}
