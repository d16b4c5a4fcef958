import { fileURLToPath } from 'node:url';

/** Root of the fixture repositories (shaped like real MCP servers, written for these tests). */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/repos/', import.meta.url));

/** What the static analyser must find in one fixture, exactly. */
export interface FixtureExpectation {
  /** Folder under FIXTURES_DIR (subfolders for monorepos). */
  readonly dir: string;
  readonly what: string;
  readonly package: { readonly runtime: 'npm' | 'python'; readonly name: string } | null;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly secret: readonly string[];
  readonly tools: readonly string[];
  readonly defaults?: Readonly<Record<string, string>>;
  readonly formats?: Readonly<Record<string, string>>;
  readonly notMcpServer?: boolean;
}

/** Expectations over every fixture; the bench's accuracy figure uses the same table. */
export const FIXTURE_EXPECTATIONS: readonly FixtureExpectation[] = [
  {
    dir: 'ts-sdk-server',
    what: 'TypeScript SDK server (McpServer, registerTool and tool)',
    package: { runtime: 'npm', name: '@acme/weather-mcp' },
    required: ['WEATHER_API_KEY'],
    optional: ['WEATHER_UNITS'],
    secret: ['WEATHER_API_KEY'],
    tools: ['get_alerts', 'get_forecast'],
    defaults: { WEATHER_UNITS: 'metric' },
  },
  {
    dir: 'fastmcp-python',
    what: 'FastMCP Python server (@mcp.tool variants)',
    package: { runtime: 'python', name: 'notes-mcp' },
    required: ['NOTES_API_TOKEN'],
    optional: ['NOTES_DB_PATH'],
    secret: ['NOTES_API_TOKEN'],
    tools: ['add_note', 'delete_note', 'search_notes'],
    defaults: { NOTES_DB_PATH: '~/.notes.db' },
    formats: { NOTES_DB_PATH: 'filepath' },
  },
  {
    dir: 'lowlevel-python',
    what: 'low-level Python Server with Tool(name=…) and pydantic BaseSettings',
    package: { runtime: 'python', name: 'mcp-server-git-lite' },
    required: ['GIT_LITE_REPO_PATH'],
    optional: ['GITLITE_AUTHOR_FILTER', 'GITLITE_MAX_COMMITS'],
    secret: [],
    tools: ['git_log', 'git_status'],
    defaults: { GITLITE_MAX_COMMITS: '50' },
  },
  {
    dir: 'monorepo/packages/search-server',
    what: 'monorepo subfolder (low-level TS Server, tool objects)',
    package: { runtime: 'npm', name: '@mono/search-mcp' },
    required: ['SEARCH_API_KEY'],
    optional: ['SEARCH_SAFE_MODE'],
    secret: ['SEARCH_API_KEY'],
    tools: ['news_search', 'web_search'],
    defaults: { SEARCH_SAFE_MODE: 'moderate' },
  },
  {
    dir: 'readme-env',
    what: 'env documented only in a README table',
    package: { runtime: 'npm', name: 'slack-notify-mcp' },
    required: ['SLACK_BOT_TOKEN', 'SLACK_TEAM_ID'],
    optional: ['SLACK_DEFAULT_CHANNEL'],
    secret: ['SLACK_BOT_TOKEN'],
    tools: ['send_message'],
    defaults: { SLACK_DEFAULT_CHANNEL: '#general' },
  },
  {
    dir: 'env-example',
    what: '.env.example with comments and a commented-out optional',
    package: { runtime: 'npm', name: '@acme/jira-mcp' },
    required: ['JIRA_API_TOKEN', 'JIRA_BASE_URL', 'JIRA_EMAIL'],
    optional: ['JIRA_MAX_RESULTS'],
    secret: ['JIRA_API_TOKEN'],
    tools: ['jira_get_issue', 'jira_search'],
    defaults: { JIRA_MAX_RESULTS: '50' },
    formats: { JIRA_BASE_URL: 'url' },
  },
  {
    dir: 'optional-defaults',
    what: 'optional vars with ||, ??, destructuring defaults and if-checks',
    package: { runtime: 'npm', name: 'fs-lite-mcp' },
    required: [],
    optional: ['FS_FOLLOW_SYMLINKS', 'FS_LOG_LEVEL', 'FS_MAX_FILE_SIZE', 'FS_READ_ONLY', 'FS_ROOT'],
    secret: [],
    tools: ['list_directory', 'read_file'],
    defaults: { FS_MAX_FILE_SIZE: '1048576', FS_READ_ONLY: 'true', FS_LOG_LEVEL: 'info' },
    formats: { FS_READ_ONLY: 'boolean', FS_MAX_FILE_SIZE: 'number' },
  },
  {
    dir: 'url-var',
    what: 'URL-typed variable (Python FastMCP from the mcp SDK)',
    package: { runtime: 'python', name: 'mcp-grafana-lite' },
    required: ['GRAFANA_API_KEY', 'GRAFANA_URL'],
    optional: ['GRAFANA_ORG_ID'],
    secret: ['GRAFANA_API_KEY'],
    tools: ['list_dashboards', 'query_prometheus'],
    defaults: { GRAFANA_ORG_ID: '1' },
    formats: { GRAFANA_URL: 'url' },
  },
  {
    dir: 'no-env',
    what: 'a server with no env at all',
    package: { runtime: 'npm', name: '@acme/calculator-mcp' },
    required: [],
    optional: [],
    secret: [],
    tools: ['add', 'multiply'],
  },
  {
    dir: 'server-json',
    what: 'server.json-bearing package (facts) plus an extra env var in code',
    package: { runtime: 'npm', name: '@acme/db-mcp' },
    required: ['DB_CONNECTION_STRING'],
    optional: ['DB_POOL_SIZE', 'DB_STATEMENT_TIMEOUT'],
    secret: ['DB_CONNECTION_STRING'],
    tools: ['run_query'],
    defaults: { DB_POOL_SIZE: '5', DB_STATEMENT_TIMEOUT: '30000' },
    formats: { DB_POOL_SIZE: 'number' },
  },
  {
    dir: 'smithery',
    what: 'Smithery-configured server (configSchema + commandFunction env mapping)',
    package: { runtime: 'npm', name: 'brave-search-lite' },
    required: ['BRAVE_API_KEY'],
    optional: ['BRAVE_COUNTRY'],
    secret: ['BRAVE_API_KEY'],
    tools: ['brave_web_search'],
    defaults: { BRAVE_COUNTRY: 'US' },
  },
  {
    dir: 'not-mcp',
    what: 'a repository that is not an MCP server',
    package: null,
    required: [],
    optional: [],
    secret: [],
    tools: [],
    notMcpServer: true,
  },
  {
    dir: 'prompt-injection',
    what: 'a README that tells an LLM to ignore its instructions',
    package: { runtime: 'npm', name: 'todo-list-mcp' },
    required: [],
    optional: ['TODO_FILE'],
    secret: [],
    tools: ['add_todo', 'list_todos'],
    defaults: { TODO_FILE: 'todos.json' },
  },
  {
    dir: 'setup-py',
    what: 'setup.py-based Python server (@server.tool with description=)',
    package: { runtime: 'python', name: 'mcp-time-lite' },
    required: [],
    optional: ['TIME_DEFAULT_TIMEZONE'],
    secret: [],
    tools: ['convert_time', 'get_current_time'],
    defaults: { TIME_DEFAULT_TIMEZONE: 'UTC' },
  },
];
