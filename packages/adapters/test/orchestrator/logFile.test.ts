import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFile } from '../../src/orchestrator/local/logFile.js';

describe('LogFile (a deployment log on disk)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'catwalk-logfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const line = (i: number) => ({ at: new Date(1_800_000_000_000 + i), stream: 'stderr' as const, line: `line ${i} ${'x'.repeat(40)}` });

  it('keeps lines in order across rotation, within twice its size, private to the user', () => {
    const path = join(dir, 'server.log');
    const file = new LogFile(path, 4096);
    for (let i = 0; i < 500; i++) file.append(line(i));
    file.flush();
    expect(statSync(path).size).to.be.at.most(4096);
    expect(statSync(`${path}.1`).size).to.be.at.most(4096);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const tail = file.readTail(20);
    expect(tail.map((l) => l.line)).to.deep.equal(Array.from({ length: 20 }, (_, k) => line(480 + k).line));
    expect(tail[19]!.at.getTime()).to.equal(line(499).at.getTime());
    // More lines than both files hold: what is there, oldest first, ending with the newest.
    const all = new LogFile(path, 4096).readTail(10_000);
    expect(all.length).to.be.within(60, 200);
    expect(all.at(-1)!.line).to.equal(line(499).line);
  });

  it('reads what an earlier process wrote, skipping a torn last line and foreign text', () => {
    const path = join(dir, 'server.log');
    const first = new LogFile(path);
    first.append(line(1));
    first.append(line(2));
    first.flush();
    appendFileSync(path, 'not json\n{"at":"2027-01-01T00:00:00.000Z","stream":"stderr","line":"torn');
    const second = new LogFile(path);
    expect(second.readTail(10).map((l) => l.line)).to.deep.equal([line(1).line, line(2).line]);
    second.append(line(3));
    second.flush();
    expect(readFileSync(path, 'utf8')).to.include(line(3).line);
  });

  it('answers nothing, and creates nothing, for a deployment without a log', () => {
    const path = join(dir, 'missing', 'server.log');
    expect(new LogFile(path).readTail(10)).to.deep.equal([]);
    writeFileSync(join(dir, 'empty.log'), '');
    expect(new LogFile(join(dir, 'empty.log')).readTail(10)).to.deep.equal([]);
  });
});
