import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { CatwalkError } from '@catwalk/core';
import { findExecutable } from '../../bridge/launch.js';

/** The host interpreter Python packages are installed with, as it describes itself. */
export interface PythonRuntime {
  /** The interpreter found on the PATH, resolved (a pyenv shim becomes the real binary). Runs the host pip. */
  readonly executable: string;
  /** The base interpreter venvs are created from (real path: the venv's `bin/python` links to it). */
  readonly baseExecutable: string;
  readonly basePrefix: string;
  readonly version: string;
  /** How venvs get pip: the host pip drives them (`pip --python`, pip ≥ 22.3, no pip in the venv), or ensurepip. */
  readonly pip: 'host' | 'ensurepip';
}

// Constant: nothing of the caller ever reaches the interpreter's code. `_base_executable` is the real interpreter
// when python3 is itself a venv's; pip's version decides whether it can drive another interpreter (`--python`).
const PROBE = [
  'import importlib.util as u, json, sys',
  'pip = None',
  'try:',
  '    import pip as p; pip = p.__version__',
  'except Exception:',
  '    pass',
  'print(json.dumps({"executable": sys.executable, "base": getattr(sys, "_base_executable", sys.executable), "prefix": sys.base_prefix,',
  '    "version": "%d.%d" % sys.version_info[:2], "venv": u.find_spec("venv") is not None, "ensurepip": u.find_spec("ensurepip") is not None, "pip": pip}))',
].join('\n');

const INSTALL_HINT = 'Install Python 3 with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv).';

/** Whether a pip version can drive another interpreter with `--python` (added in pip 22.3). */
export function pipDrivesOtherPythons(version: string | null | undefined): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (match === null) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 22 || (major === 22 && minor >= 3);
}

/**
 * Finds `python3` on the control plane's PATH and asks it what it is (pyenv shims and symlinks resolve to the
 * real interpreter). The probe sees only what a pyenv shim needs (PATH, HOME, PYENV_*), and `-I` keeps
 * PYTHON* variables and the user's site-packages out.
 */
export async function probePython(searchPath: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<PythonRuntime> {
  const found = findExecutable('python3', searchPath);
  if (found === undefined) throw unavailable('python3 is not installed where Catwalk runs (needed for Python packages).');
  const probeEnv: Record<string, string> = { PATH: searchPath, LANG: 'C.UTF-8' };
  for (const name of ['HOME', 'PYENV_ROOT', 'PYENV_VERSION']) {
    const value = env[name];
    if (value !== undefined) probeEnv[name] = value;
  }
  const { code, stdout, stderr } = await run(found, ['-I', '-c', PROBE], probeEnv, 30_000);
  let info: { executable?: unknown; base?: unknown; prefix?: unknown; version?: unknown; venv?: unknown; ensurepip?: unknown; pip?: unknown };
  try {
    if (code !== 0) throw new Error(stderr);
    info = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as typeof info;
  } catch {
    throw unavailable(`${found} does not run as a Python 3 interpreter: ${lastLine(stderr)}`);
  }
  if (typeof info.executable !== 'string' || typeof info.base !== 'string' || typeof info.prefix !== 'string' || typeof info.version !== 'string') {
    throw unavailable(`${found} did not describe itself as a Python 3 interpreter.`);
  }
  if (info.venv !== true) throw unavailable(`${found} has no venv module.`);
  const pip = pipDrivesOtherPythons(typeof info.pip === 'string' ? info.pip : undefined) ? 'host' : info.ensurepip === true ? 'ensurepip' : undefined;
  if (pip === undefined) throw unavailable(`${found} can neither create a venv with pip (no ensurepip) nor drive one with its own pip (22.3 or later).`);
  return { executable: info.executable, baseExecutable: realpathSync(info.base), basePrefix: info.prefix, version: info.version, pip };
}

function unavailable(reason: string): CatwalkError {
  return new CatwalkError('runtime_unavailable', `${reason} ${INSTALL_HINT}`, { program: 'python3', install: INSTALL_HINT });
}

/** One process run: argv only, its own process group (killed whole on timeout), output bounded. */
export function run(command: string, args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (text: string, chunk: Buffer): string => (text + chunk.toString('utf8')).slice(-64 * 1024);
    child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL'); // pip --python runs a second interpreter: kill the whole group
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + error.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** pip's (or Python's) last useful line, credentials in URLs masked. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const useful = lines.filter((l) => l.startsWith('ERROR:')).at(-1) ?? lines.filter((l) => !l.startsWith('WARNING:') && !l.startsWith('[notice]')).at(-1);
  // An index URL may carry credentials (https://user:token@index…): never show them.
  return (useful ?? 'unknown error').replace(/\/\/[^/\s@]+@/g, '//***@').slice(0, 300);
}

/**
 * What went wrong in a failed pip install, in one line: pip's last error, plus why when pip only says "No matching
 * distribution" (the index could not be reached, or which versions it offered).
 */
export function pipFailure(output: string, wheelsOnly: boolean): string {
  const last = lastLine(output);
  if (!last.includes('No matching distribution')) return last;
  const network = /(Failed to establish a new connection: [^'")]*|Read timed out|ProxyError[^'")]*|SSLError[^'")]*|CERTIFICATE_VERIFY_FAILED|Connection refused)/.exec(output);
  if (network !== null) return `${last}: the index could not be reached (${lastLine(network[1]!)})`.slice(0, 400);
  const versions = /\(from versions: ([^)]*)\)/.exec(output)?.[1]?.trim();
  if (versions === undefined) return last;
  return `${last} (${wheelsOnly ? 'versions with a wheel for this Python' : 'versions'} on the index: ${versions.slice(0, 200)})`;
}
