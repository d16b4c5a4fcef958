import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { JAIL_PROBE_PATHS, makeHome, startProbe, type JailedProbe } from './support.js';

/** Runs a jailed `node -e <script>`; resolves to its exit code and output (no shell: argv only). */
async function runNode(sandbox: BubblewrapSandbox, id: string, script: string, limits = {}): Promise<{ code: number | null; stdout: string }> {
  const launch = await sandbox.wrap({ argv: [process.execPath, '-e', script], env: {}, cwd: '/', deploymentId: id, network: 'shared', limits, readOnlyPaths: JAIL_PROBE_PATHS });
  const [command, ...args] = launch.argv;
  return new Promise((resolve) => {
    execFile(command!, args, { env: { ...launch.env }, cwd: launch.cwd, timeout: 20_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout });
    });
  });
}

describe('BubblewrapSandbox (real bwrap, jail-probe fixture)', function () {
  this.timeout(30_000);
  let home: string;
  let sandbox: BubblewrapSandbox;
  let a: JailedProbe;
  let b: JailedProbe;

  before(async () => {
    home = makeHome();
    sandbox = new BubblewrapSandbox({ home });
    process.env.CATWALK_JAIL_TEST_CONTROL_PLANE_SECRET = 'control-plane-only';
    [a, b] = await Promise.all([startProbe(sandbox, 'dep-a', { SECRET_A: 'alpha-secret' }), startProbe(sandbox, 'dep-b', { SECRET_B: 'bravo-secret' })]);
  });
  after(async () => {
    delete process.env.CATWALK_JAIL_TEST_CONTROL_PLANE_SECRET;
    await Promise.all([a?.close(), b?.close()]);
    rmSync(home, { recursive: true, force: true });
  });

  it('probes successfully (a trivial jailed command)', async () => {
    expect(await sandbox.probe()).to.deep.equal({ ok: true });
    // The probe cleans its scratch deployment directory up.
    expect(readDirNames(join(home, 'deployments')).filter((n) => n.startsWith('probe-'))).to.deep.equal([]);
  });

  it('cannot read the key file or the database files of CATWALK_HOME', async () => {
    for (const path of [join(home, 'secret.key'), join(home, 'data', 'PG_VERSION')]) {
      const attempt = await a.call('read_file', { path });
      expect(attempt.ok, path).to.equal(false);
    }
    expect((await a.call('list_dir', { path: home })).ok).to.equal(false);
  });

  it('sees only its own processes in /proc and cannot read another deployment\'s environ', async () => {
    const pids = ((await a.call('list_dir', { path: '/proc' })).value as string[]).filter((n) => /^\d+$/.test(n));
    expect(pids.length).to.be.lessThan(5);
    expect(pids).to.not.include(String(b.pid));
    expect(pids).to.not.include(String(process.pid));
    const environ = await a.call('read_file', { path: `/proc/${b.pid}/environ` });
    expect(environ.ok).to.equal(false);
    // Sanity: the host really has that process and its environment holds B's secret.
    expect(readFileSync(`/proc/${b.pid}/environ`, 'utf8')).to.contain('SECRET_B=bravo-secret');
  });

  it("cannot see the control plane's environment", async () => {
    expect((await a.call('read_file', { path: `/proc/${process.pid}/environ` })).ok).to.equal(false);
    const env = (await a.call('env')).value as Record<string, string>;
    expect(env.SECRET_A).to.equal('alpha-secret');
    expect(env).to.not.have.property('SECRET_B');
    expect(env).to.not.have.property('CATWALK_JAIL_TEST_CONTROL_PLANE_SECRET');
    expect(JSON.stringify(env)).to.not.contain('bravo-secret');
    expect(env.HOME).to.equal('/home/mcp');
  });

  it("cannot signal the control plane's pid", async () => {
    const attempt = await a.call('kill', { pid: process.pid, signal: 'SIGCONT' });
    expect(attempt).to.deep.equal({ ok: false, code: 'ESRCH' });
    expect((await a.call('kill', { pid: b.pid, signal: 'SIGCONT' })).ok).to.equal(false);
  });

  it('cannot write outside its own directories, and can write and read its own files', async () => {
    for (const path of [join(home, 'planted'), '/etc/planted', '/usr/planted', '/planted', '/dev/planted', join(JAIL_PROBE_PATHS[0]!, 'planted')]) {
      expect((await a.call('write_file', { path, text: 'x' })).ok, path).to.equal(false);
    }
    expect(existsSync(join(home, 'planted'))).to.equal(false);
    expect((await a.call('write_file', { path: '/home/mcp/notes.txt', text: 'mine' })).ok).to.equal(true);
    expect(await a.call('read_file', { path: '/home/mcp/notes.txt' })).to.deep.equal({ ok: true, value: 'mine' });
    expect((await a.call('write_file', { path: '/tmp/scratch', text: 'tmp' })).ok).to.equal(true);
    // The file lives in the deployment's directory on the host…
    expect(readFileSync(join(home, 'deployments', 'dep-a', 'home', 'notes.txt'), 'utf8')).to.equal('mine');
    // …and the other deployment sees neither it nor A's directory.
    expect((await b.call('read_file', { path: '/home/mcp/notes.txt' })).ok).to.equal(false);
    expect((await b.call('read_file', { path: join(home, 'deployments', 'dep-a', 'home', 'notes.txt') })).ok).to.equal(false);
    expect((await b.call('read_file', { path: '/tmp/scratch' })).ok).to.equal(false);
  });

  it('hides /etc secrets even from a control plane running as root', async () => {
    expect((await a.call('read_file', { path: '/etc/shadow' })).ok).to.equal(false);
    expect((await a.call('read_file', { path: '/etc/hostname' })).ok || !existsSync('/etc/hostname')).to.equal(true);
  });

  it('runs each jail as its own uid and hostname, in its own PID namespace', async () => {
    const who = (await a.call('whoami')).value as { pid: number; uid: number; hostname: string; cwd: string };
    expect(who.pid).to.be.lessThan(10);
    expect(who.uid).to.equal(1000);
    expect(who.hostname).to.equal('mcp');
    expect(who.cwd).to.equal('/home/mcp');
  });

  it('sets the per-process rlimits inside the jail, and leaves the process count to the cgroup', async () => {
    const { stdout } = await runNode(sandbox, 'dep-rlimits', "process.stdout.write(require('node:fs').readFileSync('/proc/self/limits','utf8'))", { maxProcesses: 25 });
    expect(stdout).to.match(/Max core file size\s+0\s+0/);
    expect(stdout).to.match(/Max open files\s+4096\s+4096/);
    expect(stdout).to.match(new RegExp(`Max file size\\s+${1024 * 1024 * 1024}\\s+${1024 * 1024 * 1024}`));
    // RLIMIT_NPROC would count every process of the host user (control plane and all jails): not set.
    expect(stdout).to.not.match(/Max processes\s+25\s/);
  });

  it('bounds the memory of a process', async () => {
    const grow = "const a=[];for(let i=0;i<64;i++)a.push(Buffer.alloc(8*1024*1024,1));console.log('grew')";
    const small = await runNode(sandbox, 'dep-mem', grow, { memoryBytes: 2 * 1024 * 1024 * 1024 });
    expect(small.stdout.trim()).to.equal('grew');
    const limited = await runNode(sandbox, 'dep-mem', grow, { memoryBytes: 256 * 1024 * 1024 });
    expect(limited.code).to.not.equal(0);
    expect(limited.stdout).to.not.contain('grew');
  });

  it('cuts the network with network: none (loopback only)', async () => {
    const script = "console.log(JSON.stringify(Object.keys(require('node:os').networkInterfaces()).sort()))";
    const launch = await sandbox.wrap({ argv: [process.execPath, '-e', script], env: {}, cwd: '/', deploymentId: 'dep-net', network: 'none' });
    const [command, ...args] = launch.argv;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(command!, args, { env: { ...launch.env } }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    expect(JSON.parse(stdout)).to.deep.equal(['lo']);
  });

  it('refuses read-only paths that would expose CATWALK_HOME', async () => {
    for (const path of [home, join(home, 'deployments'), '/']) {
      const error = await sandbox.wrap({ argv: ['/bin/true'], env: {}, cwd: '/', deploymentId: 'dep-x', network: 'shared', readOnlyPaths: [path] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, path).to.have.property('code', 'orchestrator_failed');
    }
  });
});

function readDirNames(path: string): string[] {
  return existsSync(path) ? readdirSync(path) : [];
}
