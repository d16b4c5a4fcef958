import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpBridge, type BridgeOptions } from './mcpBridge.js';

/** Options of a listening bridge. */
export interface BridgeServerOptions extends BridgeOptions {
  readonly port: number;
  /** Default 127.0.0.1. Anything but loopback requires `secret`. */
  readonly host?: string;
  /** The MCP endpoint path (default `/mcp`). */
  readonly path?: string;
  /**
   * Also serve `<path>/<secret>` (a capability URL): callers that cannot add a header (a generic reverse proxy
   * given only an upstream URL) authenticate with the path. The URL is then a secret: never log it.
   */
  readonly secretInPath?: boolean;
  /** An existing bridge to serve (default: a new one with these options). */
  readonly bridge?: McpBridge;
}

/** A listening bridge. */
export interface BridgeServer {
  readonly bridge: McpBridge;
  readonly server: Server;
  readonly port: number;
  /** `http://host:port/path`. */
  readonly url: string;
  /** `url` + `/<secret>` when `secretInPath` is set (a capability URL: treat as a secret). */
  readonly secretUrl: string | undefined;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether a host is loopback-only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * Serves a bridge on node:http: the MCP endpoint at `path` and `GET /healthz` (200 when the server is initialized
 * and answers `ping`, else 503). Refuses to listen beyond loopback without an upstream secret.
 */
export async function createBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && (options.secret === undefined || options.secret.length < 16)) {
    throw new Error('A bridge listening beyond loopback needs an upstream secret of at least 16 characters.');
  }
  const path = options.path ?? '/mcp';
  const bridge = options.bridge ?? new McpBridge(options);
  const server = createServer((req, res) => route(bridge, path, options.secretInPath === true, req, res));
  // Long tool calls and SSE streams must not be cut by the server's own timeouts.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    bridge,
    server,
    port,
    url: `http://${urlHost}:${port}${path}`,
    secretUrl: options.secretInPath === true && options.secret !== undefined ? `http://${urlHost}:${port}${path}/${encodeURIComponent(options.secret)}` : undefined,
    close: () =>
      new Promise<void>((resolve) => {
        bridge.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(bridge: McpBridge, path: string, secretInPath: boolean, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  if (pathname === path) return bridge.handle(req, res);
  if (secretInPath && pathname.startsWith(`${path}/`)) {
    let candidate: string;
    try {
      candidate = decodeURIComponent(pathname.slice(path.length + 1));
    } catch {
      candidate = '';
    }
    if (bridge.matchesSecret(candidate)) return bridge.handle(req, res, { secretVerified: true });
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"unauthorized"}');
    return;
  }
  if (pathname === '/healthz' && req.method === 'GET') {
    void bridge.ping(5000).then((ok) => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    });
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not_found"}');
}
