/**
 * The bridges people would otherwise pick, measured like bench/bridge.ts and bench/gateway.ts measure ours:
 * supergateway 4 (stdio → Streamable HTTP, stateful) and mcp-proxy 6 (stream endpoint), each fronting
 * @modelcontextprotocol/server-memory over stdio. Sequential and 8-way `read_graph` calls/s, p50/p99, and the
 * CPU time of the proxy process itself per call (/proc/<pid>/stat utime+stime; the MCP server children are
 * separate processes and excluded).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchRow } from './types.js';
import { MEMORY_BIN, ROOT, connectHttp, cpuMicros, freePort, parallelCalls, sequentialCalls, startListening, withoutListenerWarnings } from './support/measure.js';

interface Bridge {
  readonly name: string;
  readonly argv: (port: number) => string[];
}

const BRIDGES: readonly Bridge[] = [
  {
    name: 'supergateway',
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
    name: 'mcp-proxy',
    argv: (port) => [join(ROOT, 'node_modules/.bin/mcp-proxy'), '--port', String(port), '--host', '127.0.0.1', '--server', 'stream', '--', process.execPath, MEMORY_BIN],
  },
];

async function measure(bridge: Bridge, smoke: boolean, memoryFile: string): Promise<BenchRow[]> {
  const calls = smoke ? 96 : 3000;
  const warm = smoke ? 16 : 400;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const helper = await startListening(bridge.argv(port), url, { MEMORY_FILE_PATH: memoryFile });
  const area = 'bridges';
  try {
    const client = await connectHttp(url);
    await sequentialCalls(client, warm);
    const cpu0 = cpuMicros(helper.pid);
    const seq = await sequentialCalls(client, calls);
    const cpuSeq = (cpuMicros(helper.pid) - cpu0) / calls;
    const clients = await Promise.all(Array.from({ length: 8 }, () => connectHttp(url)));
    await parallelCalls(clients, Math.ceil(warm / 8));
    const cpu1 = cpuMicros(helper.pid);
    const par = await parallelCalls(clients, Math.ceil(calls / 8));
    const cpuPar = (cpuMicros(helper.pid) - cpu1) / (Math.ceil(calls / 8) * 8);
    await Promise.all([client, ...clients].map((c) => c.close().catch(() => undefined)));
    const note = smoke ? 'smoke' : undefined;
    const row = (metric: string, value: number, unit: string, extra?: string): BenchRow => ({
      area,
      metric: `${bridge.name} ${metric}`,
      value,
      unit,
      ...(extra !== undefined || note !== undefined ? { note: [extra, note].filter(Boolean).join('; ') } : {}),
    });
    return [
      row('sequential', Math.round(seq.perSecond), 'calls/s'),
      row('8-way', Math.round(par.perSecond), 'calls/s', '8 sessions'),
      row('p50', Math.round(seq.p50 * 1000), 'µs', 'sequential'),
      row('p99', Math.round(seq.p99 * 1000), 'µs', 'sequential'),
      row('CPU per call (sequential)', Math.round(cpuSeq), 'µs', 'proxy process only'),
      row('CPU per call (8-way)', Math.round(cpuPar), 'µs', 'proxy process only'),
    ];
  } finally {
    await helper.stop();
  }
}

/** Measures supergateway and mcp-proxy in turn (one at a time, so they never compete for the two cores). */
export async function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'catwalk-bench-bridges-'));
  const rows: BenchRow[] = [];
  try {
    for (const bridge of BRIDGES) rows.push(...(await withoutListenerWarnings(() => measure(bridge, options.smoke, join(dir, `${bridge.name}.jsonl`)))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

// Run directly: `node --conditions=@catwalk/source --import tsx bench/bridges.ts [--smoke]`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run({ smoke: process.argv.includes('--smoke') });
  for (const r of rows) console.log(`${r.metric.padEnd(40)} ${String(r.value).padStart(8)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
