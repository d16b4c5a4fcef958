/**
 * The stdio → Streamable-HTTP bridges people would otherwise pick, as the gateway bench runs them: supergateway 4
 * (stateful Streamable HTTP) and mcp-proxy 6 (stream endpoint), each fronting @modelcontextprotocol/server-memory.
 * Both are root dev dependencies, started from node_modules/.bin with no shell of ours.
 */
import { join } from 'node:path';
import { MEMORY_BIN, ROOT } from '../support/measure.js';

/** A third-party bridge: its name and its argv for a port. */
export interface ThirdPartyBridge {
  readonly name: string;
  readonly argv: (port: number) => string[];
}

export const THIRD_PARTY_BRIDGES: readonly ThirdPartyBridge[] = [
  {
    name: 'supergateway 4',
    // supergateway takes the server as one command string and runs it through a shell itself; the string is a
    // fixed path, never input.
    argv: (port) => [
      join(ROOT, 'node_modules/.bin/supergateway'),
      '--stdio',
      `${process.execPath} ${MEMORY_BIN}`,
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
    argv: (port) => [join(ROOT, 'node_modules/.bin/mcp-proxy'), '--port', String(port), '--host', '127.0.0.1', '--server', 'stream', '--', process.execPath, MEMORY_BIN],
  },
];
