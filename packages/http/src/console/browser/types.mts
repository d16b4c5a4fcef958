// Shapes of the API answers the console reads (see docs/api.md). Only what the console uses is listed.

/** One field of a credential form (core's CredentialField). */
export interface CredentialField {
  readonly name: string;
  readonly label: string;
  readonly help: string;
  readonly input: 'password' | 'url' | 'number' | 'checkbox' | 'select' | 'text';
  readonly kind: 'choice' | 'url' | 'number' | 'boolean' | 'string';
  readonly required: boolean;
  readonly secret: boolean;
  readonly default?: string;
  readonly choices?: readonly string[];
}

/** JSON Schema of one credential (core's CredentialPropertySchema). */
export interface CredentialProperty {
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly maxLength?: number;
  readonly format?: string;
}

export interface CredentialFormView {
  readonly fields: readonly CredentialField[];
  readonly excluded: readonly { readonly name: string; readonly reason: string }[];
  readonly jsonSchema: { readonly properties: Readonly<Record<string, CredentialProperty>>; readonly required: readonly string[] };
}

export interface Evidence {
  readonly field: string;
  readonly file: string;
  readonly line?: number;
  readonly snippet?: string;
  readonly analyzer: string;
  readonly confidence: string;
}

export interface McpConfigView {
  readonly name: string;
  readonly description: string;
  readonly package: { readonly runtime: string; readonly name: string; readonly version?: string } | null;
  readonly transport: string;
  readonly envVars: readonly { readonly name: string; readonly description: string; readonly required: boolean; readonly secret: boolean }[];
  readonly tools: readonly { readonly name: string; readonly description?: string }[];
  readonly evidence: readonly Evidence[];
  readonly analyzers: readonly string[];
  readonly notMcpServer?: string;
}

export interface AnalysisView {
  readonly source: string;
  readonly cached: boolean;
  readonly config: McpConfigView;
  readonly form: CredentialFormView;
}

export interface CatalogEntryView {
  readonly name: string;
  readonly description: string;
  readonly repositoryUrl?: string;
  readonly packages: readonly { readonly runtime: string; readonly name: string; readonly version?: string }[];
  readonly catalogs: readonly string[];
  readonly source?: string;
}

export interface CatalogSearchView {
  readonly entries: readonly CatalogEntryView[];
  readonly degraded: readonly { readonly catalog: string; readonly reason: string }[];
}

export type DeploymentStatus = 'pending' | 'deploying' | 'running' | 'stopped' | 'failed';

export interface DeploymentView {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly package: { readonly runtime: string; readonly name: string; readonly version: string };
  readonly status: DeploymentStatus;
  readonly endpoint: string;
  readonly errorMessage: string | null;
  readonly tools: readonly { readonly name: string; readonly description?: string }[];
  readonly credentialNames: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What creating a deployment or rotating its token answers: the only time the token is shown. */
export interface IssuedTokenView {
  readonly deployment: DeploymentView;
  readonly endpoint: string;
  readonly accessToken: string;
  readonly warnings?: readonly string[];
  readonly snippets: { readonly claudeCode: string; readonly mcpServers: Readonly<Record<string, unknown>> };
}

export interface DeploymentEventView {
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
