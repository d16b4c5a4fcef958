import type { OutputStream } from '../io.js';
import type { Style } from './style.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Step-by-step progress on stderr: on a terminal, the current step spins with its elapsed time and each step
 * ends as a ✓/✗ line; elsewhere (logs, CI, pipes) only the finished lines are printed, without escapes.
 */
export class StepProgress {
  readonly #stream: OutputStream;
  readonly #style: Style;
  readonly #now: () => number;
  readonly #started: number;
  #current: { name: string; since: number; detail: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;

  constructor(stream: OutputStream, style: Style, now: () => number = () => performance.now()) {
    this.#stream = stream;
    this.#style = style;
    this.#now = now;
    this.#started = now();
  }

  get #live(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Total time since the progress started. */
  get elapsedMs(): number {
    return this.#now() - this.#started;
  }

  /** Starts `name` (finishing nothing: call done/fail first). */
  start(name: string, detail = ''): void {
    if (this.#current?.name === name) this.#current.detail = detail;
    else this.#current = { name, since: this.#now(), detail };
    if (this.#live && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#render(), 80);
      this.#timer.unref();
    }
    this.#render();
  }

  /** Updates the current step's detail text. */
  note(detail: string): void {
    if (this.#current !== undefined) this.#current.detail = detail;
  }

  /** Whether `name` is the step in progress. */
  isCurrent(name: string): boolean {
    return this.#current?.name === name;
  }

  done(name: string, detail = ''): void {
    this.#finish(name, this.#style.green('✓'), detail);
  }

  fail(name: string, detail: string): void {
    this.#finish(name, this.#style.red('✗'), detail);
  }

  /** Stops the spinner (idempotent). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#live && this.#current !== undefined) this.#stream.write('\r\u001b[K');
  }

  #finish(name: string, mark: string, detail: string): void {
    const since = this.#current?.name === name ? this.#current.since : this.#now();
    const took = this.#style.dim(`(${seconds(this.#now() - since)})`);
    if (this.#live) this.#stream.write('\r\u001b[K');
    this.#stream.write(`${mark} ${name.padEnd(8)} ${took}${detail === '' ? '' : ` ${detail}`}\n`);
    if (this.#current?.name === name) this.#current = undefined;
    if (this.#current === undefined && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #render(): void {
    if (!this.#live || this.#current === undefined) return;
    const frame = FRAMES[this.#frame++ % FRAMES.length] ?? '-';
    const { name, since, detail } = this.#current;
    const text = `${this.#style.cyan(frame)} ${name.padEnd(8)} ${this.#style.dim(seconds(this.#now() - since))}${detail === '' ? '' : ` ${this.#style.dim(detail)}`}`;
    this.#stream.write(`\r\u001b[K${text}`);
  }
}
