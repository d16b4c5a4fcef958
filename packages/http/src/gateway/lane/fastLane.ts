import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { McpGateway } from '../gateway.js';
import { LaneConnection } from './laneConnection.js';
import type { LaneHost, LaneLimits } from './laneConnection.js';
import type { LaneHead } from './requestHead.js';
import type { LaneResponse } from './laneResponse.js';

type ConnectionListener = (this: Server, socket: Socket) => void;

/** What the lane asks of the gateway (see {@link McpGateway.serveLanePost}). */
export type LaneGateway = Pick<McpGateway, 'serveLanePost' | 'maxBodyBytes'>;

/**
 * The gateway's fast lane: every connection the service accepts starts here. While its requests are MCP POSTs
 * to a deployment whose bridge runs in this process, the lane serves them with its own HTTP/1.1 reading and
 * writing (no `IncomingMessage`, `ServerResponse` or stream objects per request: on this hot path node:http's
 * per-request machinery cost more CPU than the proxying itself). At the first request it cannot serve (any other
 * path or method, anything unusual in the head, any refusal, a remote upstream) the connection goes, with every
 * unconsumed byte, to node:http through its documented `'connection'` event, and stays there: the API, the
 * console, GET streams, DELETE and every error answer are node:http's alone.
 */
export class FastLane implements LaneHost {
  readonly limits: LaneLimits;
  readonly #server: Server;
  readonly #gateway: () => LaneGateway | undefined;
  readonly #nodeListeners: readonly ConnectionListener[];
  readonly #connections = new Set<LaneConnection>();
  #closing = false;

  /**
   * Puts the lane in front of `server`'s own connection handling. `gateway` answers undefined while the app is
   * not mounted yet (connections then go straight to node:http).
   */
  constructor(server: Server, gateway: () => LaneGateway | undefined, limits: LaneLimits) {
    this.#server = server;
    this.#gateway = gateway;
    this.limits = limits;
    this.#nodeListeners = server.listeners('connection') as ConnectionListener[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => this.#accept(socket));
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** The gateway's own body limit (0 while it is not mounted: every request then goes to node:http). */
  get maxBodyBytes(): number {
    return this.#gateway()?.maxBodyBytes ?? 0;
  }

  /** Requests the lane is serving now (graceful shutdown waits for them). */
  get inFlight(): number {
    let count = 0;
    for (const connection of this.#connections) if (!connection.idle) count++;
    return count;
  }

  /** Connections the lane holds (tests, metrics). */
  get connections(): number {
    return this.#connections.size;
  }

  serve(head: LaneHead, body: Buffer, response: LaneResponse, ip: string): boolean | Promise<boolean> {
    const gateway = this.#gateway();
    if (gateway === undefined) return false;
    const facts = { method: 'POST', url: head.url, origin: head.origin, authorization: head.authorization, contentLength: head.contentLength, ip };
    // Only what the bridge reads goes on: our access token stops here, as on every other route.
    const headers = { accept: head.accept, contentType: head.contentType, sessionId: head.sessionId, protocolVersion: head.protocolVersion };
    return gateway.serveLanePost(facts, headers, body, response);
  }

  handOver(connection: LaneConnection, socket: Socket, unread: Buffer | undefined): void {
    this.#connections.delete(connection);
    this.#toNode(socket, unread);
  }

  closed(connection: LaneConnection): void {
    this.#connections.delete(connection);
  }

  /**
   * Shutdown, first step: new connections go to node:http (which refuses them once closed), idle ones close, and
   * answers in progress close their connection when done.
   */
  closeIdle(): void {
    this.#closing = true;
    for (const connection of this.#connections) if (connection.idle) connection.destroy();
  }

  /** Shutdown, last step: cuts whatever is left. */
  destroyAll(): void {
    this.#closing = true;
    for (const connection of this.#connections) connection.destroy();
  }

  #accept(socket: Socket): void {
    if (this.#closing || this.#gateway() === undefined) return this.#toNode(socket, undefined);
    this.#connections.add(new LaneConnection(socket, this));
  }

  /** node:http takes the socket as a new connection; bytes already read are put back to be parsed first. */
  #toNode(socket: Socket, unread: Buffer | undefined): void {
    if (unread !== undefined) {
      socket.pause();
      socket.unshift(unread);
    }
    for (const listener of this.#nodeListeners) listener.call(this.#server, socket);
    // node:http reads the replayed bytes through the stream, so it has to flow again.
    if (unread !== undefined) socket.resume();
  }
}
