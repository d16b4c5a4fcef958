import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import { EXIT } from '../src/errors.js';
import { captureIo } from './support/captureIo.js';

describe('catwalk secrets rotate-key (in-process, embedded database)', function () {
  this.timeout(60_000);
  let home: string;
  const saved = { home: process.env['CATWALK_HOME'], level: process.env['CATWALK_LOG_LEVEL'] };

  before(() => {
    // The in-process commands read the configuration from the process environment, like `serve` and `migrate`.
    home = mkdtempSync(join(tmpdir(), 'catwalk-secrets-'));
    process.env['CATWALK_HOME'] = home;
    process.env['CATWALK_LOG_LEVEL'] = 'error';
  });
  after(() => {
    for (const [name, value] of [['CATWALK_HOME', saved.home], ['CATWALK_LOG_LEVEL', saved.level]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses a bad batch size before opening anything', async () => {
    const io = captureIo();
    expect(await runCli(['secrets', 'rotate-key', '--batch-size', '0'], io)).to.equal(EXIT.usage);
    expect(io.err()).to.contain('--batch-size must be a whole number from 1 to 1000.');
  });

  it('re-seals with the current key and reports what it did', async () => {
    const io = captureIo();
    const code = await runCli(['secrets', 'rotate-key', '--json'], io);
    expect(code, io.err()).to.equal(0);
    const result = JSON.parse(io.out()) as { keyId: string; resealed: number; batches: number; unreadable: string[] };
    expect(result.keyId).to.be.a('string').and.not.equal('');
    expect(result).to.deep.include({ resealed: 0, batches: 0, unreadable: [] });
  });
});
