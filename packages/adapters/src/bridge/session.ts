import type { JsonRpcMessage } from './jsonrpc.js';
import type { McpResponse } from './response.js';

/** One replayable SSE event of a session. */
interface ReplayEvent {
  readonly streamId: number;
  readonly seq: number;
  readonly data: string;
}

/** The protocol revision from which servers send an empty "priming" SSE event carrying an id (SEP-1699). */
const PRIMING_FROM_VERSION = '2025-11-25';

/**
 * Where the answers to one POST (or the standalone GET stream, id 0) go. A POST stream starts undecided: when
 * every answer is ready before anything else needs sending and the client accepts JSON, it is answered as one
 * `application/json` body (cheapest); as soon as a notification or server request must travel with it, it turns
 * into `text/event-stream`. SSE events get ids `<stream>_<seq>` and are kept in the session's bounded replay
 * buffer for `Last-Event-ID` resumption.
 */
export class OutStream {
  res: McpResponse | null;
  mode: 'pending' | 'json' | 'sse' | 'done' = 'pending';
  /** Responses still owed on this stream (0 for the GET stream, which never completes by itself). */
  awaiting: number;
  private collected: string[] | undefined;

  constructor(
    readonly id: number,
    readonly session: Session,
    res: McpResponse,
    readonly acceptsJson: boolean,
    readonly acceptsSse: boolean,
    readonly batch: boolean,
    awaiting: number,
  ) {
    this.res = res;
    this.awaiting = awaiting;
  }

  /** Whether a non-final message (notification, server request) can still travel on this stream. */
  get canCarryExtra(): boolean {
    return this.mode !== 'done' && this.acceptsSse && (this.mode === 'sse' || this.mode === 'pending');
  }

  /** Sends a final response (its JSON text) for one of the requests of this POST. */
  deliverResponse(data: string): void {
    if (this.mode === 'done') return;
    this.awaiting--;
    if (this.mode === 'pending' && this.acceptsJson) {
      if (this.awaiting > 0) {
        (this.collected ??= []).push(data);
        return;
      }
      this.mode = 'json';
      const body = this.batch ? `[${[...(this.collected ?? []), data].join(',')}]` : data;
      this.collected = undefined;
      this.finishJson(body);
      return;
    }
    this.writeEvent(data);
    if (this.awaiting <= 0) this.complete();
  }

  /** Sends a notification or server request related to this POST; false when it cannot travel here. */
  deliverExtra(message: JsonRpcMessage): boolean {
    if (!this.canCarryExtra) return false;
    this.writeEvent(JSON.stringify(message));
    return true;
  }

  /** Opens the SSE response (headers, priming event, answers collected so far). */
  startSse(): void {
    if (this.mode !== 'pending') return;
    this.mode = 'sse';
    const res = this.res;
    if (res !== null && !res.headersSent) {
      res.writeHead(200, sseHeaders(this.session.id));
      if (this.session.protocolVersion >= PRIMING_FROM_VERSION) res.write(`id: ${this.id}_0\ndata: \n\n`);
    }
    const collected = this.collected;
    this.collected = undefined;
    if (collected !== undefined) for (const data of collected) this.writeEvent(data);
  }

  /** Attaches a resuming GET connection (Last-Event-ID) to this stream. */
  attach(res: McpResponse): void {
    this.res = res;
    if (this.mode === 'pending') this.mode = 'sse';
  }

  /** The client went away: later events are only kept for replay. */
  detach(res: McpResponse): void {
    if (this.res === res) this.res = null;
  }

  /** Ends the stream; the session forgets it. */
  complete(): void {
    if (this.mode === 'done') return;
    this.mode = 'done';
    if (this.res !== null && !this.res.writableEnded) this.res.end();
    this.res = null;
    this.session.forgetStream(this);
  }

  private writeEvent(data: string): void {
    if (this.mode === 'pending') this.startSse();
    const seq = this.session.record(this.id, data);
    const res = this.res;
    if (res !== null && !res.writableEnded) res.write(`id: ${this.id}_${seq}\ndata: ${data}\n\n`);
  }

  private finishJson(body: string): void {
    const res = this.res;
    this.mode = 'done';
    this.res = null;
    this.session.forgetStream(this);
    if (res === null || res.writableEnded) return;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'mcp-session-id': this.session.id,
    });
    res.end(body);
  }
}

/** Response headers of an SSE stream. */
export function sseHeaders(sessionId: string): Record<string, string> {
  return {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'mcp-session-id': sessionId,
  };
}

/**
 * One client session (`Mcp-Session-Id`). Kept small on purpose: abandoned sessions are the common case (clients
 * rarely DELETE), so the replay buffer, the stream table and the subscription set are created lazily.
 */
export class Session {
  lastSeen: number;
  /** Requests of this session in flight at the child. */
  inflight = 0;
  closed = false;
  getStream: OutStream | undefined;
  streams: Map<number, OutStream> | undefined;
  subscriptions: Set<string> | undefined;
  private replay: ReplayEvent[] | undefined;
  private replayStart = 0;
  private nextStreamId = 1;
  private nextSeq = 1;

  constructor(
    readonly id: string,
    readonly protocolVersion: string,
    readonly clientCapabilities: Readonly<Record<string, unknown>>,
    now: number,
    private readonly replayCapacity: number,
  ) {
    this.lastSeen = now;
  }

  /** A new POST stream id. */
  newStreamId(): number {
    return this.nextStreamId++;
  }

  addStream(stream: OutStream): void {
    (this.streams ??= new Map()).set(stream.id, stream);
  }

  forgetStream(stream: OutStream): void {
    if (stream.id === 0) {
      if (this.getStream === stream) this.getStream = undefined;
    } else this.streams?.delete(stream.id);
  }

  /** Whether any connection of this client is open (an open GET stream means the client is still there). */
  get connected(): boolean {
    if (this.getStream?.res) return true;
    if (this.streams) for (const s of this.streams.values()) if (s.res) return true;
    return false;
  }

  /** Records an SSE event for replay; returns its sequence number. */
  record(streamId: number, data: string): number {
    const seq = this.nextSeq++;
    if (this.replayCapacity <= 0) return seq;
    const event = { streamId, seq, data };
    const replay = (this.replay ??= []);
    if (replay.length < this.replayCapacity) replay.push(event);
    else {
      replay[this.replayStart] = event;
      this.replayStart = (this.replayStart + 1) % this.replayCapacity;
    }
    return seq;
  }

  /** Events of `streamId` after `afterSeq`, in order. */
  eventsAfter(streamId: number, afterSeq: number): { seq: number; data: string }[] {
    if (this.replay === undefined) return [];
    const ordered = this.replay.length < this.replayCapacity ? this.replay : [...this.replay.slice(this.replayStart), ...this.replay.slice(0, this.replayStart)];
    return ordered.filter((e) => e.streamId === streamId && e.seq > afterSeq).map((e) => ({ seq: e.seq, data: e.data }));
  }

  /** Ends every open stream (DELETE, reaping, bridge shutdown). */
  close(): void {
    this.closed = true;
    this.getStream?.complete();
    if (this.streams) for (const s of [...this.streams.values()]) s.complete();
    this.replay = undefined;
  }
}
