import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CatwalkError, reservedEnvNameReason, type ConfinedLaunch, type Sandbox, type SandboxLaunch, type SandboxLimits, type SandboxProbe } from '@catwalk/core';
import { SYSTEM_SEARCH_PATH, findExecutable } from '../bridge/launch.js';
import { JAIL_HOME, JAIL_TMP, bubblewrapArgv, type SystemEntry } from './bubblewrapArgs.js';
import type { CgroupLimiter } from './cgroups.js';

/** Limits every jail gets unless the launch says otherwise (see docs/operations.md for what holds where). */
export const DEFAULT_SANDBOX_LIMITS: Required<Omit<SandboxLimits, 'cpuSeconds' | 'cpus'>> = {
  maxProcesses: 256,
  memoryBytes: 1024 * 1024 * 1024,
  fileSizeBytes: 1024 * 1024 * 1024,
  openFiles: 4096,
};

/** Options of the bubblewrap sandbox. */
export interface BubblewrapSandboxOptions {
  /** `$CATWALK_HOME`: jails get `deployments/<id>` (writable) and nothing else of it. */
  readonly home: string;
  /** The `bwrap` binary (default: found on /usr/bin:/bin:/usr/local/bin). */
  readonly bwrapPath?: string;
  /** The `prlimit` binary (default: found the same way); `null` applies no rlimits. */
  readonly prlimitPath?: string | null;
  /** Default limits, merged over {@link DEFAULT_SANDBOX_LIMITS}. */
  readonly limits?: SandboxLimits;
  /** Extra host paths every jail reads (e.g. a uv installation); the running Node's prefix is added by itself. */
  readonly runtimePaths?: readonly string[];
  /**
   * Per-deployment cgroups (process count, memory and CPU rate of the whole jail), from `CgroupLimiter.detect()`;
   * absent: only the per-process rlimits hold. `selectSandbox` detects them at start-up.
   */
  readonly cgroups?: CgroupLimiter | undefined;
}

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
/** Secrets a host keeps under /etc: readable inside the jail when the control plane runs as root (uid mapping). */
const HIDDEN_ETC_FILES = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/security/opasswd', '/etc/machine-id', '/etc/default/catwalk'];
const HIDDEN_ETC_DIRS = ['/etc/ssl/private', '/etc/sudoers.d', '/etc/letsencrypt', '/etc/catwalk'];
const DEPLOYMENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

function isWithin(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Runs each local MCP server in its own bubblewrap jail (see {@link bubblewrapArgv} for the options). The jail
 * sees the system read-only, minus /etc secrets; its runtime and package read-only; its own
 * `$CATWALK_HOME/deployments/<id>/{home,tmp}` as `/home/mcp` and `/tmp`, the only writable places; nothing else of
 * `$CATWALK_HOME` (key file, database, other deployments). Resource limits: per-process rlimits set with `prlimit`,
 * and, where the machine has a writable cgroup hierarchy, the jail's own cgroup (see {@link CgroupLimiter}).
 */
export class BubblewrapSandbox implements Sandbox {
  readonly name = 'bubblewrap';
  readonly confined = true;
  private readonly home: string;
  private readonly system: readonly SystemEntry[];
  private readonly bound: readonly string[];
  private readonly hiddenFiles: readonly string[];
  private readonly hiddenDirs: readonly string[];
  private readonly runtimeDirs: readonly string[];

  constructor(private readonly options: BubblewrapSandboxOptions) {
    this.home = resolve(options.home);
    this.system = SYSTEM_DIRS.flatMap((path): SystemEntry[] => {
      if (!existsSync(path)) return [];
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) return [{ kind: 'symlink', path, target: readlinkSync(path) }];
      return stat.isDirectory() ? [{ kind: 'bind', path }] : [];
    });
    this.bound = this.system.filter((e) => e.kind === 'bind').map((e) => e.path);
    this.hiddenFiles = [...HIDDEN_ETC_FILES, ...sshHostKeys()].filter((file) => existsSync(file) && lstatSync(file).isFile());
    this.hiddenDirs = HIDDEN_ETC_DIRS.filter((dir) => existsSync(dir) && lstatSync(dir).isDirectory());
    // The running Node's installation (prefix = bin/..), when it lives outside the system directories (nvm, /opt).
    const nodePrefix = dirname(dirname(realpathSync(process.execPath)));
    this.runtimeDirs = [nodePrefix, ...(options.runtimePaths ?? [])].filter((dir) => !this.bound.some((b) => isWithin(dir, b)));
  }

  /** The `bwrap` binary this sandbox runs, or undefined when it is not installed. */
  get bwrapPath(): string | undefined {
    return this.options.bwrapPath ?? findExecutable('bwrap', SYSTEM_SEARCH_PATH);
  }

  private get prlimitPath(): string | undefined {
    if (this.options.prlimitPath === null) return undefined;
    return this.options.prlimitPath ?? findExecutable('prlimit', SYSTEM_SEARCH_PATH);
  }

  async wrap(launch: SandboxLaunch): Promise<ConfinedLaunch> {
    const bwrap = this.bwrapPath;
    if (bwrap === undefined) throw new CatwalkError('orchestrator_failed', 'The sandbox (bubblewrap) is not installed on this machine.');
    if (!DEPLOYMENT_ID.test(launch.deploymentId)) throw new CatwalkError('invalid_input', 'Invalid deployment id.');
    if (launch.argv.length === 0) throw new CatwalkError('orchestrator_failed', 'Nothing to run.');
    const deploymentDir = join(this.home, 'deployments', launch.deploymentId);
    const homeDir = join(deploymentDir, 'home');
    const tmpDir = join(deploymentDir, 'tmp');
    mkdirSync(homeDir, { recursive: true, mode: 0o700 });
    mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    const readOnly = [...this.runtimeDirs, ...(launch.readOnlyPaths ?? [])]
      .map((path) => this.readOnlyBind(path))
      // Paths inside the system directories are readable already (unless they lie in a masked CATWALK_HOME).
      .filter(([source, target]) => source !== target || !this.bound.some((b) => isWithin(target, b)) || isWithin(target, this.home));
    const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...this.options.limits, ...launch.limits };
    const argv = bubblewrapArgv({
      bwrap,
      prlimit: this.prlimitPath,
      system: this.system,
      hiddenFiles: this.hiddenFiles,
      hiddenDirs: this.hiddenDirs,
      maskHome: this.bound.some((b) => isWithin(this.home, b)) ? this.home : undefined,
      readOnly,
      homeDir,
      tmpDir,
      network: launch.network,
      limits,
      argv: launch.argv,
    });
    // Last, so that nothing above can fail after the group exists (the caller releases it only with a launch).
    const group = this.options.cgroups?.create(launch.deploymentId, limits);
    const confined = { argv, env: this.jailEnvironment(launch.env), cwd: homeDir };
    return group === undefined ? confined : { ...confined, attach: (pid: number) => group.attach(pid), release: () => group.release() };
  }

  /**
   * Runs `cat` in a jail the way a deployment runs, resource-limit group included: `cat` waits for its stdin to
   * close, so the group is joined while the process is alive and a broken cgroup setup fails here, at start-up.
   */
  async probe(): Promise<SandboxProbe> {
    const bwrap = this.bwrapPath;
    if (bwrap === undefined) return { ok: false, reason: 'bwrap is not installed' };
    if (this.options.prlimitPath !== null && this.prlimitPath === undefined) return { ok: false, reason: 'prlimit (util-linux) is not installed' };
    const id = `probe-${process.pid}-${Date.now()}`;
    const catPath = findExecutable('cat', SYSTEM_SEARCH_PATH);
    if (catPath === undefined) return { ok: false, reason: 'the system has no `cat` program to probe with' };
    let release: (() => Promise<void>) | undefined;
    try {
      const launch = await this.wrap({ argv: [catPath], env: { LANG: 'C.UTF-8' }, cwd: this.home, deploymentId: id, network: 'shared' });
      release = launch.release;
      return await runProbe(launch);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      await release?.().catch(() => undefined);
      rmSync(join(this.home, 'deployments', id), { recursive: true, force: true });
    }
  }

  /** A read-only bind of a host path at the same path; refuses anything that would expose `$CATWALK_HOME` itself. */
  private readOnlyBind(path: string): readonly [string, string] {
    if (!isAbsolute(path)) throw new CatwalkError('orchestrator_failed', 'A sandbox path must be absolute.');
    let source: string;
    try {
      source = realpathSync(path);
    } catch (error) {
      throw new CatwalkError('orchestrator_failed', 'A file the MCP server needs is missing; reinstall the package.', {}, { cause: error });
    }
    const target = resolve(path);
    const packages = join(this.home, 'packages');
    for (const candidate of [source, target]) {
      if (isWithin(this.home, candidate)) throw new CatwalkError('orchestrator_failed', 'A sandbox path may not contain CATWALK_HOME.');
      if (isWithin(candidate, this.home) && !(isWithin(candidate, packages) && candidate !== packages)) {
        throw new CatwalkError('orchestrator_failed', 'Only pre-installed package directories of CATWALK_HOME may be given to a sandbox.');
      }
    }
    return [source, target];
  }

  /**
   * The jail's environment: the launch's variables (credentials, LANG, proxies) without any name a runtime or
   * loader would act on, plus PATH, HOME and TMPDIR pointing inside the jail.
   */
  private jailEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) if (reservedEnvNameReason(name) === undefined) out[name] = value;
    const nodeBin = dirname(process.execPath);
    const path = [...(this.bound.some((b) => isWithin(nodeBin, b)) ? [] : [nodeBin]), '/usr/local/bin', '/usr/bin', '/bin'];
    return { LANG: 'C.UTF-8', ...out, PATH: path.join(':'), HOME: JAIL_HOME, TMPDIR: JAIL_TMP };
  }
}

/** Spawns a confined `cat`, attaches it, closes its stdin and waits for a clean exit (15 s at most). */
function runProbe(launch: ConfinedLaunch): Promise<SandboxProbe> {
  const [command, ...args] = launch.argv;
  return new Promise<SandboxProbe>((done) => {
    const child = spawn(command!, args, { env: { ...launch.env }, cwd: launch.cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdin.on('error', () => undefined); // EPIPE when the jail failed before reading
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ ok: false, reason: error.message });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done({ ok: true });
      else done({ ok: false, reason: stderr.trim().split('\n').at(-1)?.slice(0, 300) || `the jail exited with ${signal ?? `code ${String(code)}`}` });
    });
    if (child.pid !== undefined && launch.attach !== undefined) {
      try {
        launch.attach(child.pid);
      } catch (error) {
        child.kill('SIGKILL');
        clearTimeout(timer);
        done({ ok: false, reason: error instanceof Error ? error.message : String(error) });
        return;
      }
    }
    child.stdin.end();
  });
}

function sshHostKeys(): string[] {
  try {
    return readdirSync('/etc/ssh')
      .filter((name) => /^ssh_host_.*_key$/.test(name))
      .map((name) => `/etc/ssh${sep}${name}`);
  } catch {
    return [];
  }
}
