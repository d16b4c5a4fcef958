/**
 * The JavaScript the service runs per tool call on the fast lane, alone: one process, no socket, no child. A
 * request's bytes go into a real LaneConnection (over a socket stand-in), through the real gateway (token checked
 * by the real authorisation cache: a SHA-256 and a constant-time compare) into the real bridge, whose MCP server
 * is a stand-in answering each request with the line server-memory's `read_graph` writes; the answer goes back out
 * through the lane's response writer. What the kernel, node's streams and the other processes cost is left out,
 * so this figure moves with the code, not with the machine.
 */
import { EventEmitter } from 'node:events';
import { Server } from 'node:http';
import type { Socket } from 'node:net';
import { McpBridge } from '@catwalk/adapters';
import type { Upstream } from '@catwalk/adapters';
import { CachingGatewayAuthority, McpGateway, parseUpstream } from '@catwalk/http';
import type { GatewayTarget } from '@catwalk/http';
import { FastLane } from '../../packages/http/src/gateway/lane/fastLane.js';
import { LaneConnection } from '../../packages/http/src/gateway/lane/laneConnection.js';
import { bestMicrosPerCall } from '../support/measure.js';
import type { BenchRow } from '../types.js';
import { BENCH_DEPLOYMENT, BENCH_TOKEN, READ_GRAPH_BODY, sdkPost } from './sdkRequest.js';

/** What server-memory 2025's `read_graph` writes for an empty graph, with `%ID%` for the request's id. */
const ANSWER = '{"result":{"content":[{"type":"text","text":"{\\n  \\"entities\\": [],\\n  \\"relations\\": []\\n}"}],"structuredContent":{"entities":[],"relations":[]}},"jsonrpc":"2.0","id":%ID%}';

/** The MCP server behind the bridge: serialises what it is sent (as StdioChild does) and answers on demand. */
class AnsweringServer implements Upstream {
  onMessage: Upstream['onMessage'];
  onResponseLine: Upstream['onResponseLine'];
  onExit: Upstream['onExit'];
  #lastId = 0;
  /** The last line sent, serialised as StdioChild serialises it for the child's stdin. */
  sent = '';

  send(message: Parameters<Upstream['send']>[0]): void {
    this.sent = `${JSON.stringify(message)}\n`;
    const request = message as { id?: number; method?: string };
    if (request.method === 'initialize') {
      this.onMessage?.({ jsonrpc: '2.0', id: request.id!, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'bench', version: '1' } } });
    } else if (request.id !== undefined) {
      this.#lastId = request.id;
    }
  }

  /** Answers the last request, as server-memory's line would arrive. */
  answer(): void {
    const line = ANSWER.replace('%ID%', String(this.#lastId));
    if (this.onResponseLine?.(line) !== true) throw new Error('the bridge did not route the answer unparsed');
  }
}

/** Enough of net.Socket for a LaneConnection: it records what is written. */
class SocketStandIn extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  written = '';
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  isPaused(): boolean {
    return false;
  }
  write(data: string): boolean {
    this.written = data;
    return true;
  }
  end(): void {}
  destroy(): void {}
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

/** The best round's JavaScript time per tool call through lane, gateway and bridge, in µs. */
export async function laneInProcessRow(smoke: boolean): Promise<BenchRow> {
  const server = new AnsweringServer();
  const bridge = new McpBridge();
  await bridge.attach(server);
  const target: GatewayTarget = { upstreamUrl: 'http://127.0.0.1:1/mcp', upstream: parseUpstream('http://127.0.0.1:1/mcp'), upstreamHeaders: {}, inProcess: bridge };
  const authority = new CachingGatewayAuthority(
    {
      authorize: async (id, token) => {
        if (id !== BENCH_DEPLOYMENT || token !== BENCH_TOKEN) throw new Error('refused');
        return target;
      },
      invalidate: () => undefined,
    },
    { ttlMs: 3_600_000, maxEntries: 10 },
  );
  await authority.authorize(BENCH_DEPLOYMENT, BENCH_TOKEN);
  const gateway = new McpGateway(authority, { maxBodyBytes: 4 * 1024 * 1024, upstreamTimeoutMs: 300_000, allowedOrigins: [] });
  const lane = new FastLane(new Server(), () => gateway, { keepAliveTimeoutMs: 65_000, headersTimeoutMs: 30_000, maxHeadBytes: 16 * 1024 });
  const socket = new SocketStandIn();
  const connection = new LaneConnection(socket as unknown as Socket, lane);

  // A session, opened the way a client opens it.
  const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  socket.emit('data', sdkPost(init, undefined));
  const sessionId = /mcp-session-id: ([^\r]+)/i.exec(socket.written)?.[1];
  if (sessionId === undefined) throw new Error(`no session: ${socket.written.slice(0, 200)}`);

  const bytes = sdkPost(READ_GRAPH_BODY, sessionId);
  const call = (): void => {
    socket.emit('data', bytes);
    server.answer();
  };
  call();
  if (!socket.written.startsWith('HTTP/1.1 200 ') || !socket.written.includes('"id":1}')) throw new Error(`unexpected answer: ${socket.written.slice(0, 300)}`);
  const rounds = smoke ? 2 : 10;
  const perRound = smoke ? 1000 : 50_000;
  for (let i = 0; i < (smoke ? 1000 : 20_000); i++) call(); // warm-up (V8 optimises the path)
  const best = bestMicrosPerCall(rounds, perRound, call);
  connection.destroy();
  bridge.close();
  gateway.close();
  return { area: 'gateway', metric: 'fast lane → gateway → bridge, JavaScript per tool call', value: best, unit: 'µs', note: `in one process, no socket and no child (bench/gateway/laneInProcess.ts); best of ${rounds} rounds of ${perRound}` };
}
