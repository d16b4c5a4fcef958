import type { McpConfig } from '../domain/mcpConfig.js';
import type { PackageRef } from '../domain/packageRef.js';
import { token } from './token.js';

/** One MCP server found in a catalogue. */
export interface CatalogEntry {
  readonly name: string;
  readonly description: string;
  readonly repositoryUrl?: string;
  readonly packages: readonly PackageRef[];
  /** Which catalogues listed it (`mcp-registry`, `glama`). */
  readonly catalogs: readonly string[];
  /** A ready analysis when the entry carries a `server.json` ("search, click, deploy"). */
  readonly config?: McpConfig;
  /** The source string to analyse or deploy it with. */
  readonly source?: string;
}

/** A page of search results; `degraded` names catalogues that failed (the rest still answered). */
export interface CatalogResult {
  readonly entries: readonly CatalogEntry[];
  readonly degraded: readonly { readonly catalog: string; readonly reason: string }[];
}

/** Searches MCP servers by text. */
export interface ServerCatalog {
  /** @throws CatwalkError `source_unavailable` only when no catalogue at all could answer. */
  search(query: string, options: { limit: number }): Promise<CatalogResult>;
}
export const ServerCatalogToken = token<ServerCatalog>('ServerCatalog');
