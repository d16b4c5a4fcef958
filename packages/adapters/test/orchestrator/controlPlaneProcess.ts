// A stand-in control plane for the no-orphans test: deploys the fixture server, prints the child's pid, waits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalOrchestrator } from '../../src/orchestrator/local/localOrchestrator.js';
import { FIXTURE_SERVER } from '../bridge/helpers.js';

const orchestrator = new LocalOrchestrator({
  guardExit: process.argv[3] !== 'unguarded',
  home: mkdtempSync(join(tmpdir(), 'catwalk-orphans-')),
  preinstall: false,
  launcher: async () => ({ command: process.execPath, args: [FIXTURE_SERVER] }),
});
const pids: number[] = [];
for (const id of ['o1', 'o2']) {
  const handle = await orchestrator.deploy({ deploymentId: id, package: { runtime: 'npm', name: 'fixture', version: '1.0.0' }, args: [], env: { FIXTURE_STAY: '1' }, transport: 'stdio' });
  await orchestrator.waitUntilHealthy(handle.machineId, 10_000);
  pids.push(orchestrator.pidOf(handle.machineId)!);
}
process.stdout.write(JSON.stringify({ pids }) + '\n');
if (process.argv[2] === 'exit') setTimeout(() => process.exit(0), 50);
else setInterval(() => undefined, 1000);
