import { ContainerModule } from 'inversify';
import { OrchestratorToken } from '@catwalk/core';
import { LocalOrchestrator, type LocalOrchestratorOptions } from './localOrchestrator.js';

/** Binds the Orchestrator port (and `LocalOrchestrator` itself, for the in-process gateway) to local processes. */
export function localOrchestratorModule(options: LocalOrchestratorOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(LocalOrchestrator).toConstantValue(new LocalOrchestrator(options));
    bind(OrchestratorToken).toResolvedValue((o: LocalOrchestrator) => o, [LocalOrchestrator]).inSingletonScope();
  });
}
