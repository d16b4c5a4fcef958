import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isAlive, processesInGroup, waitUntil } from './processTable.js';

const SCRIPT = fileURLToPath(new URL('./controlPlaneProcess.ts', import.meta.url));

async function runControlPlane(mode: string, guard = 'guarded'): Promise<{ pids: number[]; exited: Promise<void>; kill(signal: NodeJS.Signals): void }> {
  const child = spawn(process.execPath, ['--conditions=@catwalk/source', '--import', 'tsx', SCRIPT, mode, guard], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('\n')) resolve(buffer.slice(0, buffer.indexOf('\n')));
    });
    child.once('exit', () => reject(new Error('control plane exited early')));
  });
  const { pids } = JSON.parse(line) as { pids: number[] };
  return { pids, exited, kill: (signal) => child.kill(signal) };
}

describe('LocalOrchestrator: no orphans when the control plane exits', function () {
  this.timeout(30_000);

  it('kills every MCP server process group on SIGTERM', async () => {
    const cp = await runControlPlane('wait');
    expect(cp.pids).to.have.length(2);
    for (const pid of cp.pids) expect(isAlive(pid)).to.equal(true);
    cp.kill('SIGTERM');
    await cp.exited;
    await waitUntil(() => cp.pids.every((pid) => processesInGroup(pid).length === 0), 5000);
  });

  it('(control) without the guard, servers that outlive stdin would be orphaned', async () => {
    const cp = await runControlPlane('wait', 'unguarded');
    cp.kill('SIGTERM');
    await cp.exited;
    await new Promise((r) => setTimeout(r, 200));
    const survivors = cp.pids.filter((pid) => isAlive(pid));
    for (const pid of survivors) process.kill(-pid, 'SIGKILL');
    expect(survivors).to.have.length(2);
  });

  it('kills them on process.exit()', async () => {
    const cp = await runControlPlane('exit');
    await cp.exited;
    await waitUntil(() => cp.pids.every((pid) => processesInGroup(pid).length === 0), 5000);
  });
});
