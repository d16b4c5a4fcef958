import { spawn, type ChildProcess } from 'node:child_process';
import { isJsonRpcMessage, type JsonRpcMessage } from './jsonrpc.js';
import type { LogRing } from './logRing.js';

/** What to start: a program and its argv (never a shell string), environment and working directory. */
export interface LaunchCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /**
   * Called synchronously right after spawn with the child's pid (the sandbox puts it in its resource-limit group).
   * When it throws, the child's process group is killed and the failure reported like a spawn error.
   */
  readonly onSpawn?: (pid: number) => void;
}

/** The message channel to an MCP server, as the bridge sees it. */
export interface Upstream {
  send(message: JsonRpcMessage): void;
  /** A message from the server; `raw` is its exact serialised text when known (lets the bridge forward it as is). */
  onMessage: ((message: JsonRpcMessage, raw?: string) => void) | undefined;
  /**
   * Offered every line before it is parsed: true when the receiver routed it as a response as it is (then
   * `onMessage` is not called for it). Optional for upstreams that do not deal in lines.
   */
  onResponseLine?: ((text: string) => boolean) | undefined;
  onExit: ((info: { code: number | null; signal: NodeJS.Signals | null }) => void) | undefined;
}

/** Largest stdout line accepted from a child (a larger one is dropped, logged, and the stream resynchronised). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * An MCP server child process speaking newline-delimited JSON on stdio. It runs in its own process group
 * (`detached`) so that stopping it reaches its own children too (npx → node → server). Its stderr goes to a
 * masked ring buffer; stdout lines that are not JSON-RPC are logged there as well, never forwarded.
 */
export class StdioChild implements Upstream {
  onMessage: ((message: JsonRpcMessage, raw?: string) => void) | undefined;
  onResponseLine: ((text: string) => boolean) | undefined;
  onExit: ((info: { code: number | null; signal: NodeJS.Signals | null }) => void) | undefined;
  readonly process: ChildProcess;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private exited = false;

  constructor(launch: LaunchCommand, private readonly log: LogRing) {
    this.process = spawn(launch.command, [...launch.args], {
      env: { ...launch.env },
      ...(launch.cwd === undefined ? {} : { cwd: launch.cwd }),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    this.process.stdout!.on('data', (chunk: Buffer) => this.onStdout(chunk));
    this.process.stderr!.setEncoding('utf8');
    this.process.stderr!.on('data', (chunk: string) => this.log.pushChunk('stderr', chunk));
    // A child that dies while we write gets EPIPE: the exit handler reports it, the write error is noise.
    this.process.stdin!.on('error', () => undefined);
    this.process.on('error', (error: NodeJS.ErrnoException) => {
      this.log.push('system', `could not start the server: ${error.code ?? error.message}`);
      this.finish(null, null);
    });
    this.process.on('exit', (code, signal) => this.finish(code, signal));
    if (launch.onSpawn !== undefined && this.process.pid !== undefined) {
      try {
        launch.onSpawn(this.process.pid);
      } catch (error) {
        // Fail closed: a child that could not be confined must not run. Reported on the next tick, once the
        // owner (the supervisor) listens, the way spawn errors arrive.
        this.signal('SIGKILL');
        const failure = new Error(error instanceof Error ? error.message : String(error), { cause: error });
        process.nextTick(() => this.process.emit('error', failure));
      }
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  send(message: JsonRpcMessage): void {
    if (this.exited) return;
    this.process.stdin!.write(JSON.stringify(message) + '\n');
  }

  /** Signals the whole process group (falls back to the child alone). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.process.pid;
    if (pid === undefined || this.exited) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        this.process.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    this.log.push('system', `server exited (${signal ?? `code ${String(code)}`})`);
    this.onExit?.({ code, signal });
  }

  private onStdout(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(10);
    while (nl !== -1) {
      let line: string;
      if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.pending).toString('utf8');
        this.pending = [];
        this.pendingBytes = 0;
      } else line = chunk.toString('utf8', start, nl); // the common case: decode in place, no view object
      this.onLine(line);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        this.log.push('system', `dropped a stdout line longer than ${MAX_LINE_BYTES} bytes`);
        this.pending = [];
        this.pendingBytes = 0;
      }
    }
  }

  private onLine(text: string): void {
    if (text.length === 0 || text === '\r') return;
    if (this.onResponseLine?.(text) === true) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.log.push('stdout', text);
      return;
    }
    if (isJsonRpcMessage(parsed)) this.onMessage?.(parsed, text);
    else this.log.push('stdout', text);
  }
}
