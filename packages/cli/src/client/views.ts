/**
 * The shapes the API answers with (packages/http/src/api/schemas.ts), as far as the CLI reads them. The CLI
 * prints `--json` output exactly as received, so these types only guide the human-readable rendering.
 */

export interface ToolView {
  readonly name: string;
  readonly description?: string;
}

export interface DeploymentView {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly package: { readonly runtime: string; readonly name: string; readonly version: string };
  readonly status: string;
  readonly endpoint: string;
  readonly errorMessage: string | null;
  readonly tools: readonly ToolView[];
  readonly credentialNames: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SnippetsView {
  readonly claudeCode: string;
  readonly mcpServers: Record<string, unknown>;
}

export interface CreatedDeploymentView {
  readonly deployment: DeploymentView;
  readonly endpoint: string;
  readonly accessToken: string;
  readonly warnings?: readonly string[];
  readonly snippets: SnippetsView;
}

export interface DeploymentListView {
  readonly items: readonly DeploymentView[];
  readonly nextCursor: string | null;
}

export interface FormFieldView {
  readonly name: string;
  readonly label?: string;
  readonly help?: string;
  readonly input?: string;
  readonly required: boolean;
  readonly secret: boolean;
  readonly default?: string;
  readonly choices?: readonly string[];
}

export interface FormView {
  readonly fields: readonly FormFieldView[];
  readonly excluded: readonly { readonly name: string; readonly reason: string }[];
  readonly jsonSchema: Record<string, unknown>;
}

export interface EvidenceView {
  readonly field: string;
  readonly file: string;
  readonly line?: number;
  readonly analyzer: string;
  readonly confidence: string;
}

export interface McpConfigView {
  readonly name: string;
  readonly description?: string;
  readonly package: { readonly runtime: string; readonly name: string; readonly version?: string } | null;
  readonly transport?: string;
  readonly envVars: readonly { readonly name: string; readonly description?: string; readonly required?: boolean; readonly secret?: boolean; readonly default?: string }[];
  readonly args?: readonly string[];
  readonly tools: readonly ToolView[];
  readonly evidence?: readonly EvidenceView[];
  readonly analyzers?: readonly string[];
  readonly notMcpServer?: string;
}

export interface AnalysisView {
  readonly source: string;
  readonly cached: boolean;
  readonly config: McpConfigView;
  readonly form: FormView;
}

export interface EventView {
  readonly type: string;
  readonly at: string;
  readonly from?: string;
  readonly to?: string;
  readonly message?: string;
}

export interface LogLineView {
  readonly at: string;
  readonly stream: string;
  readonly line: string;
}

export interface CatalogEntryView {
  readonly name?: string;
  readonly title?: string;
  readonly description?: string;
  readonly repositoryUrl?: string;
  readonly source?: string;
  readonly catalogs?: readonly string[];
  readonly packages?: readonly { readonly runtime?: string; readonly name?: string; readonly version?: string }[];
  readonly [key: string]: unknown;
}

export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}
