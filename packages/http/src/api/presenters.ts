import type { DeploymentState } from '@catwalk/core';

/** The MCP endpoint of a deployment under the public base URL. */
export function endpointOf(publicUrl: string, deploymentId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/mcp/${encodeURIComponent(deploymentId)}`;
}

/**
 * A deployment as the API shows it. Built field by field (never by spreading the state), so the token hash,
 * the upstream URL, the machine id and anything added to the state later stay out unless listed here.
 */
export function presentDeployment(state: DeploymentState, publicUrl: string) {
  return {
    id: state.id,
    name: state.name,
    source: state.source,
    package: { runtime: state.package.runtime, name: state.package.name, version: state.package.version },
    status: state.status,
    endpoint: endpointOf(publicUrl, state.id),
    errorMessage: state.errorMessage,
    tools: state.tools.map((tool) => (tool.description === undefined ? { name: tool.name } : { name: tool.name, description: tool.description })),
    credentialNames: state.config.envVars.map((spec) => spec.name),
    createdAt: state.createdAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
  };
}

const SHELL_SAFE = /^[A-Za-z0-9._:/@%+=,-]+$/;

/** Quotes a word for a POSIX shell (single quotes; embedded ones closed and escaped). */
function shellWord(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Ready-to-paste client configuration for a deployment and its access token. */
export function clientSnippets(name: string, endpoint: string, accessToken: string) {
  const serverName = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'catwalk';
  return {
    claudeCode: `claude mcp add --transport http ${shellWord(serverName)} ${shellWord(endpoint)} --header ${shellWord(`Authorization: Bearer ${accessToken}`)}`,
    mcpServers: { [serverName]: { type: 'http', url: endpoint, headers: { Authorization: `Bearer ${accessToken}` } } },
  };
}
