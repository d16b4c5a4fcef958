/**
 * What a command may touch of its process: streams, environment and the clock. Commands never reach for
 * `process` directly, so tests run them in-process against a fake API with captured output.
 */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on a terminal (colours, spinners and prompts only then). */
  readonly isTTY?: boolean | undefined;
}

/** An input stream that may be a terminal (raw mode lets prompts hide secrets). */
export interface InputStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean | undefined;
  setRawMode?(mode: boolean): unknown;
}

/** The process as the CLI sees it. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (for the default `$CATWALK_HOME`, `~/.catwalk`). */
  readonly homeDir: string;
  readonly cwd: string;
}

/** The real process. */
export function processIo(homeDir: string): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin as InputStream, env: process.env, homeDir, cwd: process.cwd() };
}
