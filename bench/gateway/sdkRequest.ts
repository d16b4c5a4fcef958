/**
 * The request the MCP SDK's Streamable-HTTP client sends for a tool call, byte for byte as it arrives at the
 * gateway (its header set and order, as node's fetch writes them), for the benches that feed the fast lane
 * without a client.
 */

export const BENCH_DEPLOYMENT = '38ff9cd3-fd1e-4870-96f0-0123456789ab';
export const BENCH_TOKEN = 'cwt_WbD7QXLlb8DLcVW_cw7sDIfVLmbRcJ2rvUvr1z3v95s';
/** A `tools/call` of server-memory's `read_graph`, as the SDK serialises it. */
export const READ_GRAPH_BODY = JSON.stringify({ method: 'tools/call', params: { name: 'read_graph', arguments: {} }, jsonrpc: '2.0', id: 1 });

/** An MCP POST to the bench deployment; no `mcp-session-id` when `sessionId` is undefined (an initialize). */
export function sdkPost(body: string, sessionId: string | undefined): Buffer {
  const head = [
    `POST /mcp/${BENCH_DEPLOYMENT} HTTP/1.1`,
    'host: 127.0.0.1:7420',
    'connection: keep-alive',
    'content-type: application/json',
    `authorization: Bearer ${BENCH_TOKEN}`,
    'mcp-protocol-version: 2025-06-18',
    ...(sessionId === undefined ? [] : [`mcp-session-id: ${sessionId}`]),
    'accept: application/json, text/event-stream',
    'accept-language: *',
    'sec-fetch-mode: cors',
    'user-agent: node',
    'accept-encoding: gzip, deflate',
    `content-length: ${Buffer.byteLength(body)}`,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}
