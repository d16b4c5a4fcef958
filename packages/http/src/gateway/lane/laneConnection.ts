import type { Socket } from 'node:net';
import { scanRequestHead } from './requestHead.js';
import type { LaneHead } from './requestHead.js';
import { LaneResponse } from './laneResponse.js';
import type { LaneResponseSink } from './laneResponse.js';

/** Limits of one lane connection (the same as node:http's for the service). */
export interface LaneLimits {
  /** Idle time before a kept-alive connection is closed. */
  readonly keepAliveTimeoutMs: number;
  /** Longest a request head may take to arrive (slow-loris defence). */
  readonly headersTimeoutMs: number;
  /** Largest request head, blank line included. */
  readonly maxHeadBytes: number;
}

/** What a connection needs from the lane that owns it. */
export interface LaneHost {
  readonly limits: LaneLimits;
  /** Whether the service is shutting down: answers then close their connection. */
  readonly closing: boolean;
  /** Largest body the lane reads; a larger declared one goes to node:http (which answers 413). */
  readonly maxBodyBytes: number;
  /** Serves one request; false (nothing written) when node:http must take the connection instead. */
  serve(head: LaneHead, body: Buffer, response: LaneResponse, ip: string): boolean | Promise<boolean>;
  /** Gives the socket to node:http, with the bytes read but not consumed (they are replayed first). */
  handOver(connection: LaneConnection, socket: Socket, unread: Buffer | undefined): void;
  /** The socket is gone. */
  closed(connection: LaneConnection): void;
}

/**
 * One client connection on the fast lane: reads request heads and bodies, serves them one at a time, in order
 * (a pipelined request waits for the answer before it), and keeps the connection alive between requests. The
 * first request it cannot serve sends the connection, with every unconsumed byte, to node:http for good.
 */
export class LaneConnection implements LaneResponseSink {
  readonly keepAliveSeconds: number;
  readonly #socket: Socket;
  readonly #host: LaneHost;
  readonly #ip: string;
  /** Bytes read and not yet consumed by a request (the next request starts at offset 0). */
  #unread: Buffer | undefined;
  /** The answer in progress; set while the gateway decides, too, so nothing else is read meanwhile. */
  #current: LaneResponse | undefined;
  /** When the first bytes of the next head arrived. */
  #headSince = 0;
  /** Handed over or closed: this object no longer owns the socket. */
  #done = false;

  constructor(socket: Socket, host: LaneHost) {
    this.#socket = socket;
    this.#host = host;
    this.#ip = socket.remoteAddress ?? 'unknown';
    this.keepAliveSeconds = Math.floor(host.limits.keepAliveTimeoutMs / 1000);
    socket.setNoDelay(true);
    socket.setTimeout(host.limits.keepAliveTimeoutMs);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('error', ignore);
    socket.on('timeout', this.#onTimeout);
  }

  /** Whether no request is in progress. */
  get idle(): boolean {
    return this.#current === undefined;
  }

  /** Closes the connection at once (shutdown; an idle connection, or after the drain timeout). */
  destroy(): void {
    this.#socket.destroy();
  }

  write(data: string): void {
    if (!this.#done) this.#socket.write(data);
  }

  finished(response: LaneResponse, close: boolean): void {
    if (response !== this.#current || this.#done) return;
    this.#current = undefined;
    if (close || this.#host.closing) {
      this.#done = true;
      this.#socket.end();
      return;
    }
    if (this.#socket.isPaused()) this.#socket.resume();
    if (this.#unread !== undefined) {
      this.#headSince = Date.now();
      // A pipelined request: served on the next tick, so a run of them answered at once cannot nest.
      process.nextTick(this.#pump);
    }
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#done) return;
    if (this.#unread === undefined) {
      this.#unread = chunk;
      if (this.#current === undefined) this.#headSince = Date.now();
    } else {
      this.#unread = Buffer.concat([this.#unread, chunk]);
    }
    if (this.#current === undefined) return this.#pump();
    // A client that keeps sending while its request is served: stop reading beyond one more request's worth.
    if (this.#unread.length > this.#host.limits.maxHeadBytes + this.#host.maxBodyBytes) this.#socket.pause();
  };

  readonly #pump = (): void => {
    while (!this.#done && this.#current === undefined && this.#unread !== undefined) {
      const unread = this.#unread;
      const head = scanRequestHead(unread, this.#host.limits.maxHeadBytes);
      if (head === 'foreign') return this.#handOver(undefined);
      if (head === 'incomplete') {
        if (Date.now() - this.#headSince > this.#host.limits.headersTimeoutMs) this.#socket.destroy();
        return;
      }
      if (head.contentLength > this.#host.maxBodyBytes) return this.#handOver(undefined);
      const end = head.headEnd + head.contentLength;
      if (unread.length < end) return; // the body is on its way (the idle timeout bounds a stalled one)
      // The request leaves the buffer before it is served: an answer written at once must not see it again.
      const request = unread.subarray(0, end);
      this.#unread = end < unread.length ? unread.subarray(end) : undefined;
      this.#serve(head, request);
    }
  };

  #serve(head: LaneHead, request: Buffer): void {
    const response = new LaneResponse(this, head.close || this.#host.closing);
    this.#current = response;
    const verdict = this.#host.serve(head, request.subarray(head.headEnd), response, this.#ip);
    if (verdict === true) return;
    if (verdict === false) return this.#handOver(request);
    verdict.then(
      (served) => {
        if (!served && !this.#done) this.#handOver(request);
      },
      () => {
        if (!this.#done) this.#handOver(request);
      },
    );
  }

  /** Gives the connection to node:http; `request`: a refused request, replayed before anything read after it. */
  #handOver(request: Buffer | undefined): void {
    this.#done = true;
    this.#current = undefined;
    const socket = this.#socket;
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('close', this.#onClose);
    socket.off('error', ignore);
    socket.off('timeout', this.#onTimeout);
    socket.setTimeout(0);
    const unread = request === undefined ? this.#unread : this.#unread === undefined ? request : Buffer.concat([request, this.#unread]);
    this.#unread = undefined;
    this.#host.handOver(this, socket, unread);
  }

  /** The client half-closed: as node:http does (without `httpAllowHalfOpen`), that means it left. */
  readonly #onEnd = (): void => {
    this.#socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#done = true;
    this.#unread = undefined;
    const current = this.#current;
    this.#current = undefined;
    current?.socketGone();
    this.#host.closed(this);
  };

  readonly #onTimeout = (): void => {
    // The idle timer stays armed (node re-arms it on every read and write, so toggling it per request would only
    // cost): while a request is served a timeout means nothing, since a tool call may take minutes and the
    // gateway's upstream timeout bounds it. Idle connections and heads that never complete are closed.
    if (this.#current === undefined) this.#socket.destroy();
  };
}

function ignore(): void {}
