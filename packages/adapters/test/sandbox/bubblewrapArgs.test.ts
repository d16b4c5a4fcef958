import { expect } from 'chai';
import { bubblewrapArgv, JAIL_HOME, type JailPlan } from '../../src/sandbox/bubblewrapArgs.js';

function plan(overrides: Partial<JailPlan> = {}): JailPlan {
  return {
    bwrap: '/usr/bin/bwrap',
    prlimit: '/usr/bin/prlimit',
    system: [
      { kind: 'bind', path: '/usr' },
      { kind: 'symlink', path: '/bin', target: 'usr/bin' },
      { kind: 'bind', path: '/etc' },
    ],
    hiddenFiles: ['/etc/shadow'],
    hiddenDirs: ['/etc/ssl/private'],
    readOnly: [['/srv/pkgs/x@1.0.0', '/srv/pkgs/x@1.0.0']],
    homeDir: '/var/catwalk/deployments/d1/home',
    tmpDir: '/var/catwalk/deployments/d1/tmp',
    network: 'shared',
    limits: { maxProcesses: 64, memoryBytes: 512 * 1024 * 1024 },
    argv: ['/usr/bin/node', '/srv/pkgs/x@1.0.0/node_modules/x/index.js', '--', '$(rm -rf /)', 'a b'],
    ...overrides,
  };
}

/** Index of the pair `option value` (or -1). */
function pairAt(argv: readonly string[], ...items: string[]): number {
  for (let i = 0; i + items.length <= argv.length; i++) if (items.every((item, k) => argv[i + k] === item)) return i;
  return -1;
}

describe('bubblewrapArgv', () => {
  it('starts with prlimit, then bwrap, and ends with the untouched argv after --', () => {
    const argv = bubblewrapArgv(plan());
    expect(argv[0]).to.equal('/usr/bin/prlimit');
    expect(argv).to.include.members([`--data=${512 * 1024 * 1024}:${512 * 1024 * 1024}`, '--core=0:0']);
    expect(argv.some((a) => a.startsWith('--cpu='))).to.equal(false);
    // The process count is the jail's cgroup's job: RLIMIT_NPROC would count every process of the host user.
    expect(argv.some((a) => a.startsWith('--nproc'))).to.equal(false);
    const bwrapAt = argv.indexOf('/usr/bin/bwrap');
    expect(argv[bwrapAt - 1]).to.equal('--');
    // Arguments that look like options or shell code stay single argv items after bwrap's own `--`.
    expect(argv.slice(-6)).to.deep.equal(['--', '/usr/bin/node', '/srv/pkgs/x@1.0.0/node_modules/x/index.js', '--', '$(rm -rf /)', 'a b']);
  });

  it('unshares user, PID, IPC and UTS namespaces, dies with its parent, drops capabilities', () => {
    const argv = bubblewrapArgv(plan());
    for (const option of ['--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session']) {
      expect(argv).to.include(option);
    }
    expect(pairAt(argv, '--cap-drop', 'ALL')).to.be.greaterThan(-1);
    expect(argv).to.not.include('--unshare-net');
    expect(argv).to.not.include('--setenv');
  });

  it('cuts the network only for network: none', () => {
    expect(bubblewrapArgv(plan({ network: 'none' }))).to.include('--unshare-net');
  });

  it('binds the system read-only, hides secrets after it, and binds the private dirs last', () => {
    const argv = bubblewrapArgv(plan());
    const usr = pairAt(argv, '--ro-bind', '/usr', '/usr');
    const etc = pairAt(argv, '--ro-bind', '/etc', '/etc');
    const shadow = pairAt(argv, '--ro-bind', '/dev/null', '/etc/shadow');
    const ssl = pairAt(argv, '--tmpfs', '/etc/ssl/private');
    const home = pairAt(argv, '--bind', '/var/catwalk/deployments/d1/home', JAIL_HOME);
    const tmp = pairAt(argv, '--bind', '/var/catwalk/deployments/d1/tmp', '/tmp');
    expect(usr).to.be.greaterThan(-1);
    expect(pairAt(argv, '--symlink', 'usr/bin', '/bin')).to.be.greaterThan(-1);
    expect(shadow).to.be.greaterThan(etc);
    expect(ssl).to.be.greaterThan(etc);
    expect(home).to.be.greaterThan(shadow);
    expect(tmp).to.be.greaterThan(home);
    expect(pairAt(argv, '--ro-bind', '/srv/pkgs/x@1.0.0', '/srv/pkgs/x@1.0.0')).to.be.greaterThan(tmp);
    // The only writable binds are the deployment's own home and tmp.
    const writable = argv.flatMap((a, i) => (a === '--bind' ? [argv[i + 1]] : []));
    expect(writable).to.deep.equal(['/var/catwalk/deployments/d1/home', '/var/catwalk/deployments/d1/tmp']);
    expect(pairAt(argv, '--remount-ro', '/')).to.be.greaterThan(pairAt(argv, '--ro-bind', '/srv/pkgs/x@1.0.0', '/srv/pkgs/x@1.0.0'));
  });

  it('masks CATWALK_HOME before binding package directories into it', () => {
    const argv = bubblewrapArgv(plan({ maskHome: '/usr/local/catwalk', readOnly: [['/usr/local/catwalk/packages/x@1', '/usr/local/catwalk/packages/x@1']] }));
    const mask = pairAt(argv, '--tmpfs', '/usr/local/catwalk');
    expect(mask).to.be.greaterThan(pairAt(argv, '--ro-bind', '/usr', '/usr'));
    expect(pairAt(argv, '--ro-bind', '/usr/local/catwalk/packages/x@1', '/usr/local/catwalk/packages/x@1')).to.be.greaterThan(mask);
  });

  it('runs bwrap directly when no prlimit is available', () => {
    const argv = bubblewrapArgv(plan({ prlimit: undefined }));
    expect(argv[0]).to.equal('/usr/bin/bwrap');
    expect(argv.some((a) => a.startsWith('--core'))).to.equal(false);
  });
});
