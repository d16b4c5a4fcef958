import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CreateUser, SandboxToken, loadConfig } from '@catwalk/core';
import type { Sandbox } from '@catwalk/core';
import { createFakePorts } from '@catwalk/core/testing';
import { LocalOrchestrator, createContainer } from '../../src/index.js';

/** Storage and system ports faked, the orchestrator left to the configuration (local). */
function overridesWithoutOrchestrator() {
  const { orchestrator: _ignored, ...ports } = createFakePorts();
  return ports;
}

describe('createContainer: sandbox wiring of the local orchestrator', function () {
  this.timeout(30_000);
  const homes: string[] = [];
  const home = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'catwalk-boot-'));
    homes.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of homes) rmSync(dir, { recursive: true, force: true });
  });

  it('binds the probed bubblewrap sandbox by default and lets a second user in', async () => {
    const config = loadConfig({ CATWALK_HOME: home(), CATWALK_LOG_LEVEL: 'silent' }, {});
    const catwalk = await createContainer(config, overridesWithoutOrchestrator());
    try {
      expect(catwalk.container.get<Sandbox>(SandboxToken).confined).to.equal(true);
      expect(catwalk.container.get(LocalOrchestrator)).to.be.instanceOf(LocalOrchestrator);
      const createUser = catwalk.container.get(CreateUser);
      await createUser.execute({ name: 'first' });
      await createUser.execute({ name: 'second' });
    } finally {
      await catwalk.close();
    }
  });

  it('with CATWALK_SANDBOX=none refuses a second user unless CATWALK_ALLOW_UNSANDBOXED_MULTIUSER=1', async () => {
    const config = loadConfig({ CATWALK_HOME: home(), CATWALK_LOG_LEVEL: 'silent', CATWALK_SANDBOX: 'none' }, {});
    const catwalk = await createContainer(config, overridesWithoutOrchestrator());
    try {
      expect(catwalk.container.get<Sandbox>(SandboxToken).confined).to.equal(false);
      const createUser = catwalk.container.get(CreateUser);
      await createUser.execute({ name: 'first' });
      let refused: unknown;
      try {
        await createUser.execute({ name: 'second' });
      } catch (error) {
        refused = error;
      }
      expect((refused as { code?: string }).code).to.equal('forbidden');
    } finally {
      await catwalk.close();
    }
    const allowed = loadConfig({ CATWALK_HOME: home(), CATWALK_LOG_LEVEL: 'silent', CATWALK_SANDBOX: 'none', CATWALK_ALLOW_UNSANDBOXED_MULTIUSER: '1' }, {});
    const open = await createContainer(allowed, overridesWithoutOrchestrator());
    try {
      await open.container.get(CreateUser).execute({ name: 'first' });
      await open.container.get(CreateUser).execute({ name: 'second' });
    } finally {
      await open.close();
    }
  });
});
