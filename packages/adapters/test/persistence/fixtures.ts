import { Deployment } from '@catwalk/core';
import { aMcpConfig, aUser } from '@catwalk/core/testing';
import type { Cipher, TransactionalRepositories, UnitOfWork, User } from '@catwalk/core';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/persistence/database.js';
import { TypeOrmUserRepository } from '../../src/persistence/repositories/userRepository.js';

/** Creates an owner row. */
export async function createOwner(db: Database, name = 'Ada'): Promise<User> {
  const user = aUser({ id: randomUUID(), name });
  await new TypeOrmUserRepository(db.dataSource.manager).create(user);
  return user;
}

/** A new pending deployment of `ownerId`. */
export function newDeployment(ownerId: string, overrides: { name?: string; createdAt?: Date } = {}): Deployment {
  return Deployment.create({
    id: randomUUID(),
    ownerId,
    name: overrides.name ?? 'example',
    source: 'npm:@example/mcp-server@1.2.3',
    package: { runtime: 'npm', name: '@example/mcp-server', version: '1.2.3' },
    config: aMcpConfig(),
    accessTokenHash: 'b'.repeat(64),
    createdAt: overrides.createdAt ?? new Date(),
  });
}

/**
 * What CreateDeployment stores, in one unit of work: the deployment (pending), its sealed credentials and a
 * progress event. Credentials are sealed before they reach the repositories.
 */
export async function createDeploymentWithCredentials(
  unitOfWork: UnitOfWork,
  cipher: Cipher,
  ownerId: string,
  credentials: Record<string, string>,
  options: { name?: string; createdAt?: Date } = {},
): Promise<Deployment> {
  const deployment = newDeployment(ownerId, options);
  const box = await cipher.seal(JSON.stringify(credentials));
  await unitOfWork.run(async (repos: TransactionalRepositories) => {
    await repos.deployments.insert(deployment);
    await repos.credentials.put(deployment.id, box);
    await repos.events.append({ deploymentId: deployment.id, type: 'progress', at: new Date(), message: 'credentials sealed' });
  });
  return deployment;
}
