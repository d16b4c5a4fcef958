import { createRequire } from 'node:module';
import { aMcpConfig, aSnapshot } from '@catwalk/core/testing';
import type { FakePorts } from '@catwalk/core/testing';

const require = createRequire(import.meta.url);

/** The real server-memory from node_modules (run with node by the local orchestrator: no npx, no network). */
export const SERVER_MEMORY_ENTRY = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');
export const SERVER_MEMORY_VERSION = (require('@modelcontextprotocol/server-memory/package.json') as { version: string }).version;
export const MEMORY_SOURCE = 'npm:@modelcontextprotocol/server-memory';

/** The fixture whose form exercises every kind of field: a required secret, a URL, a choice with a default, a number. */
export const FIXTURE_SOURCE = 'npm:@example/mcp-server@1.2.3';

/**
 * Seeds the fakes the console test talks to through the real API: the catalogue lists server-memory, the registry
 * knows both packages, and the scripted analyser answers configs with evidence (file, line, analyser).
 */
export function seedConsoleFixtures(ports: FakePorts): void {
  ports.registry.publish({ runtime: 'npm', name: '@modelcontextprotocol/server-memory', versions: [SERVER_MEMORY_VERSION], description: 'Knowledge graph memory' });
  ports.catalog.add({
    name: 'io.github.modelcontextprotocol/server-memory',
    description: 'Knowledge graph-based persistent memory',
    packages: [{ runtime: 'npm', name: '@modelcontextprotocol/server-memory' }],
    catalogs: ['mcp-registry'],
    source: MEMORY_SOURCE,
  });
  ports.repoSource.add(
    aSnapshot({
      key: MEMORY_SOURCE,
      origin: MEMORY_SOURCE,
      files: [{ path: 'README.md', content: '# Memory\nMEMORY_FILE_PATH: where the graph is kept', size: 49 }],
    }),
  );
  ports.analyzer.script(
    MEMORY_SOURCE,
    aMcpConfig({
      name: 'Knowledge graph memory',
      description: 'A persistent knowledge graph for the model.',
      package: { runtime: 'npm', name: '@modelcontextprotocol/server-memory', version: SERVER_MEMORY_VERSION },
      envVars: [{ name: 'MEMORY_FILE_PATH', description: 'Path of the JSONL file the graph is stored in', required: false, secret: false, format: 'filepath' }],
      tools: [{ name: 'create_entities' }, { name: 'read_graph' }],
      evidence: [
        { field: 'package', file: 'package.json', line: 2, analyzer: 'static', confidence: 'high', snippet: '"name": "@modelcontextprotocol/server-memory"' },
        { field: 'env.MEMORY_FILE_PATH', file: 'dist/index.js', line: 12, analyzer: 'static', confidence: 'high', snippet: 'process.env.MEMORY_FILE_PATH' },
      ],
      analyzers: ['static'],
    }),
  );
  ports.analyzer.script(
    FIXTURE_SOURCE,
    aMcpConfig({
      name: 'Example weather server',
      description: 'Forecasts from an example API.',
      envVars: [
        { name: 'API_KEY', description: 'Your key for the example API', required: true, secret: true },
        { name: 'ENDPOINT_URL', description: 'Base URL of the API', required: false, secret: false, format: 'url' },
        { name: 'UNITS', description: 'Measurement units', required: false, secret: false, default: 'metric', choices: ['metric', 'imperial'] },
        { name: 'TIMEOUT_SECONDS', description: 'Request timeout', required: false, secret: false, format: 'number' },
      ],
      evidence: [
        { field: 'env.API_KEY', file: 'src/config.ts', line: 7, analyzer: 'static', confidence: 'high', snippet: 'const key = process.env.API_KEY' },
        { field: 'env.UNITS', file: 'README.md', line: 21, analyzer: 'claude', confidence: 'medium' },
      ],
      analyzers: ['static', 'claude'],
    }),
  );
}
