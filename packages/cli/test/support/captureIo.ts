import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo, InputStream } from '../../src/io.js';

/** A CliIo whose output is captured; not a terminal unless asked. */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  readonly input: PassThrough;
}

export function captureIo(env: Record<string, string | undefined> = {}, options: { tty?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  const input = new PassThrough();
  const home = mkdtempSync(join(tmpdir(), 'catwalk-cli-test-'));
  return {
    stdout: { write: (chunk: string) => (out += chunk), isTTY: options.tty === true },
    stderr: { write: (chunk: string) => (err += chunk), isTTY: options.tty === true },
    stdin: input as unknown as InputStream,
    env: { CATWALK_HOME: join(home, '.catwalk'), ...env },
    homeDir: home,
    cwd: home,
    out: () => out,
    err: () => err,
    input,
  };
}
