import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createBridgeServer, type BridgeServer } from '../../src/bridge/httpServer.js';
import { LogRing } from '../../src/bridge/logRing.js';
import { McpBridge, type BridgeOptions } from '../../src/bridge/mcpBridge.js';
import { StdioChild } from '../../src/bridge/stdioChild.js';

/** Absolute path of the fixture MCP server script. */
export const FIXTURE_SERVER = fileURLToPath(new URL('../fixtures/mcp-servers/fixture-server.mjs', import.meta.url));

/** A bridge over the fixture server on a loopback port. */
export interface FixtureBridge {
  readonly server: BridgeServer;
  readonly child: StdioChild;
  readonly logs: LogRing;
  close(): Promise<void>;
}

export async function startFixtureBridge(options: BridgeOptions = {}, env: Record<string, string> = {}): Promise<FixtureBridge> {
  const logs = new LogRing();
  const bridge = new McpBridge(options);
  const server = await createBridgeServer({ port: 0, bridge });
  const child = new StdioChild({ command: process.execPath, args: [FIXTURE_SERVER], env: { PATH: process.env.PATH ?? '', ...env } }, logs);
  await bridge.attach(child, 10_000);
  return {
    server,
    child,
    logs,
    close: async () => {
      child.signal('SIGKILL');
      await server.close();
    },
  };
}

/** An SDK client connected over Streamable HTTP, as any MCP client would connect. */
export async function connectClient(url: string, capabilities: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  return { client, transport };
}

/** Text of the first content item of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content;
  return content?.[0]?.text ?? '';
}

/** Polls `predicate` every 10 ms until true or `timeoutMs` elapsed. */
export async function eventually(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
