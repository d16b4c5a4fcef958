/**
 * The stdio → Streamable-HTTP bridges people would otherwise pick, as the gateway bench runs them: supergateway 4
 * (stateful Streamable HTTP) and mcp-proxy 6 (stream endpoint), each fronting @modelcontextprotocol/server-memory.
 * Both are root dev dependencies, started from node_modules/.bin with no shell of ours.
 */
import { join } from 'node:path';
import { ChildScheduling } from '@catwalk/adapters';
import { MEMORY_BIN, ROOT } from '../support/measure.js';

/** A third-party bridge: its name and its argv for a port and the MCP server's own argv. */
export interface ThirdPartyBridge {
  readonly name: string;
  readonly argv: (port: number, server: readonly string[]) => string[];
}

/** How server-memory runs behind a third-party bridge. */
export interface ServerVariant {
  /** Added to the bridge's name ('' for the plain one). */
  readonly suffix: string;
  readonly server: readonly string[];
}

/** server-memory as the bridges' own docs run it: the reference of the targets. */
export const PLAIN_SERVER: ServerVariant = { suffix: '', server: [process.execPath, MEMORY_BIN] };

/**
 * server-memory under SCHED_BATCH exactly as the local orchestrator launches its own servers (undefined where that
 * does not work here): shows how much of the difference the scheduling policy alone makes.
 */
export async function batchServer(): Promise<ServerVariant | undefined> {
  const launch = await new ChildScheduling('batch').apply({ command: process.execPath, args: [MEMORY_BIN], env: {} });
  return launch.command === process.execPath ? undefined : { suffix: ', server under chrt --batch', server: [launch.command, ...launch.args] };
}

export const THIRD_PARTY_BRIDGES: readonly ThirdPartyBridge[] = [
  {
    name: 'supergateway 4',
    // supergateway takes the server as one command string and runs it through a shell itself; the string is made
    // of fixed paths, never input.
    argv: (port, server) => [
      join(ROOT, 'node_modules/.bin/supergateway'),
      '--stdio',
      server.join(' '),
      '--outputTransport',
      'streamableHttp',
      '--stateful',
      '--port',
      String(port),
      '--logLevel',
      'none',
    ],
  },
  {
    name: 'mcp-proxy 6',
    argv: (port, server) => [join(ROOT, 'node_modules/.bin/mcp-proxy'), '--port', String(port), '--host', '127.0.0.1', '--server', 'stream', '--', ...server],
  },
];
