import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatwalkError, parseNpmSpec, parsePypiSpec, type ResolvedPackage, type Runtime } from '@catwalk/core';
import { createBridgeServer, type BridgeServer } from './httpServer.js';
import { childEnvironment, packageCommand } from './launch.js';
import { LogRing, makeMasker } from './logRing.js';
import { McpBridge } from './mcpBridge.js';
import { ChildScheduling, type ServerScheduling } from './scheduling.js';
import { Supervisor } from './supervisor.js';

/** Options of `catwalk bridge` (the entrypoint of the runner image). */
export interface RunBridgeOptions {
  readonly runtime: Runtime;
  /** `name@version` (npm) or `name==version` (PyPI); the version must be exact. */
  readonly package: string;
  readonly args?: readonly string[];
  readonly port: number;
  readonly host?: string;
  /** Name of the environment variable holding the upstream secret (required beyond loopback). */
  readonly upstreamTokenEnv?: string;
  /**
   * Names of the environment variables that are the deployment's credentials (the Fly orchestrator sets
   * `CATWALK_CREDENTIAL_NAMES`); only these reach the MCP server.
   */
  readonly credentialNames?: readonly string[];
  /** Where HOME and TMPDIR of the server live (default: the OS temp dir). */
  readonly workDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How the server is scheduled (default `batch` where chrt works; see {@link ChildScheduling}). */
  readonly scheduling?: ServerScheduling;
}

/** A running standalone bridge. */
export interface RunningBridge {
  readonly server: BridgeServer;
  readonly supervisor: Supervisor;
  readonly logs: LogRing;
  stop(): Promise<void>;
}

/** Parses a package spec for a runtime into an exact package. */
export function parseExactPackage(runtime: Runtime, spec: string): ResolvedPackage {
  const ref = runtime === 'npm' ? parseNpmSpec(spec) : parsePypiSpec(spec);
  if (ref.version === undefined || ref.version === 'latest') {
    throw new CatwalkError('invalid_package_name', 'The bridge runs exact versions only (name@1.2.3 or name==1.2.3).');
  }
  return { runtime, name: ref.name, version: ref.version };
}

/**
 * Starts the bridge as its own process would: the MCP server child with only its credentials, supervised
 * (restarts with backoff), served on `/mcp` with `/healthz`.
 */
export async function runBridge(options: RunBridgeOptions): Promise<RunningBridge> {
  const env = options.env ?? process.env;
  const pkg = parseExactPackage(options.runtime, options.package);
  const names = options.credentialNames ?? (env.CATWALK_CREDENTIAL_NAMES ?? '').split(',').filter((n) => n.length > 0);
  const credentials: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) credentials[name] = value;
  }
  const secret = options.upstreamTokenEnv === undefined ? undefined : env[options.upstreamTokenEnv];
  if (options.upstreamTokenEnv !== undefined && (secret === undefined || secret === '')) {
    throw new CatwalkError('invalid_config', `The upstream secret variable ${options.upstreamTokenEnv} is empty.`, { variable: options.upstreamTokenEnv });
  }
  const work = options.workDir ?? join(tmpdir(), 'catwalk-bridge');
  const dirs = { home: join(work, 'home'), tmp: join(work, 'tmp') };
  mkdirSync(dirs.home, { recursive: true, mode: 0o700 });
  mkdirSync(dirs.tmp, { recursive: true, mode: 0o700 });
  const command = packageCommand(pkg, options.args ?? []);
  const logs = new LogRing(1000, makeMasker([...Object.values(credentials), ...(secret ? [secret] : [])]));
  const bridge = new McpBridge(secret === undefined ? {} : { secret });
  const server = await createBridgeServer({
    port: options.port,
    host: options.host ?? '127.0.0.1',
    bridge,
    ...(secret === undefined ? {} : { secret, secretInPath: true }),
  });
  const scheduling = new ChildScheduling(options.scheduling ?? 'batch', { onUnavailable: (reason) => logs.push('system', reason) });
  const launch = await scheduling.apply({ command: command.command, args: command.args, env: childEnvironment(credentials, dirs), cwd: dirs.home });
  const supervisor = new Supervisor(bridge, launch, logs);
  supervisor.start();
  return {
    server,
    supervisor,
    logs,
    stop: async () => {
      await supervisor.stop();
      await server.close();
    },
  };
}
