import type { McpConfig, McpConfigInput } from './mcpConfig.js';
import { mcpConfigSchema } from './mcpConfig.js';
import { parseWith } from './validation.js';

/** Validates an analyser's output (or an imported one) into an McpConfig; `analysis_failed` when it does not fit. */
export function parseMcpConfig(input: McpConfigInput | unknown): McpConfig {
  return parseWith(mcpConfigSchema, input, 'analysis_failed', 'MCP config');
}
