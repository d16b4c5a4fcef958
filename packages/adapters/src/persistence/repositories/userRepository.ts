import { IsNull } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { ApiKeyRecord, User, UserRepository } from '@catwalk/core';
import { ApiKeyEntity, UserEntity } from '../entities.js';
import { translated } from '../errors.js';
import { toApiKey, toUser } from '../mappers.js';

/** UserRepository on TypeORM/Postgres: `users` and `api_keys` (SHA-256 hashes only, never keys). */
export class TypeOrmUserRepository implements UserRepository {
  constructor(private readonly manager: EntityManager) {}

  create(user: User): Promise<void> {
    return translated('users.create', async () => {
      await this.manager.insert(UserEntity, { id: user.id, name: user.name, role: user.role, createdAt: user.createdAt });
    });
  }

  get(id: string): Promise<User | undefined> {
    return translated('users.get', async () => {
      const row = await this.manager.findOneBy(UserEntity, { id });
      return row === null ? undefined : toUser(row);
    });
  }

  count(): Promise<number> {
    return translated('users.count', () => this.manager.count(UserEntity));
  }

  list(): Promise<User[]> {
    return translated('users.list', async () => {
      const rows = await this.manager.find(UserEntity, { order: { createdAt: 'ASC', id: 'ASC' } });
      return rows.map(toUser);
    });
  }

  addApiKey(record: ApiKeyRecord): Promise<void> {
    return translated('users.addApiKey', async () => {
      await this.manager.insert(ApiKeyEntity, { ...record });
    });
  }

  findByApiKeyHash(hash: string): Promise<{ user: User; key: ApiKeyRecord } | undefined> {
    return translated('users.findByApiKeyHash', async () => {
      const key = await this.manager.findOneBy(ApiKeyEntity, { hash, revokedAt: IsNull() });
      if (key === null) return undefined;
      const user = await this.manager.findOneBy(UserEntity, { id: key.userId });
      return user === null ? undefined : { user: toUser(user), key: toApiKey(key) };
    });
  }

  listApiKeys(userId: string): Promise<ApiKeyRecord[]> {
    return translated('users.listApiKeys', async () => {
      const rows = await this.manager.find(ApiKeyEntity, { where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
      return rows.map(toApiKey);
    });
  }

  revokeApiKey(userId: string, keyId: string, at: Date): Promise<boolean> {
    return translated('users.revokeApiKey', async () => {
      const result = await this.manager
        .createQueryBuilder()
        .update(ApiKeyEntity)
        .set({ revokedAt: () => 'COALESCE(revoked_at, :at)' })
        .where('id = :keyId AND user_id = :userId', { keyId, userId })
        .setParameter('at', at)
        .execute();
      return (result.affected ?? 0) > 0;
    });
  }

  touchApiKey(keyId: string, at: Date): Promise<void> {
    return translated('users.touchApiKey', async () => {
      await this.manager.update(ApiKeyEntity, { id: keyId }, { lastUsedAt: at });
    });
  }
}
