import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { GatewayResponse } from '../gateway.js';

/** Where a lane response goes: its connection. */
export interface LaneResponseSink {
  /** Writes bytes to the socket (a no-op once the socket is gone). */
  write(data: string): void;
  /** The response was sent in full; `close`: the connection ends now. */
  finished(response: LaneResponse, close: boolean): void;
  /** The `Keep-Alive` timeout advertised, in seconds. */
  readonly keepAliveSeconds: number;
}

/**
 * One HTTP/1.1 response written straight to the socket: the subset of `ServerResponse` the bridge and the gateway
 * use. The head is held until the first body bytes so that a JSON answer leaves in one write (one syscall): with
 * a Content-Length when the whole body comes with `end`, chunked when it is streamed (SSE).
 */
export class LaneResponse implements GatewayResponse {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  readonly #sink: LaneResponseSink;
  #close: boolean;
  /** The head, built but not written yet (without its final CRLF and framing header). */
  #head: string | undefined;
  #hasLength = false;
  #chunked = false;
  #gone = false;
  #closeListeners: (() => void)[] | undefined;

  /** `close`: the request asked for `Connection: close` (or the service is shutting down). */
  constructor(sink: LaneResponseSink, close: boolean) {
    this.#sink = sink;
    this.#close = close;
  }

  writeHead(status: number, headers?: Record<string, string | number>): this {
    if (this.headersSent) throw new Error('writeHead after the headers were sent');
    this.statusCode = status;
    this.headersSent = true;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    let connectionGiven = false;
    if (headers !== undefined) {
      for (const name in headers) {
        const value = headers[name]!;
        // What we write comes from our own code, but a CR or LF in it would split the response: refuse loudly.
        validateHeaderName(name);
        if (typeof value === 'string') validateHeaderValue(name, value); // a number cannot hold a CR or LF
        // Only the names the framing depends on are compared (and lower-cased: the rest never are).
        if (FRAMING_NAME_LENGTHS.has(name.length)) {
          const lower = name.toLowerCase();
          if (lower === 'content-length') this.#hasLength = true;
          else if (lower === 'transfer-encoding') throw new Error('the lane frames responses itself');
          else if (lower === 'connection') {
            connectionGiven = true;
            if (String(value).toLowerCase() === 'close') this.#close = true;
          }
        }
        head += `${name}: ${value}\r\n`;
      }
    }
    head += `date: ${httpDate()}\r\n`;
    if (!connectionGiven) head += this.#close ? 'connection: close\r\n' : `connection: keep-alive\r\nkeep-alive: timeout=${this.#sink.keepAliveSeconds}\r\n`;
    this.#head = head;
    return this;
  }

  /** Sends the head now (an SSE stream starts before its first event). */
  flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (this.#head !== undefined) this.#sink.write(this.#takeHead(false));
  }

  write(chunk: string): boolean {
    if (this.writableEnded || this.#gone) return false;
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (chunk.length === 0) {
      if (this.#head !== undefined) this.flushHeaders();
      return true;
    }
    const head = this.#head === undefined ? '' : this.#takeHead(false);
    this.#sink.write(head + this.#frame(chunk));
    return true;
  }

  end(chunk?: string): this {
    if (this.writableEnded) return this;
    this.writableEnded = true;
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (!this.#gone) {
      const body = chunk ?? '';
      if (this.#head !== undefined && !this.#hasLength) {
        // The whole body is known: a Content-Length instead of chunking.
        this.#head += `content-length: ${Buffer.byteLength(body)}\r\n`;
        this.#hasLength = true;
      }
      const head = this.#head === undefined ? '' : this.#takeHead(true);
      this.#sink.write(this.#chunked ? `${head}${body.length === 0 ? '' : this.#frame(body)}0\r\n\r\n` : head + body);
    }
    this.#emitClose();
    this.#sink.finished(this, this.#close);
    return this;
  }

  on(event: 'close', listener: () => void): this {
    if (event === 'close') (this.#closeListeners ??= []).push(listener);
    return this;
  }

  /** The socket closed before the answer was complete: later writes are dropped, listeners told. */
  socketGone(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#emitClose();
  }

  #takeHead(complete: boolean): string {
    let head = this.#head!;
    this.#head = undefined;
    if (!complete && !this.#hasLength) {
      this.#chunked = true;
      head += 'transfer-encoding: chunked\r\n';
    }
    return `${head}\r\n`;
  }

  #frame(chunk: string): string {
    return this.#chunked ? `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n` : chunk;
  }

  #emitClose(): void {
    const listeners = this.#closeListeners;
    this.#closeListeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }
}

/** Lengths of `content-length`, `connection` and `transfer-encoding`. */
const FRAMING_NAME_LENGTHS = new Set([14, 10, 17]);

let dateSecond = -1;
let dateText = '';

/** The `Date` header value (RFC 9110 §6.6.1), computed once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
