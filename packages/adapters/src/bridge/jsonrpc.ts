/**
 * Minimal JSON-RPC 2.0 shapes for the bridge's hot path. The bridge does not validate MCP payloads (the child
 * and the client do); it only needs to tell requests, notifications and responses apart and to rewrite ids,
 * so a few property checks replace a schema parse on every message.
 */
export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}
export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}
export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** JSON-RPC error codes the bridge itself answers with. */
export const RPC_ERRORS = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  internalError: -32603,
  /** Server-defined: the MCP server restarted or is unavailable while the request was in flight. */
  serverUnavailable: -32001,
} as const;

/** Whether `value` looks like a JSON-RPC 2.0 message (request, notification or response). */
export function isJsonRpcMessage(value: unknown): value is JsonRpcMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return false;
  if (typeof m.method === 'string') {
    return m.id === undefined || typeof m.id === 'string' || typeof m.id === 'number';
  }
  return ('result' in m || 'error' in m) && (typeof m.id === 'string' || typeof m.id === 'number' || m.id === null);
}

export function isRequest(m: JsonRpcMessage): m is JsonRpcRequest {
  return 'method' in m && (m as JsonRpcRequest).id !== undefined;
}
export function isNotification(m: JsonRpcMessage): m is JsonRpcNotification {
  return 'method' in m && (m as JsonRpcRequest).id === undefined;
}
export function isResponse(m: JsonRpcMessage): m is JsonRpcResponse {
  return !('method' in m);
}

/** A JSON-RPC error response. */
export function rpcError(id: JsonRpcId | null, code: number, message: string): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** A map key for an id that keeps `1` and `"1"` apart. */
export function idKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n${id}` : `s${id}`;
}

/**
 * Rewrites the top-level `id` of a response as the MCP server serialised it, without parsing and re-serialising
 * the (possibly large) result: the bridge forwards the server's own bytes with only the id changed.
 *
 * Only two layouts are recognised, and only when the text is compact JSON that was already parsed successfully
 * (so its tokenisation is known to be valid): the id as the second member right after `"jsonrpc":"2.0"`
 * (Python SDK, pydantic field order) or as the very last member (TypeScript SDK: `{result, jsonrpc, id}`). In
 * both places the literal `"id":<value>` can only be the top-level key: in the prefix nothing nested precedes
 * it; in the suffix the final `}` closes the root object and the quote before `id` is preceded by `,`, so it
 * opens a key. Anything else (whitespace, CR, escapes, another layout) answers `undefined` and the caller falls
 * back to `JSON.stringify`. Routing never depends on this function: it uses the parsed id.
 */
export function replaceResponseId(text: string, from: JsonRpcId, to: JsonRpcId | null): string | undefined {
  const fromToken = JSON.stringify(from);
  const last = text.length - 1;
  if (text.charCodeAt(last) !== 125 /* } */ || text.includes('\r')) return undefined;
  const toToken = JSON.stringify(to);
  const prefix = `{"jsonrpc":"2.0","id":${fromToken},`;
  if (text.startsWith(prefix)) return `{"jsonrpc":"2.0","id":${toToken},${text.slice(prefix.length)}`;
  const suffix = `,"id":${fromToken}}`;
  if (text.charCodeAt(0) === 123 /* { */ && text.endsWith(suffix)) return `${text.slice(0, text.length - suffix.length)},"id":${toToken}}`;
  return undefined;
}

/** `,"jsonrpc":"2.0","id":<digits>}` at the very end of a line (matched on the line's last characters only). */
const TRAILING_ID = /,"jsonrpc":"2\.0","id":(\d{1,15})\}$/;
const TRAILING_ID_MAX = ',"jsonrpc":"2.0","id":999999999999999}'.length;
/** `{"jsonrpc":"2.0","id":<digits>,"result"|"error":` at its start. */
const LEADING_ID = /^\{"jsonrpc":"2\.0","id":(\d{1,15}),"(?:result|error)":/;

/**
 * The integer id of a line that has the layout of a JSON-RPC response, without parsing it: the TypeScript SDK's
 * `{"result"|"error":…,"jsonrpc":"2.0","id":N}` or the Python SDK's `{"jsonrpc":"2.0","id":N,"result"|"error":…}`
 * (the layouts {@link replaceResponseId} rewrites). Undefined for anything else, requests and notifications
 * included (a request's first or last member is never `result` or `error` in these layouts).
 */
export function responseIdOf(text: string): number | undefined {
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  if (text.startsWith('{"result":') || text.startsWith('{"error":')) {
    const match = TRAILING_ID.exec(text.length > TRAILING_ID_MAX ? text.slice(text.length - TRAILING_ID_MAX) : text);
    return match === null ? undefined : Number(match[1]);
  }
  const match = LEADING_ID.exec(text);
  return match === null ? undefined : Number(match[1]);
}
