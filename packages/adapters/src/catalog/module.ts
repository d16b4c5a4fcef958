import { ContainerModule } from 'inversify';
import { ClockToken, ServerCatalogToken } from '@catwalk/core';
import type { Clock } from '@catwalk/core';
import type { CompositeCatalogOptions, NamedCatalog } from './composite.js';
import { CompositeServerCatalog } from './composite.js';
import type { GlamaCatalogOptions } from './glama.js';
import { GLAMA_CATALOG, GlamaCatalog } from './glama.js';
import type { McpRegistryCatalogOptions } from './mcpRegistry.js';
import { MCP_REGISTRY_CATALOG, McpRegistryCatalog } from './mcpRegistry.js';

/** Which catalogues to search (both by default) and how; `false` turns one off. */
export interface CatalogModuleOptions {
  readonly mcpRegistry?: McpRegistryCatalogOptions | false;
  readonly glama?: GlamaCatalogOptions | false;
  readonly cache?: CompositeCatalogOptions;
}

const wallClock: Clock = { now: () => new Date() };

/** Builds the composite catalogue the module binds (for shells and tests without a container). */
export function createServerCatalog(options: CatalogModuleOptions = {}, clock: Clock = wallClock): CompositeServerCatalog {
  const catalogs: NamedCatalog[] = [];
  if (options.mcpRegistry !== false) catalogs.push({ name: MCP_REGISTRY_CATALOG, catalog: new McpRegistryCatalog(options.mcpRegistry ?? {}) });
  if (options.glama !== false) catalogs.push({ name: GLAMA_CATALOG, catalog: new GlamaCatalog(options.glama ?? {}) });
  return new CompositeServerCatalog(catalogs, clock, options.cache ?? {});
}

/** Binds `ServerCatalogToken` to a singleton composite over the official MCP registry and Glama. */
export function catalogModule(options: CatalogModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ServerCatalogToken)
      .toDynamicValue((context) => createServerCatalog(options, context.get(ClockToken, { optional: true }) ?? wallClock))
      .inSingletonScope();
  });
}
