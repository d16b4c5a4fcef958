import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, isAccessTokenFormat, isCatwalkError, CatwalkError } from '@catwalk/core';
import type { ErrorBody } from '../errors/errorBody.js';
import { toErrorResponse } from '../errors/errorBody.js';
import { statusFor } from '../errors/statusTable.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { isOriginAllowed } from './origins.js';
import { clientIpOf } from '../security/authFailureThrottle.js';
import type { AuthFailureThrottle } from '../security/authFailureThrottle.js';
import type { McpPostHeaders, McpResponse } from '@catwalk/adapters';
import type { GatewayAuthority, GatewayTarget } from './target.js';

/** Settings of the MCP gateway. */
export interface GatewayOptions {
  /** Largest request body passed upstream (default 4 MiB); larger → 413. */
  readonly maxBodyBytes: number;
  /** An upstream silent for this long is cut (default 5 min, so slow tools finish). */
  readonly upstreamTimeoutMs: number;
  /** Origins allowed to call the gateway from a browser; requests without Origin are allowed. */
  readonly allowedOrigins: readonly string[];
  /** Throttles token guessing per client IP: failed tokens drain it, an empty bucket answers 429 `rate_limited`. */
  readonly authFailures?: AuthFailureThrottle;
}

/** What the gateway reports per request (for metrics and logs; never tokens). */
export interface GatewayObserver {
  /** `startedAt`: `performance.now()` when the request arrived. */
  onResult(outcome: GatewayOutcome, status: number, startedAt: number, deploymentId: string | undefined): void;
}

/**
 * The parts of a request the gateway's admission checks read: the node:http path fills them from
 * `IncomingMessage`, the fast lane from its own parse of the request head.
 */
export interface GatewayRequestFacts {
  readonly method: string;
  /** The request target: path and query (the query may carry `token`). */
  readonly url: string;
  readonly origin: string | undefined;
  readonly authorization: string | undefined;
  /** The declared Content-Length, when there is one. */
  readonly contentLength: number | undefined;
  /** The client's IP (the failed-authentication throttle is keyed by it). */
  readonly ip: string;
}

/** A response the gateway can track: what the bridge writes to, plus the status it ended with. */
export type GatewayResponse = McpResponse & { readonly statusCode: number };

/** Why the admission checks refused a request (rendered only by the node:http path). */
type Refusal = { readonly refused: 'method' | 'origin' | 'too_large' | 'unauthorized' } | { readonly refused: 'throttled'; readonly error: unknown };

/** A request that passed the checks that need no lookup: whose token, for which deployment. */
interface Claim {
  readonly refused: undefined;
  readonly deploymentId: string;
  readonly token: string;
}

/** How a gateway request ended. */
export type GatewayOutcome = 'proxied' | 'unauthorized' | 'unavailable' | 'rejected' | 'upstream_error' | 'timeout';

const PREFIX = '/mcp/';
const ALLOWED_METHODS = 'GET, POST, DELETE';
const WWW_AUTHENTICATE = 'Bearer realm="catwalk", error="invalid_token"';
const UUID_OR_ID = /^[A-Za-z0-9-]{1,64}$/;
const REFUSED_METHOD: Refusal = { refused: 'method' };
const REFUSED_ORIGIN: Refusal = { refused: 'origin' };
const REFUSED_TOO_LARGE: Refusal = { refused: 'too_large' };
const REFUSED_UNAUTHORIZED: Refusal = { refused: 'unauthorized' };

/**
 * The MCP gateway on raw node:http (no Koa on the hot path): authorises `/mcp/:deploymentId` by access token,
 * then streams the request to the deployment's bridge and the answer back, SSE unbuffered.
 */
export class McpGateway {
  readonly #authority: GatewayAuthority;
  readonly #options: GatewayOptions;
  readonly #observer: GatewayObserver | undefined;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  readonly #secureAgent = new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  /** Open GET streams (server-to-client SSE), ended first on shutdown. */
  readonly #streams = new Set<ServerResponse>();
  /**
   * In-process requests whose answer has not started yet, with their deadline. One sweep timer checks them all
   * instead of a timer (and its listeners) per request: this is the hot path of every tool call.
   */
  readonly #waiting = new Map<GatewayResponse, Waiting>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(authority: GatewayAuthority, options: GatewayOptions, observer?: GatewayObserver) {
    this.#authority = authority;
    this.#options = options;
    this.#observer = observer;
  }

  /** The largest request body passed on (the fast lane reads no more). */
  get maxBodyBytes(): number {
    return this.#options.maxBodyBytes;
  }

  /** Whether a request URL belongs to the gateway. */
  static matches(url: string | undefined): boolean {
    return url !== undefined && url.startsWith(PREFIX);
  }

  /** Serves one gateway request. Never throws; every failure is answered as JSON. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    try {
      this.#handle(req, res, startedAt);
    } catch (error: unknown) {
      this.#fail(res, req, error, startedAt, undefined);
    }
  }

  /**
   * Serves an MCP POST that the fast lane parsed (body read, within the limit) in-process, the hot path of every
   * tool call. Answers false, having written nothing, when the request must go through node:http instead: any
   * refusal (node:http renders every error, so there is one implementation of them) or a deployment without an
   * in-process bridge (a remote upstream). A promise when the token is not cached and the authority must judge it.
   */
  serveLanePost(facts: GatewayRequestFacts, headers: McpPostHeaders, body: Buffer, res: GatewayResponse): boolean | Promise<boolean> {
    const startedAt = performance.now();
    const claim = this.#check(facts);
    if (claim.refused !== undefined) return false;
    const cached = this.#authority.cached?.(claim.deploymentId, claim.token);
    if (cached !== undefined) return this.#postInProcess(cached, claim.deploymentId, headers, body, res, startedAt);
    return this.#authority.authorize(claim.deploymentId, claim.token).then(
      (target) => this.#postInProcess(target, claim.deploymentId, headers, body, res, startedAt),
      () => false,
    );
  }

  /**
   * Ends every open GET stream (server-to-client SSE) so clients reconnect (with Last-Event-ID) elsewhere;
   * POSTs in flight are left to finish. Used by graceful shutdown.
   */
  endStreams(): void {
    for (const res of this.#streams) res.end();
  }

  /** Closes pooled upstream connections and stops the timeout sweep. */
  close(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#agent.destroy();
    this.#secureAgent.destroy();
  }

  /**
   * The checks that need no lookup, shared by both paths: method, Origin (DNS-rebinding defence), declared body
   * size, the failed-authentication throttle, and the token's and deployment id's shapes. No side effects: a
   * refusal is counted (throttle) only where it is rendered.
   */
  #check(facts: GatewayRequestFacts): Refusal | Claim {
    const url = facts.url;
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const deploymentId = path.endsWith('/') ? path.slice(PREFIX.length, -1) : path.slice(PREFIX.length);
    if (facts.method !== 'POST' && facts.method !== 'GET' && facts.method !== 'DELETE') return REFUSED_METHOD;
    if (facts.origin !== undefined && !isOriginAllowed(facts.origin, this.#options.allowedOrigins)) return REFUSED_ORIGIN;
    if (facts.contentLength !== undefined && facts.contentLength > this.#options.maxBodyBytes) return REFUSED_TOO_LARGE;
    const throttle = this.#options.authFailures;
    if (throttle !== undefined) {
      try {
        throttle.assertAllowed(facts.ip);
      } catch (error: unknown) {
        return { refused: 'throttled', error };
      }
    }
    const token = bearerToken(facts.authorization) ?? queryToken(url, queryAt);
    if (token === undefined || !isAccessTokenFormat(token) || !UUID_OR_ID.test(deploymentId)) return REFUSED_UNAUTHORIZED;
    return { refused: undefined, deploymentId, token };
  }

  #handle(req: IncomingMessage, res: ServerResponse, startedAt: number): void {
    const declared = req.headers['content-length'];
    const claim = this.#check({
      method: req.method ?? '',
      url: req.url ?? '/',
      origin: req.headers.origin,
      authorization: req.headers.authorization,
      contentLength: declared === undefined ? undefined : Number(declared),
      ip: clientIpOf(req),
    });
    if (claim.refused !== undefined) return this.#refuse(req, res, claim, startedAt);
    const { deploymentId, token } = claim;
    // The common case (this token verified moments ago) proxies at once; anything else asks the authority.
    const cached = this.#authority.cached?.(deploymentId, token);
    if (cached !== undefined) return this.#proxy(req, res, cached, deploymentId, startedAt);
    this.#authority
      .authorize(deploymentId, token)
      .then((target) => this.#proxy(req, res, target, deploymentId, startedAt))
      .catch((error: unknown) => this.#fail(res, req, error, startedAt, deploymentId));
  }

  #refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal, startedAt: number): void {
    switch (refusal.refused) {
      case 'method':
        res.setHeader('allow', ALLOWED_METHODS);
        return this.#send(res, req, 405, 'rejected', { error: 'invalid_input', message: `Use ${ALLOWED_METHODS}.`, details: {} }, startedAt, undefined);
      case 'origin':
        return this.#send(res, req, 403, 'rejected', { error: 'forbidden', message: 'This Origin may not call the MCP endpoint.', details: {} }, startedAt, undefined);
      case 'too_large':
        return this.#tooLarge(res, req, startedAt, undefined);
      case 'throttled':
        return this.#fail(res, req, refusal.error, startedAt, undefined);
      case 'unauthorized':
        return this.#unauthorized(res, req, startedAt, undefined);
    }
  }

  #postInProcess(target: GatewayTarget, deploymentId: string, headers: McpPostHeaders, body: Buffer, res: GatewayResponse, startedAt: number): boolean {
    const inProcess = target.inProcess;
    if (inProcess === undefined) return false;
    // The request goes to the MCP server first; the bookkeeping follows while the server works on it.
    inProcess.post(headers, body, res);
    if (res.writableEnded) this.#observer?.onResult('proxied', res.statusCode, startedAt, deploymentId);
    else this.#trackInProcess(res, undefined, deploymentId, startedAt);
    return true;
  }

  /**
   * Bounds how long an in-process bridge may take to start its answer (there is no socket to go idle
   * in-process): a JSON answer, or the first SSE bytes; a started SSE stream then runs as long as it needs. One
   * sweep timer checks them all instead of a timer (and its listeners) per request: this is the hot path of every
   * tool call.
   */
  #trackInProcess(res: GatewayResponse, req: IncomingMessage | undefined, deploymentId: string, startedAt: number): void {
    const waiting: Waiting = { req, deadline: Date.now() + this.#options.upstreamTimeoutMs, startedAt, deploymentId, timedOut: false };
    this.#waiting.set(res, waiting);
    this.#sweeper ??= setInterval(() => this.#sweep(), sweepPeriod(this.#options.upstreamTimeoutMs)).unref();
    res.on('close', () => {
      this.#waiting.delete(res);
      if (!waiting.timedOut) this.#observer?.onResult('proxied', res.statusCode, startedAt, deploymentId);
    });
  }

  #proxy(req: IncomingMessage, res: ServerResponse, target: GatewayTarget, deploymentId: string, startedAt: number): void {
    if (req.method === 'GET') this.#trackStream(res);
    if (target.inProcess !== undefined) {
      this.#trackInProcess(res, req, deploymentId, startedAt);
      // Same rule as the upstream hop: our own token never reaches the MCP server's side. (Assigned, not
      // deleted: a delete would turn the headers object into a slow dictionary for every later lookup.)
      req.headers.authorization = undefined;
      target.inProcess.handle(req, res);
      return;
    }
    const { secure, hostname, port, path } = target.upstream;
    const requestOptions = {
      method: req.method,
      hostname,
      port,
      path,
      headers: upstreamRequestHeaders(req.headers, target.upstreamHeaders),
      timeout: this.#options.upstreamTimeoutMs,
    };
    const upstream = secure ? httpsRequest({ ...requestOptions, agent: this.#secureAgent }) : httpRequest({ ...requestOptions, agent: this.#agent });
    let settled = false;
    upstream.on('response', (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, clientResponseHeaders(upstreamRes.headers));
      if (upstreamRes.headers['content-type']?.startsWith('text/event-stream') === true) res.flushHeaders();
      upstreamRes.pipe(res);
      upstreamRes.on('end', () => {
        settled = true;
        this.#observer?.onResult('proxied', upstreamRes.statusCode ?? 502, startedAt, deploymentId);
      });
      upstreamRes.on('error', () => res.destroy());
    });
    upstream.on('timeout', () => {
      upstream.destroy(new CatwalkError('deployment_unavailable', 'The MCP server did not answer in time.', { reason: 'timeout' }));
    });
    upstream.on('error', (error) => {
      if (settled) return;
      settled = true;
      // A connection refused or reset means the upstream is down (or restarting): drop the cached route.
      this.#authority.invalidate(deploymentId);
      const timedOut = isCatwalkError(error) && error.details['reason'] === 'timeout';
      if (res.headersSent) {
        res.destroy();
        this.#observer?.onResult(timedOut ? 'timeout' : 'upstream_error', res.statusCode, startedAt, deploymentId);
        return;
      }
      const body: ErrorBody = timedOut
        ? timeoutBody(this.#options.upstreamTimeoutMs)
        : { error: ERROR_CODES.upstream_unavailable, message: 'The MCP server could not be reached. It may be restarting; try again shortly.', details: {} };
      this.#send(res, req, statusFor(timedOut ? ERROR_CODES.upstream_timeout : ERROR_CODES.upstream_unavailable), timedOut ? 'timeout' : 'upstream_error', body, startedAt, deploymentId);
    });
    // The client went away: stop the upstream request too (a GET stream, an abandoned tool call).
    res.on('close', () => {
      if (res.writableFinished || settled) return;
      // The client left (a closed GET stream, an abandoned call): not an upstream failure, keep the cached route.
      settled = true;
      upstream.destroy();
      this.#observer?.onResult('proxied', res.statusCode, startedAt, deploymentId);
    });
    if (req.method === 'GET' || req.headers['content-length'] !== undefined) {
      req.pipe(upstream);
      return;
    }
    // A chunked body: count bytes so it cannot pass the limit.
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= this.#options.maxBodyBytes || settled) return;
      settled = true;
      req.unpipe(upstream);
      upstream.destroy();
      this.#tooLarge(res, req, startedAt, deploymentId);
    });
    req.pipe(upstream);
  }

  #trackStream(res: ServerResponse): void {
    this.#streams.add(res);
    res.once('close', () => this.#streams.delete(res));
  }

  /** Answers 504 to in-process requests past their deadline; forgets those whose answer has started. */
  #sweep(): void {
    const now = Date.now();
    for (const [res, waiting] of this.#waiting) {
      if (res.headersSent || res.writableEnded) {
        this.#waiting.delete(res);
      } else if (waiting.deadline <= now) {
        this.#waiting.delete(res);
        waiting.timedOut = true;
        const text = JSON.stringify(timeoutBody(this.#options.upstreamTimeoutMs));
        const status = statusFor('upstream_timeout');
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        res.end(text);
        if (waiting.req !== undefined && !waiting.req.complete) waiting.req.resume();
        this.#observer?.onResult('timeout', status, waiting.startedAt, waiting.deploymentId);
      }
    }
    if (this.#waiting.size === 0 && this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  #tooLarge(res: ServerResponse, req: IncomingMessage, startedAt: number, deploymentId: string | undefined): void {
    res.setHeader('connection', 'close');
    this.#send(res, req, 413, 'rejected', { error: 'payload_too_large', message: `The request body is larger than ${this.#options.maxBodyBytes} bytes.`, details: { limitBytes: this.#options.maxBodyBytes } }, startedAt, deploymentId);
  }

  #unauthorized(res: ServerResponse, req: IncomingMessage, startedAt: number, deploymentId: string | undefined): void {
    this.#options.authFailures?.recordFailure(clientIpOf(req));
    res.setHeader('www-authenticate', WWW_AUTHENTICATE);
    this.#send(res, req, 401, 'unauthorized', { error: 'unauthorized', message: 'A valid access token for this deployment is required.', details: {} }, startedAt, deploymentId);
  }

  #fail(res: ServerResponse, req: IncomingMessage, error: unknown, startedAt: number, deploymentId: string | undefined): void {
    if (isCatwalkError(error, 'unauthorized') || isCatwalkError(error, 'not_found')) return this.#unauthorized(res, req, startedAt, deploymentId);
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    this.#send(res, req, response.status, isCatwalkError(error, 'deployment_unavailable') ? 'unavailable' : 'rejected', response.body, startedAt, deploymentId);
  }

  #send(res: ServerResponse, req: IncomingMessage, status: number, outcome: GatewayOutcome, body: ErrorBody, startedAt: number, deploymentId: string | undefined): void {
    if (res.headersSent) {
      res.destroy();
    } else {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
    }
    // Unread request bodies are discarded, not buffered.
    if (!req.complete) req.resume();
    this.#observer?.onResult(outcome, status, startedAt, deploymentId);
  }
}

/** An in-process request waiting for the first bytes of its answer. */
interface Waiting {
  /** The node:http request (its unread body is discarded on timeout); undefined on the fast lane. */
  readonly req: IncomingMessage | undefined;
  readonly deadline: number;
  readonly startedAt: number;
  readonly deploymentId: string;
  timedOut: boolean;
}

/** How often the timeout sweep runs: a tenth of the timeout, between 10 ms and 1 s (5 min → cut within 1 s). */
function sweepPeriod(timeoutMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
}

/** The 504 answer when the MCP server stays silent past the upstream timeout. */
function timeoutBody(timeoutMs: number): ErrorBody {
  return { error: ERROR_CODES.upstream_timeout, message: 'The MCP server did not answer in time.', details: { timeoutMs } };
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // The form every client sends, without a regex match; anything else (other case, more spaces) below.
  if (header.startsWith('Bearer ') && header.indexOf(' ', 7) === -1 && header.length > 7) return header.slice(7);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function queryToken(url: string, queryAt: number): string | undefined {
  if (queryAt === -1) return undefined;
  const value = new URLSearchParams(url.slice(queryAt + 1)).get('token');
  return value ?? undefined;
}
