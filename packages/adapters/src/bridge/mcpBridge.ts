import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  idKey,
  isJsonRpcMessage,
  isNotification,
  isRequest,
  isResponse,
  replaceResponseId,
  responseIdOf,
  rpcError,
  RPC_ERRORS,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from './jsonrpc.js';
import type { McpPostHeaders, McpResponse } from './response.js';
import { OutStream, Session, sseHeaders } from './session.js';
import type { Upstream } from './stdioChild.js';

/** Protocol revisions the bridge speaks, newest first (dates compare as strings). */
export const BRIDGE_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
const LATEST = BRIDGE_PROTOCOL_VERSIONS[0];
/** JSON-RPC batches were removed from MCP in 2025-06-18. */
const NO_BATCH_FROM = '2025-06-18';
const DEFAULT_HEADER_VERSION = '2025-03-26';

/** Tunables of a bridge. */
export interface BridgeOptions {
  /** Idle time after which a session without open connections is reaped (default 10 min). */
  readonly sessionIdleMs?: number;
  /** Sessions kept at most; beyond it idle ones are reaped first, then new sessions are refused (default 20,000). */
  readonly maxSessions?: number;
  /** Largest accepted POST body (default 4 MiB; larger → 413). */
  readonly maxBodyBytes?: number;
  /** SSE events kept per session for `Last-Event-ID` resumption (default 128). */
  readonly replayEvents?: number;
  /** Shared secret the caller must send in `secretHeader` (required when listening beyond loopback). */
  readonly secret?: string;
  /** Header carrying the upstream secret (default `x-catwalk-upstream-secret`). */
  readonly secretHeader?: string;
  /** How long a request waits for the MCP server to be (re)started before it fails (default 30 s). */
  readonly readyTimeoutMs?: number;
  /**
   * Browser origins allowed besides loopback ones (DNS-rebinding defence: a request with an `Origin` header from
   * elsewhere gets 403 unless it presented the upstream secret). Requests without `Origin` are not browsers.
   */
  readonly allowedOrigins?: readonly string[];
  /** SSE keep-alive comment interval on GET streams (default 25 s; 0 disables). */
  readonly keepAliveMs?: number;
  /** Milliseconds clock (tests). */
  readonly now?: () => number;
}

interface InflightEntry {
  readonly session: Session | undefined;
  readonly originalId: JsonRpcId;
  readonly stream: OutStream | undefined;
  readonly progressToken: string | number | undefined;
  /** Bridge-originated request (initialize, ping, tools/list for introspection). */
  readonly resolve: ((response: JsonRpcResponse) => void) | undefined;
}

interface ProgressRoute {
  readonly session: Session;
  readonly originalToken: string | number;
  readonly bridgeId: number;
}

/** Counters exposed for health pages and tests. */
export interface BridgeStats {
  readonly sessions: number;
  readonly inflight: number;
  readonly reaped: number;
  /** Notifications from the server that could not be attributed to exactly one session and were dropped. */
  readonly unattributedDropped: number;
}

/**
 * The server side of the MCP Streamable HTTP transport (2025-03-26 … 2025-11-25) over ONE stdio MCP server
 * shared by many HTTP sessions.
 *
 * Isolation between sessions is the core invariant: request ids are rewritten to bridge-unique integers on the
 * way in and restored on the way out, so a response only ever reaches the session that asked; progress tokens
 * are rewritten the same way; server-to-client requests and log notifications carry no session, so they go to
 * a session only when exactly one session has requests in flight (otherwise they are refused / dropped, never
 * broadcast); only `…/list_changed` notifications, which carry no data, are broadcast. The child's `initialize`
 * is done once by the bridge and its result answered to every session's `initialize`.
 */
export class McpBridge {
  private readonly sessions = new Map<string, Session>();
  private readonly inflight = new Map<number, InflightEntry>();
  private readonly progress = new Map<number, ProgressRoute>();
  /** Requests the server sent to a client, by the server's id: only that session may answer. */
  private readonly serverRequests = new Map<string, Session>();
  /**
   * How many sessions have requests in flight, and the one that became busy last (for attributing unaddressed
   * server messages). Counted rather than kept in a Set: a Set that empties and refills on every tool call
   * reallocates its table each time.
   */
  private busySessions = 0;
  private lastBusy: Session | undefined;
  private upstream: Upstream | undefined;
  private initResult: Record<string, unknown> | undefined;
  private childVersion = LATEST as string;
  private nextId = 1;
  private readyWaiters: (() => void)[] = [];
  private reapTimer: NodeJS.Timeout | undefined;
  private reapedCount = 0;
  private dropped = 0;
  private closed = false;
  private readonly opts: Required<Omit<BridgeOptions, 'secret' | 'allowedOrigins'>> & { secretDigest: Buffer | undefined; origins: ReadonlySet<string> };

  constructor(options: BridgeOptions = {}) {
    this.opts = {
      sessionIdleMs: options.sessionIdleMs ?? 10 * 60_000,
      maxSessions: options.maxSessions ?? 20_000,
      maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
      replayEvents: options.replayEvents ?? 128,
      secretHeader: (options.secretHeader ?? 'x-catwalk-upstream-secret').toLowerCase(),
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      keepAliveMs: options.keepAliveMs ?? 25_000,
      now: options.now ?? Date.now,
      secretDigest: options.secret === undefined ? undefined : digest(options.secret),
      origins: new Set(options.allowedOrigins ?? []),
    };
    const sweepEvery = Math.max(1000, Math.min(60_000, Math.floor(this.opts.sessionIdleMs / 2)));
    this.reapTimer = setInterval(() => this.reapIdle(), sweepEvery);
    this.reapTimer.unref();
  }

  /** Whether the MCP server is attached and initialized. */
  get ready(): boolean {
    return this.initResult !== undefined && this.upstream !== undefined;
  }

  /** The server's cached `initialize` result (serverInfo, capabilities, instructions). */
  get serverInitializeResult(): Readonly<Record<string, unknown>> | undefined {
    return this.initResult;
  }

  get stats(): BridgeStats {
    return { sessions: this.sessions.size, inflight: this.inflight.size, reaped: this.reapedCount, unattributedDropped: this.dropped };
  }

  /**
   * Connects the bridge to a (new) MCP server and performs its `initialize` + `notifications/initialized`
   * handshake once. Sessions survive a server restart: their in-flight requests fail, later ones reach the new
   * server.
   */
  async attach(upstream: Upstream, timeoutMs = 60_000): Promise<void> {
    this.detach();
    this.upstream = upstream;
    upstream.onMessage = (m, raw) => this.fromServer(m, raw);
    upstream.onResponseLine = (text) => this.serverResponseLine(text);
    upstream.onExit = () => {
      if (this.upstream === upstream) this.detach();
    };
    const response = await this.internalRequest(
      'initialize',
      {
        protocolVersion: LATEST,
        // The bridge offers what MCP clients commonly offer; a request a session's client cannot serve is refused.
        capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
        clientInfo: { name: 'catwalk-bridge', version: '0.1.0' },
      },
      timeoutMs,
      true,
    );
    if (this.upstream !== upstream) throw new Error('server exited during initialize');
    if (response.error !== undefined || typeof response.result !== 'object' || response.result === null) {
      throw new Error('server refused initialize');
    }
    const result = response.result as Record<string, unknown>;
    this.childVersion = typeof result.protocolVersion === 'string' ? result.protocolVersion : DEFAULT_HEADER_VERSION;
    upstream.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    this.initResult = result;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }

  /** Forgets the current server: its in-flight requests fail with a JSON-RPC error. */
  detach(): void {
    const upstream = this.upstream;
    if (upstream === undefined) return;
    upstream.onMessage = undefined;
    upstream.onResponseLine = undefined;
    upstream.onExit = undefined;
    this.upstream = undefined;
    this.initResult = undefined;
    const entries = [...this.inflight.entries()];
    this.inflight.clear();
    this.progress.clear();
    this.serverRequests.clear();
    for (const [, entry] of entries) {
      const error = rpcError(entry.originalId, RPC_ERRORS.serverUnavailable, 'The MCP server restarted while this request was in flight.');
      if (entry.resolve) entry.resolve(error);
      else if (entry.session) this.settle(entry.session, entry.stream, JSON.stringify(error));
    }
  }

  /** Health: initialized and answering `ping` within `timeoutMs`. */
  async ping(timeoutMs = 5000): Promise<boolean> {
    if (!this.ready) return false;
    try {
      const response = await this.internalRequest('ping', {}, timeoutMs);
      return response.error === undefined;
    } catch {
      return false;
    }
  }

  /** Sends a request to the server on the bridge's own behalf (introspection such as `tools/list`). */
  async request(method: string, params: Record<string, unknown>, timeoutMs = 30_000): Promise<JsonRpcResponse> {
    await this.whenReady(Math.min(timeoutMs, this.opts.readyTimeoutMs));
    return this.internalRequest(method, params, timeoutMs);
  }

  /** Waits until a server is attached and initialized. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        reject(new Error('MCP server not ready'));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.readyWaiters.push(done);
    });
  }

  /**
   * Handles one HTTP request for the MCP endpoint (POST, GET, DELETE). Path routing is the caller's job; the
   * upstream secret (when configured) is checked here unless the caller verified it already (secret path).
   */
  handle(req: IncomingMessage, res: ServerResponse, options?: { secretVerified?: boolean }): void {
    if (this.closed) return httpError(res, 503, 'bridge closed');
    if (options?.secretVerified !== true) {
      if (!this.checkSecret(req)) return httpError(res, 401, 'missing or wrong upstream secret');
      if (this.opts.secretDigest === undefined && !this.originAllowed(req.headers.origin)) return httpError(res, 403, 'origin not allowed');
    }
    const method = req.method;
    if (method === 'POST') this.handlePost(req, res);
    else if (method === 'GET') this.handleGet(req, res);
    else if (method === 'DELETE') this.handleDelete(req, res);
    else {
      res.setHeader('allow', 'GET, POST, DELETE');
      httpError(res, 405, 'method not allowed');
    }
  }

  /** Reaps sessions idle longer than the configured time with no open connection; returns how many. */
  reapIdle(now = this.opts.now()): number {
    let count = 0;
    const limit = now - this.opts.sessionIdleMs;
    for (const session of this.sessions.values()) {
      if (session.lastSeen <= limit && session.inflight === 0 && !session.connected) {
        this.endSession(session);
        count++;
      }
    }
    this.reapedCount += count;
    return count;
  }

  /** Ends every session and stops the reaper; the server is detached (the caller stops it). */
  close(): void {
    this.closed = true;
    if (this.reapTimer) clearInterval(this.reapTimer);
    this.reapTimer = undefined;
    for (const session of [...this.sessions.values()]) this.endSession(session);
    this.detach();
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------

  /** Whether `candidate` is the upstream secret (constant time); false when none is configured. */
  matchesSecret(candidate: string): boolean {
    const expected = this.opts.secretDigest;
    return expected !== undefined && timingSafeEqual(digest(candidate), expected);
  }

  private originAllowed(origin: string | undefined): boolean {
    if (origin === undefined || this.opts.origins.has(origin)) return true;
    try {
      const host = new URL(origin).hostname;
      return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
    } catch {
      return false;
    }
  }

  private checkSecret(req: IncomingMessage): boolean {
    const expected = this.opts.secretDigest;
    if (expected === undefined) return true;
    const given = req.headers[this.opts.secretHeader];
    if (typeof given !== 'string') return false;
    return timingSafeEqual(digest(given), expected);
  }

  private handlePost(req: IncomingMessage, res: ServerResponse): void {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > this.opts.maxBodyBytes) {
      req.resume();
      return rpcHttpError(res, 413, `body larger than ${this.opts.maxBodyBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > this.opts.maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        rpcHttpError(res, 413, `body larger than ${this.opts.maxBodyBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return;
      this.post(postHeadersOf(req), chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res);
    });
    req.on('error', ignore);
  }

  /**
   * Serves one MCP POST whose body has been read already: the transport-neutral entry that `handle` uses for
   * node:http and the gateway's fast lane uses directly. The caller enforces the body size limit.
   */
  post(headers: McpPostHeaders, body: Buffer, res: McpResponse): void {
    if (this.closed) return rpcHttpError(res, 503, 'bridge closed');
    const accept = headers.accept ?? '*/*';
    const acceptsJson = accept.includes('application/json') || accept.includes('*/*');
    const acceptsSse = accept.includes('text/event-stream') || accept.includes('*/*');
    if (!acceptsJson && !acceptsSse) return rpcHttpError(res, 406, 'Accept must include application/json or text/event-stream');
    const contentType = headers.contentType;
    if (contentType === undefined || !contentType.includes('application/json')) {
      return rpcHttpError(res, 415, 'Content-Type must be application/json');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return rpcHttpError(res, 400, 'Parse error: invalid JSON', RPC_ERRORS.parseError);
    }
    this.onPostBody(headers, res, parsed, acceptsJson, acceptsSse);
  }

  private onPostBody(headers: McpPostHeaders, res: McpResponse, body: unknown, acceptsJson: boolean, acceptsSse: boolean): void {
    const batch = Array.isArray(body);
    const messages: unknown[] = batch ? (body as unknown[]) : [body];
    if (messages.length === 0) return rpcHttpError(res, 400, 'Invalid Request: empty batch', RPC_ERRORS.invalidRequest);
    for (const m of messages) {
      if (!isJsonRpcMessage(m)) return rpcHttpError(res, 400, 'Invalid Request: not a JSON-RPC 2.0 message', RPC_ERRORS.invalidRequest);
    }
    const msgs = messages as JsonRpcMessage[];
    const init = batch ? (msgs.find((m) => isRequest(m) && m.method === 'initialize') as JsonRpcRequest | undefined) : initializeOrUndefined(msgs[0]!);
    if (init !== undefined) {
      if (msgs.length > 1) return rpcHttpError(res, 400, 'Invalid Request: initialize must be sent alone', RPC_ERRORS.invalidRequest);
      this.initializeSession(init, res, acceptsJson);
      return;
    }
    const session = this.sessionOf(headers.sessionId, headers.protocolVersion, res);
    if (session === undefined) return;
    if (batch && session.protocolVersion >= NO_BATCH_FROM) {
      return rpcHttpError(res, 400, `Invalid Request: JSON-RPC batches are not allowed in protocol ${session.protocolVersion}`, RPC_ERRORS.invalidRequest);
    }
    session.lastSeen = this.opts.now();
    const requests: JsonRpcRequest[] = [];
    for (const m of msgs) {
      if (isRequest(m)) requests.push(m);
      else if (isNotification(m)) this.clientNotification(session, m);
      else this.clientResponse(session, m as JsonRpcResponse);
    }
    if (requests.length === 0) {
      res.writeHead(202, { 'mcp-session-id': session.id });
      res.end();
      return;
    }
    const stream = new OutStream(session.newStreamId(), session, res, acceptsJson, acceptsSse, batch, requests.length);
    session.addStream(stream);
    res.on('close', () => stream.detach(res));
    if (!acceptsJson) stream.startSse();
    for (const r of requests) this.clientRequest(session, stream, r);
  }

  private initializeSession(init: JsonRpcRequest, res: McpResponse, acceptsJson: boolean): void {
    const answer = (): void => {
      if (this.sessions.size >= this.opts.maxSessions) this.reapIdle(this.opts.now() + this.opts.sessionIdleMs);
      if (this.sessions.size >= this.opts.maxSessions) {
        return rpcHttpError(res, 503, 'too many sessions', RPC_ERRORS.serverUnavailable, init.id);
      }
      const params = init.params ?? {};
      const requested = typeof params.protocolVersion === 'string' ? params.protocolVersion : DEFAULT_HEADER_VERSION;
      const version = negotiate(requested, this.childVersion);
      const capabilities = (typeof params.capabilities === 'object' && params.capabilities !== null ? params.capabilities : {}) as Record<string, unknown>;
      const session = new Session(randomUUID(), version, capabilities, this.opts.now(), this.opts.replayEvents);
      this.sessions.set(session.id, session);
      const message: JsonRpcResponse = { jsonrpc: '2.0', id: init.id, result: { ...this.initResult, protocolVersion: version } };
      const data = JSON.stringify(message);
      if (acceptsJson) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), 'mcp-session-id': session.id });
        res.end(data);
      } else {
        res.writeHead(200, sseHeaders(session.id));
        res.end(`id: 0_0\ndata: ${data}\n\n`);
      }
    };
    if (this.ready) return answer();
    this.whenReady(this.opts.readyTimeoutMs).then(answer, () =>
      rpcHttpError(res, 503, 'The MCP server is not ready.', RPC_ERRORS.serverUnavailable, init.id),
    );
  }

  private sessionOf(id: string | undefined, version: string | undefined, res: McpResponse): Session | undefined {
    if (id === undefined || id.length === 0) {
      rpcHttpError(res, 400, 'Bad Request: Mcp-Session-Id header is required', RPC_ERRORS.invalidRequest);
      return undefined;
    }
    const session = this.sessions.get(id);
    if (session === undefined) {
      rpcHttpError(res, 404, 'Session not found', RPC_ERRORS.invalidRequest);
      return undefined;
    }
    if (version !== undefined && !(BRIDGE_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
      rpcHttpError(res, 400, `Bad Request: unsupported MCP-Protocol-Version ${version.slice(0, 40)}`, RPC_ERRORS.invalidRequest);
      return undefined;
    }
    return session;
  }

  private handleGet(req: IncomingMessage, res: ServerResponse): void {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('text/event-stream')) return rpcHttpError(res, 406, 'Accept must include text/event-stream');
    const session = this.sessionOf(headerOf(req, 'mcp-session-id'), headerOf(req, 'mcp-protocol-version'), res);
    if (session === undefined) return;
    session.lastSeen = this.opts.now();
    const last = req.headers['last-event-id'];
    if (typeof last === 'string' && last.length > 0) return this.resume(session, last, res);
    if (session.getStream?.res) return rpcHttpError(res, 409, 'Conflict: only one GET stream per session');
    const stream = session.getStream ?? new OutStream(0, session, res, false, true, false, 0);
    stream.attach(res);
    session.getStream = stream;
    res.writeHead(200, sseHeaders(session.id));
    res.flushHeaders();
    this.keepAlive(session, stream, res);
  }

  private resume(session: Session, lastEventId: string, res: ServerResponse): void {
    const match = /^(\d{1,9})_(\d{1,15})$/.exec(lastEventId);
    if (match === null) return rpcHttpError(res, 400, 'Bad Request: malformed Last-Event-ID');
    const streamId = Number(match[1]);
    const afterSeq = Number(match[2]);
    res.writeHead(200, sseHeaders(session.id));
    for (const e of session.eventsAfter(streamId, afterSeq)) res.write(`id: ${streamId}_${e.seq}\ndata: ${e.data}\n\n`);
    if (streamId === 0) {
      if (session.getStream?.res) session.getStream.detach(session.getStream.res);
      const stream = session.getStream ?? new OutStream(0, session, res, false, true, false, 0);
      stream.attach(res);
      session.getStream = stream;
      this.keepAlive(session, stream, res);
      return;
    }
    const stream = session.streams?.get(streamId);
    if (stream === undefined || stream.mode === 'done') {
      res.end();
      return;
    }
    stream.attach(res);
    res.on('close', () => stream.detach(res));
  }

  private keepAlive(session: Session, stream: OutStream, res: ServerResponse): void {
    let timer: NodeJS.Timeout | undefined;
    if (this.opts.keepAliveMs > 0) {
      timer = setInterval(() => {
        if (!res.writableEnded) res.write(': keep-alive\n\n');
      }, this.opts.keepAliveMs);
      timer.unref();
    }
    res.on('close', () => {
      if (timer) clearInterval(timer);
      stream.detach(res);
      session.lastSeen = this.opts.now();
    });
  }

  private handleDelete(req: IncomingMessage, res: ServerResponse): void {
    const session = this.sessionOf(headerOf(req, 'mcp-session-id'), headerOf(req, 'mcp-protocol-version'), res);
    if (session === undefined) return;
    this.endSession(session);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  }

  private endSession(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    // Tell the server the session's requests will never be read, so it can stop working on them.
    for (const [bridgeId, entry] of this.inflight) {
      if (entry.session !== session) continue;
      this.inflight.delete(bridgeId);
      this.progress.delete(bridgeId);
      this.upstream?.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: bridgeId, reason: 'session ended' } });
    }
    // The server waits for answers this session will never give: answer them with an error.
    for (const [key, owner] of this.serverRequests) {
      if (owner !== session) continue;
      this.serverRequests.delete(key);
      const id = key.startsWith('n') ? Number(key.slice(1)) : key.slice(1);
      this.upstream?.send(rpcError(id, RPC_ERRORS.internalError, 'The client session ended.'));
    }
    if (session.inflight > 0) this.busySessions--;
    session.inflight = 0;
    if (this.lastBusy === session) this.lastBusy = undefined;
    session.close();
  }

  // ---- client → server ---------------------------------------------------------------------------------------

  private clientRequest(session: Session, stream: OutStream, request: JsonRpcRequest): void {
    const method = request.method;
    if (method === 'ping') return stream.deliverResponse(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: {} }));
    if (method === 'initialize') {
      return stream.deliverResponse(JSON.stringify(rpcError(request.id, RPC_ERRORS.invalidRequest, 'Session already initialized')));
    }
    if (method === 'resources/subscribe' || method === 'resources/unsubscribe') {
      const uri = request.params?.uri;
      if (typeof uri === 'string') {
        if (method === 'resources/subscribe') (session.subscriptions ??= new Set()).add(uri);
        else {
          session.subscriptions?.delete(uri);
          // Other sessions still want updates: keep the server's subscription, answer here.
          if (this.someSessionSubscribed(uri)) return stream.deliverResponse(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: {} }));
        }
      }
    }
    if (!this.ready) {
      this.whenReady(this.opts.readyTimeoutMs).then(
        () => this.forwardRequest(session, stream, request),
        () => stream.deliverResponse(JSON.stringify(rpcError(request.id, RPC_ERRORS.serverUnavailable, 'The MCP server is not running.'))),
      );
      return;
    }
    this.forwardRequest(session, stream, request);
  }

  private forwardRequest(session: Session, stream: OutStream, request: JsonRpcRequest): void {
    const upstream = this.upstream;
    if (session.closed) return;
    if (upstream === undefined) {
      return stream.deliverResponse(JSON.stringify(rpcError(request.id, RPC_ERRORS.serverUnavailable, 'The MCP server is not running.')));
    }
    const bridgeId = this.nextId++;
    const originalId = request.id;
    const meta = request.params?._meta as Record<string, unknown> | undefined;
    const rawToken = meta?.progressToken;
    const token = typeof rawToken === 'string' || typeof rawToken === 'number' ? rawToken : undefined;
    if (token !== undefined) {
      this.progress.set(bridgeId, { session, originalToken: token, bridgeId });
      request.params = { ...request.params, _meta: { ...meta, progressToken: bridgeId } };
    }
    // Every entry has the same shape (no conditional spread): one hidden class on the hot path.
    this.inflight.set(bridgeId, { session, originalId, stream, progressToken: token, resolve: undefined });
    if (session.inflight++ === 0) {
      this.busySessions++;
      this.lastBusy = session;
    }
    request.id = bridgeId;
    upstream.send(request);
  }

  private clientNotification(session: Session, n: JsonRpcNotification): void {
    if (n.method === 'notifications/initialized') return; // the bridge already initialized the server
    if (n.method === 'notifications/cancelled') {
      const requestId = n.params?.requestId;
      for (const [bridgeId, entry] of this.inflight) {
        if (entry.session === session && entry.originalId === requestId) {
          this.upstream?.send({ jsonrpc: '2.0', method: n.method, params: { ...n.params, requestId: bridgeId } });
          return;
        }
      }
      return; // not this session's request: never let one session cancel another's
    }
    this.upstream?.send(n);
  }

  private clientResponse(session: Session, response: JsonRpcResponse): void {
    if (response.id === null) return;
    const key = idKey(response.id);
    if (this.serverRequests.get(key) !== session) return; // only the session that was asked may answer
    this.serverRequests.delete(key);
    this.upstream?.send(response);
  }

  // ---- server → client ---------------------------------------------------------------------------------------

  private fromServer(message: JsonRpcMessage, raw: string | undefined): void {
    if (isResponse(message)) return this.serverResponse(message, raw);
    if (isRequest(message)) return this.serverRequest(message);
    this.serverNotification(message as JsonRpcNotification);
  }

  private serverResponse(response: JsonRpcResponse, raw: string | undefined): void {
    if (typeof response.id !== 'number') return;
    const bridgeId = response.id;
    const entry = this.inflight.get(bridgeId);
    if (entry === undefined) return;
    this.inflight.delete(bridgeId);
    if (entry.progressToken !== undefined) this.progress.delete(bridgeId);
    response.id = entry.originalId;
    if (entry.resolve) return entry.resolve(response);
    // Forward the server's own text with only the id swapped: no second serialisation of a large result.
    const serialized = raw === undefined ? undefined : replaceResponseId(raw, bridgeId, entry.originalId);
    if (entry.session) this.settle(entry.session, entry.stream, serialized ?? JSON.stringify(response));
  }

  /**
   * The hot path of every tool call: a line from the server that has the layout of a response to one of our
   * sessions' requests is forwarded with its id swapped, without being parsed (a large result is never turned
   * into objects and back). Answers false for anything else, which the caller then parses and routes. Routing
   * uses the bridge id, which names exactly one in-flight request of one session, so isolation holds whatever
   * the line holds; a server that writes a malformed line in a response's layout only breaks its own answer.
   */
  private serverResponseLine(text: string): boolean {
    const bridgeId = responseIdOf(text);
    if (bridgeId === undefined) return false;
    const entry = this.inflight.get(bridgeId);
    if (entry === undefined || entry.resolve !== undefined || entry.session === undefined) return false;
    const serialized = replaceResponseId(text, bridgeId, entry.originalId);
    if (serialized === undefined) return false;
    this.inflight.delete(bridgeId);
    if (entry.progressToken !== undefined) this.progress.delete(bridgeId);
    this.settle(entry.session, entry.stream, serialized);
    return true;
  }

  private settle(session: Session, stream: OutStream | undefined, data: string): void {
    if (session.inflight > 0 && --session.inflight === 0) this.busySessions--;
    session.lastSeen = this.opts.now();
    if (!session.closed) stream?.deliverResponse(data);
  }

  private serverRequest(request: JsonRpcRequest): void {
    if (request.method === 'ping') {
      this.upstream?.send({ jsonrpc: '2.0', id: request.id, result: {} });
      return;
    }
    const session = this.attributedSession();
    const refuse = (message: string, code: number = RPC_ERRORS.internalError): void => this.upstream?.send(rpcError(request.id, code, message));
    if (session === undefined) return refuse('The request cannot be attributed to a single client session.');
    const needed = CAPABILITY_OF[request.method];
    if (needed !== undefined && session.clientCapabilities[needed] === undefined) {
      return refuse(`The client did not declare the ${needed} capability.`, RPC_ERRORS.methodNotFound);
    }
    if (!this.deliverToSession(session, request)) return refuse('The client has no open stream to receive the request.');
    this.serverRequests.set(idKey(request.id), session);
  }

  private serverNotification(n: JsonRpcNotification): void {
    const method = n.method;
    if (method === 'notifications/progress') {
      const token = n.params?.progressToken;
      const route = typeof token === 'number' ? this.progress.get(token) : undefined;
      if (route === undefined) return;
      const entry = this.inflight.get(route.bridgeId);
      n.params = { ...n.params, progressToken: route.originalToken };
      if (entry?.stream?.deliverExtra(n)) return;
      route.session.getStream?.deliverExtra(n);
      return;
    }
    if (method === 'notifications/cancelled') {
      const requestId = n.params?.requestId;
      const session = typeof requestId === 'string' || typeof requestId === 'number' ? this.serverRequests.get(idKey(requestId)) : undefined;
      if (session === undefined) return;
      this.serverRequests.delete(idKey(requestId as JsonRpcId));
      this.deliverToSession(session, n);
      return;
    }
    if (method.endsWith('/list_changed')) {
      // No payload beyond the method name: safe (and required) to tell every session.
      for (const session of this.sessions.values()) session.getStream?.deliverExtra(n);
      return;
    }
    if (method === 'notifications/resources/updated') {
      const uri = n.params?.uri;
      for (const session of this.sessions.values()) {
        if (typeof uri === 'string' && session.subscriptions?.has(uri)) this.deliverToSession(session, n);
      }
      return;
    }
    const session = this.attributedSession();
    if (session === undefined || !this.deliverToSession(session, n)) this.dropped++;
  }

  /** The one session a message without addressing can belong to, if there is exactly one candidate. */
  private attributedSession(): Session | undefined {
    if (this.busySessions === 1) {
      if (this.lastBusy !== undefined && this.lastBusy.inflight > 0 && !this.lastBusy.closed) return this.lastBusy;
      for (const session of this.sessions.values()) if (session.inflight > 0) return session;
      return undefined;
    }
    if (this.busySessions === 0 && this.sessions.size === 1) return this.sessions.values().next().value;
    return undefined;
  }

  /** Sends on the stream of the session's only in-flight request when there is one, else on its GET stream. */
  private deliverToSession(session: Session, message: JsonRpcMessage): boolean {
    if (session.inflight === 1 && session.streams) {
      for (const entry of this.inflight.values()) {
        if (entry.session === session && entry.stream?.deliverExtra(message)) return true;
      }
    }
    return session.getStream?.deliverExtra(message) ?? false;
  }

  private someSessionSubscribed(uri: string): boolean {
    for (const s of this.sessions.values()) if (s.subscriptions?.has(uri)) return true;
    return false;
  }

  private internalRequest(method: string, params: Record<string, unknown>, timeoutMs: number, duringAttach = false): Promise<JsonRpcResponse> {
    const upstream = this.upstream;
    if (upstream === undefined || (!duringAttach && this.initResult === undefined)) {
      return Promise.reject(new Error('MCP server not ready'));
    }
    return new Promise((resolve, reject) => {
      const bridgeId = this.nextId++;
      const timer = setTimeout(() => {
        this.inflight.delete(bridgeId);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      this.inflight.set(bridgeId, {
        session: undefined,
        originalId: bridgeId,
        stream: undefined,
        progressToken: undefined,
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
      });
      upstream.send({ jsonrpc: '2.0', id: bridgeId, method, params });
    });
  }
}

/** Which client capability a server request needs. */
const CAPABILITY_OF: Readonly<Record<string, string>> = {
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
  'elicitation/create': 'elicitation',
};

/**
 * The version answered to a client: what it asked for when the bridge knows it and the server speaks at least
 * that revision; otherwise the server's own revision (the client then decides whether it can go on).
 */
export function negotiate(requested: string, serverVersion: string): string {
  const known = (BRIDGE_PROTOCOL_VERSIONS as readonly string[]).includes(requested);
  if (known && requested <= serverVersion) return requested;
  return serverVersion;
}

/** The message when it is an `initialize` request. */
function initializeOrUndefined(m: JsonRpcMessage): JsonRpcRequest | undefined {
  return isRequest(m) && m.method === 'initialize' ? m : undefined;
}

/** Shared no-op listener (a per-request closure would be allocated on the hot path). */
function ignore(): void {}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The headers an MCP POST is judged by, read from node's request. */
function postHeadersOf(req: IncomingMessage): McpPostHeaders {
  return { accept: req.headers.accept, contentType: req.headers['content-type'], sessionId: headerOf(req, 'mcp-session-id'), protocolVersion: headerOf(req, 'mcp-protocol-version') };
}

/** A single-valued header (node joins repeated custom headers with ", "). */
function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function httpError(res: McpResponse, status: number, message: string): void {
  rpcHttpError(res, status, message);
}

function rpcHttpError(res: McpResponse, status: number, message: string, code: number = RPC_ERRORS.invalidRequest, id: JsonRpcId | null = null): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const body = JSON.stringify(rpcError(id, code, message));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: status === 413 ? 'close' : 'keep-alive' });
  res.end(body);
}
