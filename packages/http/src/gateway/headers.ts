import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Request headers the gateway passes to the upstream: what MCP's Streamable HTTP needs, nothing else. An
 * allow-list means our Authorization (the MCP spec forbids token pass-through), cookies, hop-by-hop headers and
 * anything a client invents never reach the server.
 */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'content-length', 'user-agent'] as const;

/** Response headers never passed back (hop-by-hop, and cookies an upstream might set for our origin). */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'set-cookie']);

/** The headers of the upstream request: the allow-listed ones plus the target's own (the upstream secret). */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, extra: Readonly<Record<string, string>>): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = incoming[name];
    if (value !== undefined) out[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) out[name] = value;
  return out;
}

/** The headers sent back to the client: the upstream's minus hop-by-hop; SSE marked unbuffered for proxies. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connectionListed = upstream.connection?.toLowerCase().split(',').map((name) => name.trim()) ?? [];
  for (const name in upstream) {
    if (DROPPED_RESPONSE_HEADERS.has(name) || connectionListed.includes(name)) continue;
    out[name] = upstream[name];
  }
  const type = upstream['content-type'];
  if (type !== undefined && type.startsWith('text/event-stream')) {
    out['x-accel-buffering'] = 'no';
    out['cache-control'] = 'no-cache, no-transform';
  }
  return out;
}
