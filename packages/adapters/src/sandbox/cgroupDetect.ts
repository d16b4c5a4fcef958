import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';

/** The cgroup controllers Catwalk uses: process count, memory of the whole jail, CPU rate. */
export type CgroupController = 'pids' | 'memory' | 'cpu';
export const CGROUP_CONTROLLERS: readonly CgroupController[] = ['pids', 'memory', 'cpu'];

/** Where the deployments' groups of one controller live. */
export interface CgroupPlacement {
  readonly controller: CgroupController;
  readonly version: 1 | 2;
  /** `<this process's cgroup>/<group name>`: a deployment gets `<parent>/<deploymentId>`. */
  readonly parent: string;
}

/** Where to look (tests point `root` at a fake hierarchy) and what to call Catwalk's directory. */
export interface CgroupDetectOptions {
  /** A directory standing for `/`: mountinfo and the own cgroup are read from `<root>/proc/self/…`. Default `/`. */
  readonly root?: string;
  /** The directory holding every deployment's group (default `catwalk`; tests use unique names). */
  readonly groupName?: string;
}

export interface CgroupDetection {
  readonly placements: readonly CgroupPlacement[];
  /** Why a hierarchy or controller is not used (for the start-up log). */
  readonly notes: readonly string[];
}

/** A file whose presence shows that a v1 controller really is active in a directory. */
export const V1_KEY_FILES: Readonly<Record<CgroupController, string>> = { pids: 'pids.max', memory: 'memory.limit_in_bytes', cpu: 'cpu.cfs_quota_us' };

interface Mount {
  readonly root: string;
  readonly point: string;
  readonly readOnly: boolean;
  readonly type: string;
  readonly superOptions: readonly string[];
}

/** `\040` and friends: mountinfo escapes spaces, tabs, newlines and backslashes in paths as octal. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses `/proc/self/mountinfo` (proc(5)): `id parent dev root point options [optional…] - type source super`. */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash === -1 || fields.length < dash + 4) continue;
    mounts.push({
      root: unescapeMountPath(fields[3]!),
      point: unescapeMountPath(fields[4]!),
      readOnly: fields[5]!.split(',').includes('ro'),
      type: fields[dash + 1]!,
      superOptions: fields[dash + 3]!.split(','),
    });
  }
  return mounts;
}

/** Parses `/proc/self/cgroup`: the v2 path (`0::/path`) and each v1 controller's path (`4:cpu,cpuacct:/path`). */
export function parseOwnCgroups(text: string): { readonly v2: string | undefined; readonly v1: ReadonlyMap<string, string> } {
  let v2: string | undefined;
  const v1 = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (match === null) continue;
    if (match[1] === '0' && match[2] === '') v2 = match[3]!;
    else for (const controller of match[2]!.split(',')) v1.set(controller, match[3]!);
  }
  return { v2, v1 };
}

/** This process's cgroup directory inside a mounted hierarchy (the mount point when it lies outside the mount). */
function ownDirectory(root: string, mount: Mount, cgroupPath: string | undefined): string {
  const rel = cgroupPath === undefined ? '' : posix.relative(mount.root, cgroupPath);
  return join(root, mount.point, rel.startsWith('..') ? '' : rel);
}

function readWords(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter((w) => w.length > 0);
  } catch {
    return [];
  }
}

/** Enables a v2 controller for the children of `dir` (no-op when it already is); true when it is enabled. */
export function enableV2Controller(dir: string, controller: CgroupController): boolean {
  const file = join(dir, 'cgroup.subtree_control');
  if (readWords(file).includes(controller)) return true;
  try {
    writeFileSync(file, `+${controller}`);
  } catch {
    return false; // EBUSY when `dir` itself holds processes (the "no internal processes" rule), EACCES, EINVAL…
  }
  return readWords(file).includes(controller);
}

function removeIfCreated(dir: string, existed: boolean): void {
  if (existed) return;
  try {
    rmdirSync(dir);
  } catch {
    /* another control plane may have started using it */
  }
}

/**
 * cgroup v2: the controllers usable below `base` — listed in its `cgroup.controllers`, enabled in its
 * `subtree_control` and again in `<base>/<name>`'s (so each deployment group gets the files).
 */
function v2Controllers(base: string, name: string): CgroupController[] {
  const listed = readWords(join(base, 'cgroup.controllers'));
  const enabled = CGROUP_CONTROLLERS.filter((c) => listed.includes(c) && enableV2Controller(base, c));
  if (enabled.length === 0) return [];
  const parent = join(base, name);
  const existed = existsSync(parent);
  try {
    mkdirSync(parent, { recursive: true });
  } catch {
    return [];
  }
  const held = enabled.filter((c) => enableV2Controller(parent, c));
  removeIfCreated(parent, existed);
  return held;
}

/**
 * Finds where per-deployment groups can be created, controller by controller, from `/proc/self/mountinfo` (no
 * hard-coded paths): cgroup v2 first (a writable `cgroup2` mount whose controllers can be enabled below this
 * process's cgroup), then the v1 hierarchy of each controller not found there. Groups are nested under this
 * process's own cgroup, so whatever bounds the service (systemd's MemoryMax=, TasksMax=) still bounds its jails.
 *
 * v2's "no internal processes" rule: controllers can only be enabled below a cgroup without processes. When this
 * process's cgroup holds processes (a systemd service without a sub-group) its parent is tried — but never the
 * parent of a systemd unit (`*.service`, `*.scope`, `*.slice`: a tree systemd owns). Delegation (`Delegate=yes` and
 * `DelegateSubgroup=`) is the supported way there; see docs/operations.md. Never throws.
 */
export function detectCgroups(options: CgroupDetectOptions = {}): CgroupDetection {
  const root = options.root ?? '/';
  const name = options.groupName ?? 'catwalk';
  let mounts: Mount[];
  let own: ReturnType<typeof parseOwnCgroups>;
  try {
    mounts = parseMountinfo(readFileSync(join(root, 'proc/self/mountinfo'), 'utf8'));
    own = parseOwnCgroups(readFileSync(join(root, 'proc/self/cgroup'), 'utf8'));
  } catch {
    return { placements: [], notes: ['cannot read /proc/self/mountinfo or /proc/self/cgroup'] };
  }
  const placements: CgroupPlacement[] = [];
  const notes: string[] = [];
  const unified = mounts.find((m) => m.type === 'cgroup2' && !m.readOnly);
  if (unified !== undefined && own.v2 !== undefined) {
    const ownDir = ownDirectory(root, unified, own.v2);
    const candidates = [ownDir];
    if (ownDir !== join(root, unified.point) && !/\.(service|scope|slice)$/.test(basename(ownDir))) candidates.push(dirname(ownDir));
    for (const base of candidates) {
      const held = v2Controllers(base, name);
      if (held.length === 0) continue;
      for (const controller of held) placements.push({ controller, version: 2, parent: join(base, name) });
      break;
    }
  }
  for (const controller of CGROUP_CONTROLLERS) {
    if (placements.some((p) => p.controller === controller)) continue;
    const mount = mounts.find((m) => m.type === 'cgroup' && !m.readOnly && m.superOptions.includes(controller));
    if (mount === undefined) continue;
    const parent = join(ownDirectory(root, mount, own.v1.get(controller)), name);
    const existed = existsSync(parent);
    try {
      mkdirSync(parent, { recursive: true });
    } catch (error) {
      notes.push(`cgroup v1 ${controller}: cannot create groups (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const active = existsSync(join(parent, V1_KEY_FILES[controller]));
    removeIfCreated(parent, existed);
    if (active) placements.push({ controller, version: 1, parent });
    else notes.push(`cgroup v1 ${controller}: the controller has no files in a new group`);
  }
  return { placements, notes };
}
