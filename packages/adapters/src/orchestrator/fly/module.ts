import { ContainerModule } from 'inversify';
import { OrchestratorToken } from '@catwalk/core';
import { FlyOrchestrator, type FlyOrchestratorOptions } from './flyOrchestrator.js';

/** Binds the Orchestrator port to Fly Machines. */
export function flyOrchestratorModule(options: FlyOrchestratorOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(OrchestratorToken).toConstantValue(new FlyOrchestrator(options));
  });
}
