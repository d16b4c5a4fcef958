/**
 * What the bridge writes an HTTP answer to. node's `ServerResponse` satisfies it, and so does the gateway's fast
 * lane (which writes HTTP/1.1 on the socket itself): the bridge's Streamable-HTTP logic exists once for both.
 */
export interface McpResponse {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  writeHead(status: number, headers?: Record<string, string | number>): unknown;
  /** A body chunk; once headers are out without a Content-Length, the response is chunked (SSE). */
  write(chunk: string): unknown;
  end(chunk?: string): unknown;
  /** Fires once: the answer was sent in full, or the client went away first. */
  on(event: 'close', listener: () => void): unknown;
}

/** The request headers an MCP POST is judged by (the only ones the bridge reads). */
export interface McpPostHeaders {
  readonly accept: string | undefined;
  readonly contentType: string | undefined;
  readonly sessionId: string | undefined;
  readonly protocolVersion: string | undefined;
}
