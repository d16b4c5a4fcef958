import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildScheduling } from '../../src/bridge/scheduling.js';
import { SYSTEM_SEARCH_PATH, findExecutable } from '../../src/bridge/launch.js';
import type { LaunchCommand } from '../../src/bridge/stdioChild.js';
import { SCHED_BATCH, SCHED_NORMAL } from '../orchestrator/processTable.js';

const PRINT_POLICY = "const s=require('fs').readFileSync('/proc/self/stat','utf8');process.stdout.write(s.slice(s.lastIndexOf(')')+2).split(' ')[38])";

/** Runs a launch the way StdioChild spawns it and answers what the program printed. */
function run(launch: LaunchCommand): string {
  const result = spawnSync(launch.command, [...launch.args], { env: { ...launch.env }, encoding: 'utf8' });
  expect(result.status, result.stderr).to.equal(0);
  return result.stdout;
}

const LAUNCH: LaunchCommand = { command: process.execPath, args: ['-e', PRINT_POLICY], env: { PATH: '/usr/bin:/bin' }, cwd: '/' };

describe('ChildScheduling (MCP servers under SCHED_BATCH)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'catwalk-sched-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const chrt = findExecutable('chrt', SYSTEM_SEARCH_PATH);

  it('runs the program under chrt --batch 0: the server itself reports SCHED_BATCH, env and cwd unchanged', async function () {
    if (chrt === undefined) this.skip(); // .ci/run installs util-linux; a machine without chrt is covered below
    expect(Number(run(LAUNCH))).to.equal(SCHED_NORMAL);
    const onSpawn = (): void => undefined;
    const launch = await new ChildScheduling('batch').apply({ ...LAUNCH, onSpawn });
    expect(launch).to.deep.include({ command: chrt, args: ['--batch', '0', process.execPath, '-e', PRINT_POLICY], env: LAUNCH.env, cwd: '/' });
    expect(launch.onSpawn).to.equal(onSpawn);
    expect(Number(run(launch))).to.equal(SCHED_BATCH);
  });

  it('keeps a program whose name starts with a dash an operand of chrt, never an option', async function () {
    if (chrt === undefined) this.skip();
    const odd = join(dir, '-v');
    writeFileSync(odd, `#!${process.execPath}\n${PRINT_POLICY}\n`);
    chmodSync(odd, 0o755);
    // A bare name, found on PATH by chrt's exec: the argv item after the priority is `-v` itself.
    const launch = await new ChildScheduling('batch').apply({ ...LAUNCH, command: '-v', args: [], env: { PATH: dir } });
    expect(launch.args).to.deep.equal(['--batch', '0', '-v']);
    expect(run(launch)).to.equal(String(SCHED_BATCH));
  });

  it('leaves the launch as it is for normal, without looking for chrt', async () => {
    const told: string[] = [];
    const scheduling = new ChildScheduling('normal', { chrtPath: join(dir, 'missing'), onUnavailable: (r) => told.push(r) });
    expect(await scheduling.apply(LAUNCH)).to.equal(LAUNCH);
    expect(told).to.deep.equal([]);
  });

  it('falls back to normal and says why once when chrt is missing', async () => {
    const told: string[] = [];
    const scheduling = new ChildScheduling('batch', { chrtPath: null, onUnavailable: (r) => told.push(r) });
    expect(await scheduling.apply(LAUNCH)).to.equal(LAUNCH);
    expect(await scheduling.apply(LAUNCH)).to.equal(LAUNCH);
    expect(told).to.deep.equal(['chrt (util-linux) is not installed; MCP servers run with the normal scheduling policy']);
  });

  it('falls back to normal when chrt cannot set the policy here (a refusing seccomp profile, say)', async () => {
    const refusing = join(dir, 'chrt');
    writeFileSync(refusing, "#!/bin/sh\necho \"chrt: failed to set pid 0's policy: Operation not permitted\" >&2\nexit 1\n");
    chmodSync(refusing, 0o755);
    const told: string[] = [];
    const scheduling = new ChildScheduling('batch', { chrtPath: refusing, onUnavailable: (r) => told.push(r) });
    expect(await scheduling.apply(LAUNCH)).to.equal(LAUNCH);
    expect(told).to.deep.equal(["chrt --batch failed: chrt: failed to set pid 0's policy: Operation not permitted; MCP servers run with the normal scheduling policy"]);
  });
});
