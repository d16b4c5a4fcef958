import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCatwalkError } from '@catwalk/core';
import { CgroupLimiter, type CgroupLimiterOptions } from '../../src/sandbox/cgroups.js';
import { detectCgroups, parseMountinfo, parseOwnCgroups } from '../../src/sandbox/cgroupDetect.js';
import { descendantsOf } from '../../src/sandbox/processTree.js';

/** Writes a file, creating its directory. */
function put(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const read = (path: string): string => readFileSync(path, 'utf8').trim();

/**
 * A fake machine under a temp dir: /proc/self/{mountinfo,cgroup} and cgroup directories. The kernel's side of
 * cgroupfs (files appearing in a new group, `+controller` writes) is simulated by creating the files beforehand.
 */
function fakeRoot(mountinfo: string[], cgroup: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'catwalk-cgroup-'));
  put(join(root, 'proc/self/mountinfo'), mountinfo.join('\n') + '\n');
  put(join(root, 'proc/self/cgroup'), cgroup.join('\n') + '\n');
  return root;
}

/** cgroupfs' rule, simulated: a group directory can only be removed once it has no process and no child group. */
const removeDir: CgroupLimiterOptions['removeDir'] = (path) => {
  const entries = readdirSync(path, { withFileTypes: true });
  const procs = existsSync(join(path, 'cgroup.procs')) ? read(join(path, 'cgroup.procs')) : '';
  if (entries.some((e) => e.isDirectory()) || procs !== '') throw Object.assign(new Error('busy'), { code: 'EBUSY' });
  rmSync(path, { recursive: true });
};

const V1_MOUNTS = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
];
const V1_OWN = ['9:name=systemd:/', '8:pids:/', '4:memory:/system.slice/catwalk.service', '1:cpu,cpuacct:/', '0::/'];

describe('cgroups: mountinfo and own-cgroup parsing', () => {
  it('reads mount points (octal escapes included), read-only flags, types and controllers', () => {
    const [mount, ro] = parseMountinfo('32 31 0:29 / /sys/fs/cgroup/my\\040dir rw,relatime shared:9 master:2 - cgroup cgroup rw,cpu,cpuacct\n33 31 0:30 /sub /x ro - cgroup2 cgroup2 rw\n');
    expect(mount).to.deep.equal({ root: '/', point: '/sys/fs/cgroup/my dir', readOnly: false, type: 'cgroup', superOptions: ['rw', 'cpu', 'cpuacct'] });
    expect(ro).to.include({ root: '/sub', point: '/x', readOnly: true, type: 'cgroup2' });
  });

  it('reads the v2 path and each v1 controller path of /proc/self/cgroup', () => {
    const own = parseOwnCgroups(V1_OWN.join('\n'));
    expect(own.v2).to.equal('/');
    expect(own.v1.get('memory')).to.equal('/system.slice/catwalk.service');
    expect(own.v1.get('cpuacct')).to.equal('/');
    expect(own.v1.get('name=systemd')).to.equal('/');
  });
});

describe('cgroups: a fake v1 hierarchy', () => {
  let root: string;
  let memoryBase: string;
  beforeEach(() => {
    root = fakeRoot(V1_MOUNTS, V1_OWN);
    memoryBase = join(root, 'sys/fs/cgroup/memory/system.slice/catwalk.service');
    // What the kernel shows in a new group of each controller.
    put(join(root, 'sys/fs/cgroup/pids/catwalk/pids.max'), 'max');
    put(join(memoryBase, 'catwalk/memory.limit_in_bytes'), '9223372036854771712');
    put(join(root, 'sys/fs/cgroup/cpu,cpuacct/catwalk/cpu.cfs_quota_us'), '-1');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds pids, memory and cpu, each nested under this process\'s own cgroup of that hierarchy', () => {
    const limiter = CgroupLimiter.detect({ root });
    expect(limiter.describe()).to.equal('cgroup v1: pids, memory, cpu');
    expect(limiter.placements).to.deep.equal([
      { controller: 'pids', version: 1, parent: join(root, 'sys/fs/cgroup/pids/catwalk') },
      { controller: 'memory', version: 1, parent: join(memoryBase, 'catwalk') },
      { controller: 'cpu', version: 1, parent: join(root, 'sys/fs/cgroup/cpu,cpuacct/catwalk') },
    ]);
  });

  it('writes the process count, the memory of the whole jail (memsw too when present) and the CPU rate', () => {
    const limiter = CgroupLimiter.detect({ root });
    put(join(memoryBase, 'catwalk/dep-1/memory.memsw.limit_in_bytes'), '9223372036854771712');
    const group = limiter.create('dep-1', { maxProcesses: 16, memoryBytes: 256 * 1024 * 1024, cpus: 0.5 })!;
    const [pids, memory, cpu] = group.dirs;
    expect(group.dirs).to.have.length(3);
    expect(read(join(pids!, 'pids.max'))).to.equal('16');
    expect(read(join(memory!, 'memory.limit_in_bytes'))).to.equal(String(256 * 1024 * 1024));
    expect(read(join(memory!, 'memory.memsw.limit_in_bytes'))).to.equal(String(256 * 1024 * 1024));
    expect(read(join(cpu!, 'cpu.cfs_period_us'))).to.equal('100000');
    expect(read(join(cpu!, 'cpu.cfs_quota_us'))).to.equal('50000');
  });

  it('writes unset limits as unlimited, and no memsw file where the kernel has none', () => {
    const group = CgroupLimiter.detect({ root }).create('dep-2', {})!;
    const [pids, memory, cpu] = group.dirs;
    expect(read(join(pids!, 'pids.max'))).to.equal('max');
    expect(read(join(memory!, 'memory.limit_in_bytes'))).to.equal('-1');
    expect(existsSync(join(memory!, 'memory.memsw.limit_in_bytes'))).to.equal(false);
    expect(read(join(cpu!, 'cpu.cfs_quota_us'))).to.equal('-1');
  });

  it('uses only the controllers whose hierarchy is there (memory alone), and says so', () => {
    const only = fakeRoot([V1_MOUNTS[2]!], ['4:memory:/']);
    try {
      put(join(only, 'sys/fs/cgroup/memory/catwalk/memory.limit_in_bytes'), '0');
      const limiter = CgroupLimiter.detect({ root: only });
      expect(limiter.describe()).to.equal('cgroup v1: memory');
      expect(limiter.holds('pids')).to.equal(false);
      expect(limiter.create('d', { maxProcesses: 16 })!.dirs).to.deep.equal([join(only, 'sys/fs/cgroup/memory/catwalk/d')]);
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });

  it('ignores read-only mounts and a controller whose new group shows no files', () => {
    const ro = fakeRoot(['39 31 0:36 / /sys/fs/cgroup/pids ro,relatime - cgroup cgroup rw,pids', '35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory'], ['8:pids:/', '4:memory:/']);
    try {
      const detection = detectCgroups({ root: ro });
      expect(detection.placements).to.deep.equal([]);
      expect(detection.notes.join()).to.contain('memory');
      // The probe group it created to look is gone again.
      expect(existsSync(join(ro, 'sys/fs/cgroup/memory/catwalk'))).to.equal(false);
      expect(CgroupLimiter.detect({ root: ro }).create('d', { maxProcesses: 1 })).to.equal(undefined);
    } finally {
      rmSync(ro, { recursive: true, force: true });
    }
  });

  it('attaches a process and the children it already has to every group', async () => {
    const group = CgroupLimiter.detect({ root }).create('dep-3', { maxProcesses: 16 })!;
    const child = spawn('/bin/sh', ['-c', '/bin/sleep 5 & /bin/sleep 5 & wait'], { stdio: 'ignore', detached: true });
    try {
      await waitFor(() => descendantsOf(child.pid!).length === 2);
      group.attach(child.pid!);
      const expected = [child.pid!, ...descendantsOf(child.pid!)].sort();
      for (const dir of group.dirs) expect(read(join(dir, 'cgroup.procs')).split('\n').map(Number).sort()).to.deep.equal(expected);
      expect(group.pids().sort()).to.deep.equal(expected);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });

  it('fails attach with orchestrator_failed when a group refuses the pid', () => {
    const group = CgroupLimiter.detect({ root }).create('dep-4', {})!;
    mkdirSync(join(group.dirs[0]!, 'cgroup.procs')); // writing to it now fails (EISDIR)
    const error = catching(() => group.attach(process.pid));
    expect(isCatwalkError(error) && error.code).to.equal('orchestrator_failed');
  });

  it('fails create with orchestrator_failed when a group cannot be made', () => {
    const limiter = CgroupLimiter.detect({ root });
    writeFileSync(join(root, 'sys/fs/cgroup/pids/catwalk/dep-5'), 'a file in the way');
    const error = catching(() => limiter.create('dep-5', {}));
    expect(isCatwalkError(error) && error.code).to.equal('orchestrator_failed');
  });

  it('release kills what is left in a group, removes it, and the parent only with the last deployment', async () => {
    const killed: number[] = [];
    let procsFile = '';
    // The fake "kernel": a killed process leaves the group.
    const limiter = CgroupLimiter.detect({ root, removeDir, kill: (pid) => (killed.push(pid), writeFileSync(procsFile, '')) });
    const first = limiter.create('dep-a', {})!;
    const second = limiter.create('dep-b', {})!;
    procsFile = join(first.dirs[0]!, 'cgroup.procs');
    writeFileSync(procsFile, '4242\n'); // a process that outlived the process-group kill
    await first.release();
    expect(killed).to.deep.equal([4242]);
    for (const dir of first.dirs) expect(existsSync(dir), dir).to.equal(false);
    for (const dir of second.dirs) expect(existsSync(dir), dir).to.equal(true);
    for (const placement of limiter.placements) expect(existsSync(placement.parent), placement.parent).to.equal(true);
    await second.release();
    for (const placement of limiter.placements) expect(existsSync(placement.parent), placement.parent).to.equal(false);
  });

  it('release gives up with orchestrator_failed when a group stays populated', async () => {
    const group = CgroupLimiter.detect({ root, removeDir, kill: () => undefined }).create('dep-c', {})!;
    writeFileSync(join(group.dirs[0]!, 'cgroup.procs'), '4343\n');
    const error = await group.release().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCatwalkError(error) && error.code).to.equal('orchestrator_failed');
  });
});

describe('cgroups: a fake v2 hierarchy', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A cgroup2 mount at /sys/fs/cgroup; `enabled` lists the directories whose subtree_control has the controllers. */
  function v2(own: string, enabled: string[]): string {
    root = fakeRoot(['30 23 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate'], [`0::${own}`]);
    const base = join(root, 'sys/fs/cgroup');
    put(join(base, own, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc');
    put(join(base, own, 'cgroup.subtree_control'), '');
    for (const dir of enabled) {
      put(join(base, dir, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc');
      put(join(base, dir, 'cgroup.subtree_control'), 'cpu memory pids');
    }
    return base;
  }

  it('uses the root cgroup when this process is there, and writes pids.max, memory.max, swap off and cpu.max', () => {
    const base = v2('/', ['/', '/catwalk']);
    const limiter = CgroupLimiter.detect({ root });
    expect(limiter.describe()).to.equal('cgroup v2: pids, memory, cpu');
    put(join(base, 'catwalk/dep-1/memory.swap.max'), 'max');
    const group = limiter.create('dep-1', { maxProcesses: 32, memoryBytes: 512 * 1024 * 1024, cpus: 2 })!;
    expect(group.dirs).to.deep.equal([join(base, 'catwalk/dep-1')]);
    expect(read(join(base, 'catwalk/dep-1/pids.max'))).to.equal('32');
    expect(read(join(base, 'catwalk/dep-1/memory.max'))).to.equal(String(512 * 1024 * 1024));
    expect(read(join(base, 'catwalk/dep-1/memory.swap.max'))).to.equal('0');
    expect(read(join(base, 'catwalk/dep-1/cpu.max'))).to.equal('200000 100000');
    const unlimited = limiter.create('dep-2', {})!;
    expect(read(join(unlimited.dirs[0]!, 'cpu.max'))).to.equal('max 100000');
    expect(read(join(unlimited.dirs[0]!, 'memory.max'))).to.equal('max');
  });

  it('with DelegateSubgroup= (own cgroup holds processes) uses the delegated parent', () => {
    const base = v2('/system.slice/catwalk.service/supervisor', ['/system.slice/catwalk.service', '/system.slice/catwalk.service/catwalk']);
    const limiter = CgroupLimiter.detect({ root });
    expect(limiter.placements.map((p) => p.parent)).to.deep.equal(Array(3).fill(join(base, 'system.slice/catwalk.service/catwalk')));
  });

  it('never climbs out of a systemd unit: a service whose own cgroup holds processes gets no v2 groups', () => {
    v2('/system.slice/catwalk.service', ['/system.slice', '/system.slice/catwalk']);
    const limiter = CgroupLimiter.detect({ root });
    expect(limiter.describe()).to.equal('none');
    expect(limiter.create('d', { maxProcesses: 16 })).to.equal(undefined);
  });

  it('on a hybrid machine (cgroup2 without controllers) falls back to the v1 hierarchies', () => {
    root = fakeRoot(V1_MOUNTS, V1_OWN);
    put(join(root, 'sys/fs/cgroup/unified/cgroup.controllers'), '');
    put(join(root, 'sys/fs/cgroup/pids/catwalk/pids.max'), 'max');
    expect(CgroupLimiter.detect({ root }).describe()).to.equal('cgroup v1: pids');
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
