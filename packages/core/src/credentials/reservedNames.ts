/**
 * Environment variable names a deployment's credentials may never set, even when the server declares them.
 *
 * Credentials become the environment of `npx`/`uvx` and of the server they start. A user who can name a variable
 * that the dynamic loader, a language runtime, a shell, a package manager or Catwalk's own runner reads can run
 * code of their choosing or swap the package that gets installed. The list is built from what those programs
 * read, grouped by why each one is dangerous. Matching is case-insensitive (npm reads `npm_config_*` in any case,
 * Windows environments are case-insensitive).
 *
 * Deliberately allowed: proxies (HTTP_PROXY, HTTPS_PROXY, NO_PROXY: corporate networks need them, and without a
 * swapped CA a proxy cannot alter TLS downloads), LANG/LC_*, TZ, NODE_ENV and the harmless PYTHON* output
 * switches. Catwalk's own secrets never reach a deployment anyway: its environment is built from scratch.
 */

/** Exact names, each with the reason shown to users. */
const EXACT: ReadonlyArray<readonly [string, string]> = [
  // Where executables are found: a different PATH runs a different `node`, `npx` or `uvx`.
  ['PATH', 'it decides which programs run'],
  ['PATHEXT', 'it decides which programs run'],
  ['COMSPEC', 'it decides which shell runs'],
  ['SHELL', 'it decides which shell runs'],
  // Shell start-up and parsing: run code whenever a shell starts (npm runs lifecycle scripts through one).
  ['ENV', 'shells run the file it names at start-up'],
  ['SHELLOPTS', 'it changes how shells parse commands'],
  ['BASHOPTS', 'it changes how shells parse commands'],
  ['PS4', 'shells expand it (command substitution) when tracing'],
  ['IFS', 'it changes how shells split words'],
  ['CDPATH', 'it changes where shells change directory'],
  ['GLOBIGNORE', 'it changes how shells expand file names'],
  ['PROMPT_COMMAND', 'shells run it as a command'],
  // glibc's list of variables it ignores for setuid programs because they load code or files (plus LD_*).
  ['GCONV_PATH', 'glibc loads character-conversion modules from it'],
  ['GETCONF_DIR', 'glibc reads configuration from it'],
  ['GLIBC_TUNABLES', 'it tunes glibc internals (a past privilege escalation)'],
  ['HOSTALIASES', 'it redirects host name resolution'],
  ['LOCALDOMAIN', 'it changes host name resolution'],
  ['LOCPATH', 'glibc loads locale files from it'],
  ['MALLOC_TRACE', 'glibc writes a file it names'],
  ['NIS_PATH', 'it changes name service lookups'],
  ['NLSPATH', 'glibc loads message catalogues from it'],
  ['RESOLV_HOST_CONF', 'it redirects host name resolution'],
  ['RES_OPTIONS', 'it changes host name resolution'],
  ['TZDIR', 'glibc loads time zone files from it'],
  // Node.js: NODE_OPTIONS can --require any file; the others change module lookup or TLS trust.
  ['NODE_OPTIONS', 'Node.js reads command-line options (such as --require) from it'],
  // TLS trust: a chosen CA lets a proxy substitute the package being downloaded.
  ['SSL_CERT_FILE', 'it replaces the trusted TLS certificates'],
  ['SSL_CERT_DIR', 'it replaces the trusted TLS certificates'],
  ['REQUESTS_CA_BUNDLE', 'it replaces the trusted TLS certificates'],
  ['CURL_CA_BUNDLE', 'it replaces the trusted TLS certificates'],
  // Python virtual environments change which interpreter and packages run.
  ['VIRTUAL_ENV', 'it changes which Python environment runs'],
  ['CONDA_PREFIX', 'it changes which Python environment runs'],
  // Other runtimes that read start-up options from the environment.
  ['PERL5OPT', 'Perl reads command-line options from it'],
  ['PERL5LIB', 'Perl loads modules from it'],
  ['PERLLIB', 'Perl loads modules from it'],
  ['RUBYOPT', 'Ruby reads command-line options from it'],
  ['RUBYLIB', 'Ruby loads libraries from it'],
  ['JAVA_TOOL_OPTIONS', 'the JVM reads options (such as -javaagent) from it'],
  ['_JAVA_OPTIONS', 'the JVM reads options (such as -javaagent) from it'],
  ['JDK_JAVA_OPTIONS', 'the JVM reads options (such as -javaagent) from it'],
  // Set by Catwalk for every deployment: its private home, temp dir and working directory.
  ['HOME', 'Catwalk gives every deployment its own home directory'],
  ['TMPDIR', 'Catwalk gives every deployment its own temporary directory'],
  ['TMP', 'Catwalk gives every deployment its own temporary directory'],
  ['TEMP', 'Catwalk gives every deployment its own temporary directory'],
  ['PWD', 'Catwalk sets the working directory'],
  ['USER', 'Catwalk sets the user of the process'],
  ['LOGNAME', 'Catwalk sets the user of the process'],
  // Set by Fly.io on every machine; the runner relies on them.
  ['FLY_APP_NAME', 'Fly.io sets it on every machine'],
  ['FLY_MACHINE_ID', 'Fly.io sets it on every machine'],
  ['FLY_ALLOC_ID', 'Fly.io sets it on every machine'],
  ['FLY_REGION', 'Fly.io sets it on every machine'],
  ['FLY_PUBLIC_IP', 'Fly.io sets it on every machine'],
  ['FLY_PRIVATE_IP', 'Fly.io sets it on every machine'],
  ['FLY_IMAGE_REF', 'Fly.io sets it on every machine'],
  ['FLY_MACHINE_VERSION', 'Fly.io sets it on every machine'],
  ['FLY_PROCESS_GROUP', 'Fly.io sets it on every machine'],
  ['FLY_VM_MEMORY_MB', 'Fly.io sets it on every machine'],
  ['PRIMARY_REGION', 'Fly.io sets it on every machine'],
];

/** Name prefixes, with harmless names under them that stay allowed. */
const PREFIXES: ReadonlyArray<{ readonly prefix: string; readonly reason: string; readonly except?: readonly string[] }> = [
  { prefix: 'LD_', reason: 'the dynamic loader reads it (library injection)' },
  { prefix: 'DYLD_', reason: 'the macOS dynamic loader reads it (library injection)' },
  { prefix: 'BASH_', reason: 'bash reads it at start-up (BASH_ENV runs a file, BASH_FUNC_ defines functions)' },
  {
    prefix: 'NODE_',
    reason: 'Node.js reads it (module paths, TLS trust, options, files it writes)',
    except: ['NODE_ENV'],
  },
  { prefix: 'NPM_CONFIG_', reason: 'npm reads its configuration (registry, scripts, shell) from it' },
  { prefix: 'COREPACK_', reason: 'Corepack reads where to download package managers from it' },
  {
    prefix: 'PYTHON',
    reason: 'Python reads it at start-up (module paths, start-up files, warnings that import modules)',
    except: ['PYTHONUNBUFFERED', 'PYTHONIOENCODING', 'PYTHONUTF8', 'PYTHONDONTWRITEBYTECODE'],
  },
  { prefix: 'UV_', reason: 'uv reads its configuration (package index, Python) from it' },
  { prefix: 'PIP_', reason: 'pip reads its configuration (package index) from it' },
  { prefix: 'GIT_', reason: 'git reads it (GIT_SSH_COMMAND and others run commands)' },
  { prefix: 'XDG_', reason: 'npm, uv and others read configuration files from the directories it names' },
  { prefix: 'CATWALK_', reason: "it belongs to Catwalk's own runner" },
];

const EXACT_REASONS: ReadonlyMap<string, string> = new Map(EXACT);

/** The exact names that are refused (upper case), for documentation. */
export const RESERVED_ENV_NAMES: readonly string[] = EXACT.map(([name]) => name);

/** The refused name prefixes (upper case) and the names under them that stay allowed, for documentation. */
export const RESERVED_ENV_PREFIXES: ReadonlyArray<{ readonly prefix: string; readonly except: readonly string[] }> = PREFIXES.map(
  ({ prefix, except }) => ({ prefix, except: except ?? [] }),
);

/**
 * Why `name` may never be set through credentials, or `undefined` when it may. Case-insensitive.
 * Adapters that build a child's environment reuse it so no other path can set these names either.
 */
export function reservedEnvNameReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  const exact = EXACT_REASONS.get(upper);
  if (exact !== undefined) return exact;
  for (const { prefix, reason, except } of PREFIXES) {
    if (upper.startsWith(prefix) && !(except ?? []).includes(upper)) return reason;
  }
  return undefined;
}

/** Whether `name` could hijack the process it is set for (see {@link reservedEnvNameReason}). */
export function isReservedEnvName(name: string): boolean {
  return reservedEnvNameReason(name) !== undefined;
}
