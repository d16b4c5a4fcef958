import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { childEnvironment, packageCommand } from '../../src/bridge/launch.js';
import { LogRing } from '../../src/bridge/logRing.js';
import { McpBridge } from '../../src/bridge/mcpBridge.js';
import { Supervisor, type SupervisorTimers } from '../../src/bridge/supervisor.js';

describe('launch: argv and environment', () => {
  it('runs npm packages as `npx -y -- name@version args…`: package args can never be npx options', () => {
    const cmd = packageCommand({ runtime: 'npm', name: '@scope/server', version: '1.2.3' }, ['--registry=https://evil', '-y', '/data'], {
      searchPath: dirname(process.execPath),
    });
    expect(cmd.command.endsWith('/npx')).to.equal(true);
    expect(cmd.args).to.deep.equal(['-y', '--', '@scope/server@1.2.3', '--registry=https://evil', '-y', '/data']);
  });

  it('runs python packages as `uvx --from name==version -- name args…`, and says how to install uv when missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catwalk-uvx-'));
    try {
      writeFileSync(join(dir, 'uvx'), '#!/bin/sh\n');
      chmodSync(join(dir, 'uvx'), 0o755);
      const cmd = packageCommand({ runtime: 'python', name: 'mcp-server-fetch', version: '2025.1.17' }, ['--ignore-robots-txt'], { searchPath: dir });
      expect(cmd).to.deep.equal({
        command: join(dir, 'uvx'),
        args: ['--from', 'mcp-server-fetch==2025.1.17', '--', 'mcp-server-fetch', '--ignore-robots-txt'],
        // A sandbox binds uvx's directory read-only into the jail.
        readOnlyPaths: [dir],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    let error: unknown;
    try {
      packageCommand({ runtime: 'python', name: 'mcp-server-fetch', version: '1.0.0' }, [], { searchPath: '/nonexistent' });
    } catch (e) {
      error = e;
    }
    expect(error).to.have.property('code', 'runtime_unavailable');
  });

  it('builds the child environment from the credentials and the minimal set only; reserved names are dropped', () => {
    const env = childEnvironment({ API_KEY: 'k', NODE_OPTIONS: '--require x', LD_PRELOAD: '/x.so', PATH: '/evil', npm_config_registry: 'https://evil' }, { home: '/h', tmp: '/t' });
    expect(Object.keys(env).sort()).to.deep.equal(['API_KEY', 'HOME', 'LANG', 'PATH', 'TMPDIR']);
    expect(env.HOME).to.equal('/h');
    expect(env.PATH).to.not.include('/evil');
  });
});

describe('Supervisor: restart policy (virtual timers)', () => {
  it('backs off 1 s, 2 s, 4 s … capped at 60 s, and fails after 5 crashes in 5 minutes', async () => {
    let now = 0;
    const delays: number[] = [];
    const pending: (() => void)[] = [];
    const timers: SupervisorTimers = {
      now: () => now,
      setTimeout: (fn, ms) => {
        delays.push(ms);
        pending.push(fn);
        return pending.length;
      },
      clearTimeout: () => undefined,
    };
    const logs = new LogRing();
    const bridge = new McpBridge();
    // A child that exits at once: `false` from the system.
    const supervisor = new Supervisor(bridge, { command: '/bin/false', args: [], env: {} }, logs, { maxDelayMs: 4000, maxCrashes: 5, crashWindowMs: 300_000 }, timers);
    supervisor.start();
    for (let i = 0; i < 4; i++) {
      await supervisor.waitFor(['starting']);
      await until(() => delays.length === i + 1);
      now += 1000;
      pending.shift()!();
    }
    await supervisor.waitFor(['failed']);
    expect(delays).to.deep.equal([1000, 2000, 4000, 4000]);
    expect(supervisor.detail).to.match(/kept crashing \(5 times/);
    bridge.close();
  });
});

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
