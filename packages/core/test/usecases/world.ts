import { createUseCases } from '../../src/usecases/index.js';
import type { UseCaseOptions, UseCases } from '../../src/usecases/index.js';
import { aMcpConfig, createFakePorts } from '../../src/testing/index.js';
import type { FakePorts } from '../../src/testing/index.js';
import type { DeploymentState } from '../../src/domain/deployment.js';
import { isCatwalkError } from '../../src/errors/index.js';
import type { ErrorCode } from '../../src/errors/index.js';

/** Fakes plus every use case wired to them. */
export type World = FakePorts & { readonly uc: UseCases };

export function createWorld(options: UseCaseOptions = {}): World {
  const ports = createFakePorts();
  return { ...ports, uc: createUseCases(ports, options) };
}

/** The planted secret every test deploys with (searched for in logs). */
export const PLANTED_SECRET = 'planted-s3cret-value-7f3a';

/** Creates a pending deployment of `@example/mcp-server` for `ownerId` with a config passed in (no analysis). */
export async function createPending(world: World, ownerId = 'user-1'): Promise<{ deployment: DeploymentState; accessToken: string }> {
  return world.uc.createDeployment.execute({ ownerId, source: 'npm:@example/mcp-server', config: aMcpConfig(), credentials: { API_KEY: PLANTED_SECRET } });
}

/** Creates and runs a deployment to `running`. */
export async function createRunning(world: World, ownerId = 'user-1'): Promise<{ deployment: DeploymentState; accessToken: string }> {
  const created = await createPending(world, ownerId);
  const run = await world.uc.runDeployment.execute({ deploymentId: created.deployment.id });
  if (run.outcome !== 'running') throw new Error(`expected running, got ${run.outcome}`);
  return { deployment: run.deployment, accessToken: created.accessToken };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Asserts a CatwalkError of `code` and returns it. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<{ code: string; message: string; details: Readonly<Record<string, unknown>> }> {
  const error = await rejection(promise);
  if (!isCatwalkError(error, code)) throw new Error(`expected ${code}, got ${String(isCatwalkError(error) ? error.code : error)}`);
  return error;
}
