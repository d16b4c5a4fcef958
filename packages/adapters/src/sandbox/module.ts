import { ContainerModule } from 'inversify';
import { SandboxToken, type Sandbox } from '@catwalk/core';

/** Binds the Sandbox port to the sandbox chosen at start-up by `selectSandbox` (it probes, so it is async). */
export function sandboxModule(options: { readonly sandbox: Sandbox }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SandboxToken).toConstantValue(options.sandbox);
  });
}
