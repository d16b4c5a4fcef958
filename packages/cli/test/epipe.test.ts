import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { CLI_DIR, cliArgv } from './support/cliProcess.js';

describe('catwalk with a reader that stops early (`catwalk --help | head -1`)', function () {
  this.timeout(30_000);

  it('exits quietly with status 0 when its stdout is closed, no EPIPE stack trace', async () => {
    const argv = cliArgv('--help');
    const child = spawn(argv[0]!, argv.slice(1), { cwd: CLI_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // Like `head -1`: read the first chunk, then close the pipe while the help text is still being written.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).to.not.match(/EPIPE|Unhandled 'error' event/);
    expect(code).to.equal(0);
  });
});
