import { userError } from '../errors.js';
import type { CliIo } from '../io.js';

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\u007f', '\b']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

/**
 * Asks questions on a terminal. Secrets are read in raw mode and never echoed (not even as stars, so their
 * length does not show); other answers are echoed as typed. Questions go to stderr, keeping stdout for results.
 * Characters typed ahead (a pasted block of answers) are kept for the next question.
 */
export class Prompter {
  #pending = '';

  constructor(private readonly io: Pick<CliIo, 'stdin' | 'stderr'>) {}

  /** Whether questions can be asked at all (stdin is a terminal). */
  get interactive(): boolean {
    return this.io.stdin.isTTY === true;
  }

  /** Asks one question; resolves with the answer (without the line end). Ctrl-C or end of input cancels. */
  ask(question: string, options: { secret?: boolean } = {}): Promise<string> {
    const { stdin, stderr } = this.io;
    const echo = options.secret !== true;
    const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
    // Raw mode goes on before the question shows, so an answer typed at once is never echoed by the terminal.
    if (raw) stdin.setRawMode?.(true);
    stderr.write(question);
    return new Promise<string>((resolve, reject) => {
      let value = '';
      const cleanup = (): void => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        if (raw) stdin.setRawMode?.(false);
        stdin.pause();
      };
      const consume = (text: string): boolean => {
        for (let i = 0; i < text.length; i++) {
          const char = text.charAt(i);
          if (ENTER.has(char)) {
            // A CRLF pair is one line end.
            const rest = char === '\r' && text.charAt(i + 1) === '\n' ? text.slice(i + 2) : text.slice(i + 1);
            this.#pending = rest;
            cleanup();
            stderr.write('\n');
            resolve(value);
            return true;
          }
          if (char === CTRL_C || (char === CTRL_D && value === '')) {
            cleanup();
            stderr.write('\n');
            reject(userError('Cancelled.', 'cancelled'));
            return true;
          }
          if (BACKSPACE.has(char)) {
            if (value.length > 0) {
              value = value.slice(0, -1);
              if (echo && raw) stderr.write('\b \b');
            }
            continue;
          }
          if (char >= ' ') {
            value += char;
            if (echo && raw) stderr.write(char);
          }
        }
        return false;
      };
      const onData = (chunk: Buffer | string): void => {
        consume(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      };
      const onEnd = (): void => {
        cleanup();
        reject(userError('Cancelled (end of input).', 'cancelled'));
      };
      const pending = this.#pending;
      this.#pending = '';
      if (consume(pending)) return;
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  }
}
