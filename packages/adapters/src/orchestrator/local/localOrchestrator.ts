import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { CatwalkError, isCatwalkError, type Sandbox, type DeploySpec, type LogLine, type MachineHandle, type MachineState, type MachineStatus, type Orchestrator, type ToolSpec } from '@catwalk/core';
import { createBridgeServer, type BridgeServer } from '../../bridge/httpServer.js';
import { childEnvironment, npmNetworkEnvironment, packageCommand, type PackageCommand } from '../../bridge/launch.js';
import { LogRing, makeMasker } from '../../bridge/logRing.js';
import { McpBridge, type BridgeOptions } from '../../bridge/mcpBridge.js';
import { ChildScheduling } from '../../bridge/scheduling.js';
import type { McpPostHeaders, McpResponse } from '../../bridge/response.js';
import { Supervisor, realTimers, type RestartPolicy, type SupervisorTimers } from '../../bridge/supervisor.js';
import type { LaunchCommand } from '../../bridge/stdioChild.js';
import { guardChildren } from './exitGuard.js';
import { LogFile } from './logFile.js';
import { PackageInstaller } from './packageInstaller.js';
import { PythonInstaller } from './pythonInstaller.js';

/** Decides the program and argv for a spec (the default runs the package; tests and benches override it). */
export type Launcher = (spec: DeploySpec, context: { installer: PackageInstaller | undefined; pythonInstaller?: PythonInstaller | undefined }) => Promise<PackageCommand>;

/** Options of the local orchestrator. */
export interface LocalOrchestratorOptions {
  /** `$CATWALK_HOME`: deployments live in `deployments/<id>`, packages in `packages/`. */
  readonly home: string;
  /**
   * Pre-install packages into `$CATWALK_HOME/packages` (default true): npm packages run as `node <bin>`, Python
   * packages from their own venv. Off (and unconfined), npm packages run through npx and Python ones through uvx.
   */
  readonly preinstall?: boolean;
  /** Let npm run install scripts while pre-installing (default false). */
  readonly allowInstallScripts?: boolean;
  /** PEP 503 simple index Python packages are installed from (`PYPI_INDEX_URL`; default https://pypi.org/simple). */
  readonly pypiIndexUrl?: string;
  /** Let pip build source distributions, running their build code outside the jail (default false: wheels only). */
  readonly allowPythonSdists?: boolean;
  /** Give each Python venv its own pip instead of driving it with the host's pip (see PythonInstallerOptions.venvPip). */
  readonly pythonVenvPip?: boolean;
  readonly restart?: RestartPolicy;
  readonly timers?: SupervisorTimers;
  readonly bridge?: BridgeOptions;
  /** Log lines kept per machine (default 1000). */
  readonly logLines?: number;
  /**
   * Bytes of a machine's log file before it rotates (`deployments/<id>/server.log`, default 1 MiB; at most twice
   * that on disk); 0 keeps logs in memory only. The file lets `logs` answer across a control-plane restart.
   */
  readonly logFileBytes?: number;
  readonly launcher?: Launcher;
  /** Shared npm cache for installs and npx (default `$CATWALK_HOME/cache/npm`). */
  readonly npmCacheDir?: string;
  /**
   * Names of control-plane variables every MCP server also gets (e.g. `HTTPS_PROXY`, `NODE_EXTRA_CA_CERTS` behind
   * a corporate proxy). Empty by default; `CATWALK_*` and `DATABASE_URL` are refused.
   */
  readonly passthroughEnv?: readonly string[];
  /** Kill every child when the control plane exits (default true). */
  readonly guardExit?: boolean;
  /**
   * Confines every server (see packages/adapters/src/sandbox). A confining sandbox forces the pre-install (npm and
   * Python): the package is installed outside the jail (with the network, into the shared cache) and run inside it
   * read-only.
   */
  readonly sandbox?: Sandbox;
  /** How servers are scheduled (default: `batch` where chrt works, see {@link ChildScheduling}). */
  readonly scheduling?: ChildScheduling;
}

interface LocalMachine {
  readonly machineId: string;
  readonly deploymentId: string;
  readonly bridge: McpBridge;
  readonly server: BridgeServer;
  readonly supervisor: Supervisor;
  readonly logs: LogRing;
  readonly logFile: LogFile | undefined;
  readonly dir: string;
}

/** A deployment's bridge as the gateway calls it in-process (see {@link LocalOrchestrator.handlerFor}). */
export interface InProcessBridge {
  /** Any MCP request arriving through node:http. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** An MCP POST whose body the gateway's fast lane has read already. */
  post(headers: McpPostHeaders, body: Buffer, res: McpResponse): void;
}

/**
 * The default launcher: a pre-installed package when an installer is present (always with a confining sandbox),
 * else npx / uvx, which download at start and so cannot run in a jail.
 */
export const defaultLauncher: Launcher = async (spec, { installer, pythonInstaller }) => {
  if (spec.package.runtime === 'npm' && installer !== undefined) {
    const dir = await installer.ensure(spec.package);
    return packageCommand(spec.package, spec.args, { installedDir: dir });
  }
  if (spec.package.runtime === 'python' && pythonInstaller !== undefined) {
    const dir = await pythonInstaller.ensure(spec.package);
    return packageCommand(spec.package, spec.args, { installedDir: dir });
  }
  return packageCommand(spec.package, spec.args);
};

/**
 * Runs each deployment's MCP server as a local child process behind its own in-process bridge on a loopback
 * port (`http://127.0.0.1:<port>/mcp`). The child runs in its own process group with only its credentials and a
 * minimal environment; crashes restart it with backoff until a crash loop marks it failed.
 */
export class LocalOrchestrator implements Orchestrator {
  readonly name = 'local';
  private readonly machines = new Map<string, LocalMachine>();
  /** Removes a deployment's resource-limit group (from the sandbox), by deployment id; called once it stopped. */
  private readonly limitReleases = new Map<string, () => Promise<void>>();
  private readonly installer: PackageInstaller | undefined;
  private readonly pythonInstaller: PythonInstaller | undefined;
  private readonly launcher: Launcher;
  private readonly scheduling: ChildScheduling;
  private readonly release: (() => void) | undefined;

  constructor(private readonly options: LocalOrchestratorOptions) {
    this.installer =
      options.preinstall === false && options.sandbox?.confined !== true
        ? undefined
        : new PackageInstaller({
            packagesDir: join(options.home, 'packages'),
            cacheDir: this.npmCache,
            allowScripts: options.allowInstallScripts ?? false,
          });
    this.pythonInstaller =
      this.installer === undefined
        ? undefined
        : new PythonInstaller({
            packagesDir: join(options.home, 'packages'),
            cacheDir: join(options.home, 'cache', 'pip'),
            allowSdists: options.allowPythonSdists ?? false,
            venvPip: options.pythonVenvPip ?? false,
            ...(options.pypiIndexUrl === undefined ? {} : { indexUrl: options.pypiIndexUrl }),
          });
    this.launcher = options.launcher ?? defaultLauncher;
    this.scheduling = options.scheduling ?? new ChildScheduling('batch');
    this.release = options.guardExit === false ? undefined : guardChildren(this);
  }

  /** The machine id of a deployment (stable, so a restarted control plane finds it again). */
  static machineIdOf(deploymentId: string): string {
    return `local-${deploymentId}`;
  }

  async deploy(spec: DeploySpec): Promise<MachineHandle> {
    const machineId = LocalOrchestrator.machineIdOf(spec.deploymentId);
    if (this.machines.has(machineId)) await this.destroy(machineId);
    const launch = await this.launchOf(spec);
    const logs = new LogRing(this.options.logLines ?? 1000, makeMasker(Object.values(spec.env)));
    // The lines of this deployment's earlier runs (before a control-plane restart) come first.
    const logFile = this.logFileOf(spec.deploymentId);
    if (logFile !== undefined) {
      logs.restore(logFile.readTail(this.options.logLines ?? 1000));
      logs.onLine = (entry) => logFile.append(entry);
    }
    // Loopback is shared by every local user and process: the upstream URL carries a random secret path.
    const secret = randomBytes(24).toString('base64url');
    const bridge = new McpBridge({ ...this.options.bridge, secret });
    const server = await createBridgeServer({ port: 0, host: '127.0.0.1', bridge, secret, secretInPath: true });
    const supervisor = new Supervisor(bridge, launch, logs, this.options.restart ?? {}, this.options.timers ?? realTimers);
    const machine: LocalMachine = { machineId, deploymentId: spec.deploymentId, bridge, server, supervisor, logs, logFile, dir: this.dirOf(spec.deploymentId) };
    this.machines.set(machineId, machine);
    logs.push('system', `starting ${spec.package.name}@${spec.package.version}`);
    supervisor.start();
    return { machineId, upstreamUrl: server.secretUrl ?? server.url };
  }

  async waitUntilHealthy(machineId: string, timeoutMs: number): Promise<void> {
    const machine = this.get(machineId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const state = await Promise.race([machine.supervisor.waitFor(['running', 'failed', 'stopped']), timeout]);
      if (state === 'running' && (await machine.bridge.ping(Math.max(1000, Math.min(5000, timeoutMs))))) return;
      if (state === 'failed') throw new CatwalkError('orchestrator_failed', machine.supervisor.detail ?? 'The MCP server failed to start.', { machineId });
      if (state === 'stopped') throw new CatwalkError('orchestrator_failed', 'The machine was stopped before it became healthy.', { machineId });
      throw new CatwalkError('orchestrator_failed', `The MCP server did not become healthy within ${Math.round(timeoutMs / 1000)} s.${this.stderrHint(machine)}`, {
        machineId,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async listTools(machineId: string): Promise<ToolSpec[]> {
    const machine = this.get(machineId);
    const tools: ToolSpec[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const response = await machine.bridge.request('tools/list', cursor === undefined ? {} : { cursor }).catch((error: unknown) => {
        throw new CatwalkError('orchestrator_failed', 'The MCP server did not answer tools/list.', { machineId }, { cause: error });
      });
      if (response.error !== undefined) throw new CatwalkError('orchestrator_failed', 'The MCP server refused tools/list.', { machineId });
      const result = response.result as { tools?: { name?: unknown; description?: unknown; inputSchema?: unknown }[]; nextCursor?: unknown };
      for (const t of result.tools ?? []) {
        if (typeof t.name !== 'string') continue;
        tools.push({
          name: t.name.slice(0, 128),
          ...(typeof t.description === 'string' ? { description: t.description.slice(0, 4000) } : {}),
          ...(typeof t.inputSchema === 'object' && t.inputSchema !== null ? { inputSchema: t.inputSchema as Record<string, unknown> } : {}),
        });
      }
      if (typeof result.nextCursor !== 'string') break;
      cursor = result.nextCursor;
    }
    return tools;
  }

  async status(machineId: string): Promise<MachineStatus> {
    const machine = this.machines.get(machineId);
    if (machine === undefined) return { machineId, deploymentId: deploymentIdOf(machineId), state: 'gone' };
    return this.statusOf(machine);
  }

  async stop(machineId: string): Promise<void> {
    const machine = this.get(machineId);
    machine.logs.push('system', 'stopping');
    await machine.supervisor.stop();
    await this.releaseLimits(machine);
  }

  async start(machineId: string, spec: DeploySpec): Promise<MachineHandle> {
    const machine = this.machines.get(machineId);
    if (machine === undefined) return this.deploy(spec);
    const launch = await this.launchOf(spec);
    machine.logs.setMasker(makeMasker(Object.values(spec.env)));
    machine.logs.push('system', 'starting');
    machine.supervisor.start(launch);
    return { machineId, upstreamUrl: machine.server.secretUrl ?? machine.server.url };
  }

  async destroy(machineId: string): Promise<void> {
    const machine = this.machines.get(machineId);
    if (machine === undefined) {
      // Not running in this process (stopped before a restart of the control plane): its directory (the server's
      // home and tmp, its log) still goes.
      rmSync(this.dirOf(deploymentIdOf(machineId)), { recursive: true, force: true });
      return;
    }
    this.machines.delete(machineId);
    await machine.supervisor.stop();
    await this.releaseLimits(machine);
    await machine.server.close();
    machine.logFile?.flush();
    rmSync(machine.dir, { recursive: true, force: true });
  }

  async logs(machineId: string, options: { tail: number }): Promise<LogLine[]> {
    const tail = Math.max(0, Math.min(options.tail, 10_000));
    const machine = this.machines.get(machineId);
    // A deployment not running in this process (stopped or failed before a restart) still has its file.
    if (machine === undefined) return this.logFileOf(deploymentIdOf(machineId))?.readTail(tail) ?? [];
    return machine.logs.tail(tail);
  }

  async list(): Promise<MachineStatus[]> {
    return [...this.machines.values()].map((m) => this.statusOf(m));
  }

  /** The in-process bridge of a machine, so the gateway can serve it without a second HTTP hop. */
  bridgeOf(machineId: string): McpBridge | undefined {
    return this.machines.get(machineId)?.bridge;
  }

  /**
   * Serves a deployment's MCP endpoint in this process, for the gateway (no second HTTP hop): `handle` takes a
   * node:http request, `post` an MCP POST whose body the gateway's fast lane has read already. The gateway has
   * already authenticated the caller with the deployment's access token, so the bridge's upstream secret check is
   * skipped. The bridge is looked up on every request, so a handler the gateway cached keeps working when the
   * machine is redeployed (new bridge). Undefined when this process runs no machine for the deployment (the
   * gateway then uses the upstream URL).
   */
  handlerFor(deploymentId: string): InProcessBridge | undefined {
    const machineId = LocalOrchestrator.machineIdOf(deploymentId);
    if (!this.machines.has(machineId)) return undefined;
    const bridgeNow = (): McpBridge | undefined => this.machines.get(machineId)?.bridge;
    return {
      handle: (req, res) => {
        const bridge = bridgeNow();
        if (bridge !== undefined) return bridge.handle(req, res, { secretVerified: true });
        notRunningHere(res);
      },
      post: (headers, body, res) => {
        const bridge = bridgeNow();
        if (bridge !== undefined) return bridge.post(headers, body, res);
        notRunningHere(res);
      },
    };
  }

  /** The pid (= process group id) of a machine's current child, for operators and tests. */
  pidOf(machineId: string): number | undefined {
    return this.machines.get(machineId)?.supervisor.pid;
  }

  /** Stops every machine gracefully (control-plane shutdown). */
  async shutdown(): Promise<void> {
    await Promise.all([...this.machines.values()].map(async (m) => {
      await m.supervisor.stop();
      await this.releaseLimits(m);
      await m.server.close();
      m.logFile?.flush();
    }));
    this.machines.clear();
    this.release?.();
  }

  /** Kills every child at once (exit handlers). */
  killNow(): void {
    for (const m of this.machines.values()) m.supervisor.killNow();
  }

  private statusOf(machine: LocalMachine): MachineStatus {
    const state: MachineState = machine.supervisor.state;
    const detail = state === 'failed' ? machine.supervisor.detail : undefined;
    return { machineId: machine.machineId, deploymentId: machine.deploymentId, state, ...(detail === undefined ? {} : { detail }) };
  }

  private async launchOf(spec: DeploySpec): Promise<LaunchCommand> {
    const dir = this.dirOf(spec.deploymentId);
    const dirs = { home: join(dir, 'home'), tmp: join(dir, 'tmp') };
    mkdirSync(dirs.home, { recursive: true, mode: 0o700 });
    mkdirSync(dirs.tmp, { recursive: true, mode: 0o700 });
    let command: PackageCommand;
    try {
      command = await this.launcher(spec, { installer: this.installer, pythonInstaller: this.pythonInstaller });
    } catch (error) {
      if (isCatwalkError(error)) throw error;
      throw new CatwalkError('orchestrator_failed', `Could not prepare ${spec.package.name}@${spec.package.version} to run.`, {}, { cause: error });
    }
    const extra: Record<string, string> = {};
    for (const name of this.options.passthroughEnv ?? []) {
      const value = process.env[name];
      if (value !== undefined && !/^(CATWALK_|DATABASE_URL$)/.test(name)) extra[name] = value;
    }
    // npx downloads at start: it needs the npm cache and the operator's registry/proxy settings.
    if (command.args[0] === '-y') Object.assign(extra, npmNetworkEnvironment(), { npm_config_cache: this.npmCache, npm_config_update_notifier: 'false' });
    const env = childEnvironment(spec.env, dirs, extra);
    const sandbox = this.options.sandbox;
    if (sandbox === undefined) return this.scheduling.apply({ command: command.command, args: command.args, env, cwd: dirs.home });
    const confined = await sandbox.wrap({
      argv: [command.command, ...command.args],
      env,
      cwd: dirs.home,
      deploymentId: spec.deploymentId,
      network: spec.network ?? 'shared',
      readOnlyPaths: command.readOnlyPaths ?? [],
    });
    const [program, ...args] = confined.argv;
    if (confined.release !== undefined) this.limitReleases.set(spec.deploymentId, confined.release);
    // The sandbox's attach runs on every (re)spawn; when it fails the child is killed (fail closed).
    // chrt (when servers run batch) sets the policy and execs the jail, so the pid the sandbox attaches is the jail's.
    return this.scheduling.apply({ command: program!, args, env: confined.env, cwd: confined.cwd, ...(confined.attach === undefined ? {} : { onSpawn: confined.attach }) });
  }

  /** Removes the machine's resource-limit group once its process is gone (a failure is logged, not thrown). */
  private async releaseLimits(machine: LocalMachine): Promise<void> {
    const release = this.limitReleases.get(machine.deploymentId);
    if (release === undefined) return;
    this.limitReleases.delete(machine.deploymentId);
    await release().catch(() => machine.logs.push('system', 'could not remove the resource-limit group (cgroup) of the server'));
  }

  /** The machine's log file, unless logs stay in memory only. */
  private logFileOf(deploymentId: string): LogFile | undefined {
    const bytes = this.options.logFileBytes;
    if (bytes === 0) return undefined;
    return new LogFile(join(this.dirOf(deploymentId), 'server.log'), bytes);
  }

  private get npmCache(): string {
    return this.options.npmCacheDir ?? join(this.options.home, 'cache', 'npm');
  }

  private dirOf(deploymentId: string): string {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(deploymentId)) throw new CatwalkError('invalid_input', 'Invalid deployment id.');
    return join(this.options.home, 'deployments', deploymentId);
  }

  private get(machineId: string): LocalMachine {
    const machine = this.machines.get(machineId);
    if (machine === undefined) throw new CatwalkError('not_found', 'No such machine.', { machineId });
    return machine;
  }

  private stderrHint(machine: LocalMachine): string {
    const last = machine.logs
      .tail(20)
      .filter((l) => l.stream === 'stderr')
      .at(-1);
    return last === undefined ? '' : ` Last output: ${last.line.slice(0, 300)}`;
  }
}

/** The answer when the deployment's bridge is gone from this process (stopped between lookup and call). */
function notRunningHere(res: McpResponse): void {
  const body = JSON.stringify({ error: 'upstream_unavailable', message: 'The MCP server is not running in this process.', details: {} });
  res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function deploymentIdOf(machineId: string): string {
  return machineId.startsWith('local-') ? machineId.slice('local-'.length) : machineId;
}
