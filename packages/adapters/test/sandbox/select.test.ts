import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { CreateUser, SandboxToken, UNSANDBOXED_MULTIUSER_MESSAGE, isCatwalkError, loadConfig, type CatwalkError } from '@catwalk/core';
import { FakeClock, InMemoryStore, InMemoryUserRepository, RecordingLogger, SequentialIds } from '@catwalk/core/testing';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { NoSandbox } from '../../src/sandbox/none.js';
import { CgroupLimiter, RLIMITS_ONLY_WARNING, UNSANDBOXED_WARNING, multiuserPolicyOf, sandboxModule, selectSandbox } from '../../src/sandbox/index.js';

describe('selectSandbox', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'catwalk-select-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('defaults to bubblewrap when its probe works, and says once which per-deployment limits hold', async () => {
    const logger = new RecordingLogger();
    // A group name of its own, so that the probe's group cannot collide with anything (it removes it again).
    const cgroups = CgroupLimiter.detect({ groupName: `catwalk-select-${process.pid}` });
    const sandbox = await selectSandbox(loadConfig({ CATWALK_HOME: home }), logger, { cgroups });
    expect(sandbox).to.be.instanceOf(BubblewrapSandbox);
    expect(sandbox.confined).to.equal(true);
    for (const placement of cgroups.placements) expect(existsSync(placement.parent), placement.parent).to.equal(false);
    const messages = logger.entries.map((e) => e.message);
    if (cgroups.controllers.length === 3) {
      expect(messages).to.include(`per-deployment resource limits: ${cgroups.describe()}`);
      expect(logger.entries.some((e) => e.level === 'warn')).to.equal(false);
    } else if (cgroups.controllers.length === 0) expect(messages).to.include(RLIMITS_ONLY_WARNING);
  });

  it('warns that only per-process rlimits hold when there is no writable cgroup hierarchy', async () => {
    const logger = new RecordingLogger();
    await selectSandbox(loadConfig({ CATWALK_HOME: home }), logger, { cgroups: null });
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).to.deep.equal([RLIMITS_ONLY_WARNING]);
    await selectSandbox(loadConfig({ CATWALK_HOME: home }), logger, { cgroups: new CgroupLimiter([]) });
    expect(logger.entries.filter((e) => e.level === 'warn')).to.have.length(2);
  });

  it('fails start-up (closed) when the detected hierarchy cannot hold a group', async () => {
    writeFileSync(join(home, 'a-file'), '');
    const broken = new CgroupLimiter([{ controller: 'pids', version: 1, parent: join(home, 'a-file', 'catwalk') }]);
    const failure = await selectSandbox(loadConfig({ CATWALK_HOME: home }), new RecordingLogger(), { cgroups: broken }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).to.have.property('code', 'invalid_config');
    expect((failure as Error).message).to.contain('resource limits (cgroup)');
  });

  it('warns about a configured CPU cap that no cpu controller enforces', async function () {
    const logger = new RecordingLogger();
    const real = CgroupLimiter.detect({ groupName: `catwalk-select-cpu-${process.pid}` });
    if (!real.holds('pids')) this.skip();
    const withoutCpu = new CgroupLimiter(real.placements.filter((p) => p.controller !== 'cpu'));
    await selectSandbox(loadConfig({ CATWALK_HOME: home, CATWALK_SANDBOX_CPUS: '0.5' }), logger, { cgroups: withoutCpu });
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message).join()).to.contain('CATWALK_SANDBOX_CPUS has no effect');
  });

  it('hands the configured limits to the jail: rlimits in its argv, the jail-wide ones to its cgroup', async () => {
    const cgroups = CgroupLimiter.detect({ groupName: `catwalk-select-limits-${process.pid}` });
    const config = loadConfig({ CATWALK_HOME: home, CATWALK_SANDBOX_MEMORY_MB: '300', CATWALK_SANDBOX_MAX_PROCESSES: '40', CATWALK_SANDBOX_CPUS: '1.5' });
    const sandbox = await selectSandbox(config, new RecordingLogger(), { cgroups });
    const launch = await sandbox.wrap({ argv: ['/bin/true'], env: {}, cwd: '/', deploymentId: 'd-limits', network: 'shared' });
    try {
      expect(launch.argv).to.include(`--data=${300 * 1024 * 1024}:${300 * 1024 * 1024}`);
      const pids = cgroups.placements.find((p) => p.controller === 'pids');
      if (pids !== undefined) expect(readFileSync(join(pids.parent, 'd-limits', 'pids.max'), 'utf8').trim()).to.equal('40');
      const cpu = cgroups.placements.find((p) => p.controller === 'cpu');
      if (cpu !== undefined && cpu.version === 1) expect(readFileSync(join(cpu.parent, 'd-limits', 'cpu.cfs_quota_us'), 'utf8').trim()).to.equal('150000');
    } finally {
      await launch.release?.();
    }
    for (const placement of cgroups.placements) expect(existsSync(placement.parent), placement.parent).to.equal(false);
  });

  for (const mode of ['auto', 'bubblewrap']) {
    it(`fails start-up with how to install or opt out when bwrap does not work (CATWALK_SANDBOX=${mode})`, async () => {
      const error = await selectSandbox(loadConfig({ CATWALK_HOME: home, CATWALK_SANDBOX: mode }), new RecordingLogger(), { bwrapPath: join(home, 'no-bwrap') }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isCatwalkError(error)).to.equal(true);
      const failure = error as CatwalkError;
      expect(failure.code).to.equal('invalid_config');
      expect(failure.message).to.contain('apt-get install bubblewrap');
      expect(failure.message).to.contain('CATWALK_SANDBOX=none');
      expect(failure.details).to.include({ variable: 'CATWALK_SANDBOX' });
    });
  }

  it('reports a probe whose jail cannot start (a bwrap that exits non-zero)', async () => {
    const error = await selectSandbox(loadConfig({ CATWALK_HOME: home }), new RecordingLogger(), { bwrapPath: '/bin/false' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.have.property('code', 'invalid_config');
  });

  it('runs unconfined only with CATWALK_SANDBOX=none, and logs a warning at start', async () => {
    const logger = new RecordingLogger();
    const sandbox = await selectSandbox(loadConfig({ CATWALK_HOME: home, CATWALK_SANDBOX: 'none' }), logger, { bwrapPath: join(home, 'no-bwrap') });
    expect(sandbox).to.be.instanceOf(NoSandbox);
    expect(sandbox.confined).to.equal(false);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings.map((w) => w.message)).to.deep.equal([UNSANDBOXED_WARNING]);
  });

  it('binds the chosen sandbox to the Sandbox port', async () => {
    const sandbox = new NoSandbox({ home });
    const container = new Container();
    container.load(sandboxModule({ sandbox }));
    expect(container.get(SandboxToken)).to.equal(sandbox);
  });

  it('the none sandbox passes the launch through and creates the private directories', async () => {
    const launch = await new NoSandbox({ home }).wrap({ argv: ['/usr/bin/node', 'x.js'], env: { A: '1' }, cwd: '/x', deploymentId: 'd1', network: 'none' });
    expect(launch).to.deep.equal({ argv: ['/usr/bin/node', 'x.js'], env: { A: '1' }, cwd: '/x' });
    expect(await new NoSandbox({ home }).probe()).to.deep.equal({ ok: true });
  });
});

describe('the multi-user rule while unconfined', () => {
  function createUser(policy: ReturnType<typeof multiuserPolicyOf>) {
    const users = new InMemoryUserRepository(new InMemoryStore());
    return { users, create: new CreateUser({ users, ids: new SequentialIds(), clock: new FakeClock(), multiuser: policy }) };
  }

  it('refuses a second user under CATWALK_SANDBOX=none', async () => {
    const config = loadConfig({ CATWALK_HOME: '/x', CATWALK_SANDBOX: 'none' });
    const { users, create } = createUser(multiuserPolicyOf(config, new NoSandbox({ home: '/x' })));
    await create.execute({ name: 'first' });
    const error = await create.execute({ name: 'second' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.have.property('code', 'forbidden');
    expect((error as Error).message).to.equal(UNSANDBOXED_MULTIUSER_MESSAGE);
    expect(await users.count()).to.equal(1);
  });

  it('allows it with CATWALK_ALLOW_UNSANDBOXED_MULTIUSER=1, with a sandbox, or on a remote orchestrator', async () => {
    const none = new NoSandbox({ home: '/x' });
    const cases = [
      multiuserPolicyOf(loadConfig({ CATWALK_HOME: '/x', CATWALK_SANDBOX: 'none', CATWALK_ALLOW_UNSANDBOXED_MULTIUSER: '1' }), none),
      multiuserPolicyOf(loadConfig({ CATWALK_HOME: '/x' }), new BubblewrapSandbox({ home: '/x' })),
      multiuserPolicyOf(loadConfig({ CATWALK_HOME: '/x', CATWALK_SANDBOX: 'none', CATWALK_ORCHESTRATOR: 'fly', FLY_API_TOKEN: 't' }), undefined),
    ];
    for (const policy of cases) {
      const { users, create } = createUser(policy);
      await create.execute({ name: 'first' });
      await create.execute({ name: 'second' });
      expect(await users.count()).to.equal(2);
    }
  });
});
