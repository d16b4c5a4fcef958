export { McpRegistryCatalog, MCP_REGISTRY_CATALOG } from './mcpRegistry.js';
export type { McpRegistryCatalogOptions } from './mcpRegistry.js';
export { GlamaCatalog, GLAMA_CATALOG } from './glama.js';
export type { GlamaCatalogOptions } from './glama.js';
export { CompositeServerCatalog, mergeEntries } from './composite.js';
export type { NamedCatalog, CompositeCatalogOptions } from './composite.js';
export { catalogModule, createServerCatalog } from './module.js';
export type { CatalogModuleOptions } from './module.js';
export { canonicalRepositoryUrl, MAX_QUERY_LENGTH, MAX_LIMIT } from './entries.js';
