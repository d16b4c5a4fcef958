/** @catwalk/cli — the `catwalk` command line as a library (tests, embedding). */
export { runCli, buildProgram, describeFailure, CLI_VERSION } from './cli.js';
export { processIo } from './io.js';
export type { CliIo, InputStream, OutputStream } from './io.js';
export { CliError, EXIT, usageError, userError } from './errors.js';
export { ApiClient } from './client/apiClient.js';
export type { ApiClientOptions, ApiRequest } from './client/apiClient.js';
export { DEFAULT_URL, CLI_CONFIG_FILE, catwalkHome, cliConfigPath, readCliConfig, writeCliConfig, resolveClientSettings } from './client/settings.js';
export type { CliConfigFile, ClientSettings } from './client/settings.js';
export { parseEnvPairs, parseEnvText, readEnvFile } from './input/envValues.js';
export { Prompter } from './input/prompter.js';
export { colorsEnabled, createStyle, stripAnsi } from './output/style.js';
export type { Style } from './output/style.js';
export { renderTable, renderPairs } from './output/table.js';
export { StepProgress } from './output/progress.js';
export { defaultName } from './commands/deploy.js';
export { analyzeLocally } from './local/analyzeLocal.js';
