/**
 * Session figures of the gateway bench, over raw Streamable HTTP (fetch) so that thousands of sessions cost the
 * client little: many concurrent sessions (initialize + one tools/call each, errors counted), and many abandoned
 * sessions (initialize only, never DELETEd) reaped by the bridge's idle reaper, with the control plane's memory
 * read before and after (by the helper process, after a full GC).
 */
import type { BenchRow } from '../types.js';

const VERSION = '2025-06-18';
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
/** Requests in flight from this client at most (the sessions themselves all stay open at once). */
const CLIENT_CONCURRENCY = 200;

/** Sends a command to the control-plane helper and reads its JSON answer. */
export type AskHelper = <A>(command: string) => Promise<A>;

interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly sessions: number;
}

/** Runs `work(0..count-1)` with at most `concurrency` at once; answers how many threw. */
async function pool(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      try {
        await work(index);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return failures;
}

async function post(endpoint: string, token: string, body: unknown, session?: string): Promise<Response> {
  return fetch(endpoint, {
    method: 'POST',
    headers: { ...HEADERS, authorization: `Bearer ${token}`, ...(session === undefined ? {} : { 'mcp-session-id': session, 'mcp-protocol-version': VERSION }) },
    body: JSON.stringify(body),
  });
}

/** initialize + notifications/initialized; answers the session id or throws. */
async function openSession(endpoint: string, token: string, index: number): Promise<string> {
  const init = await post(endpoint, token, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: `bench-${index}`, version: '1' } } });
  const text = await init.text();
  const session = init.headers.get('mcp-session-id');
  if (init.status !== 200 || session === null || !text.includes('"result"')) throw new Error(`initialize answered ${init.status}`);
  const initialized = await post(endpoint, token, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  await initialized.arrayBuffer();
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return session;
}

async function callTool(endpoint: string, token: string, session: string): Promise<void> {
  const res = await post(endpoint, token, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'read_graph', arguments: {} } }, session);
  const text = await res.text();
  if (res.status !== 200 || !text.includes('"result"') || text.includes('"isError":true')) throw new Error(`tools/call answered ${res.status}`);
}

/** `count` sessions open at once through the gateway, each initialize + one tools/call; then all DELETEd. */
export async function concurrentSessions(endpoint: string, token: string, count: number): Promise<BenchRow[]> {
  const sessions: string[] = [];
  const started = performance.now();
  const errors = await pool(count, CLIENT_CONCURRENCY, async (index) => {
    const session = await openSession(endpoint, token, index);
    sessions.push(session);
    await callTool(endpoint, token, session);
  });
  const elapsed = (performance.now() - started) / 1000;
  const deleteErrors = await pool(sessions.length, CLIENT_CONCURRENCY, async (index) => {
    const res = await fetch(endpoint, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sessions[index]!, 'mcp-protocol-version': VERSION } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`DELETE answered ${res.status}`);
  });
  const area = 'gateway';
  return [
    { area, metric: `${count} concurrent sessions: errors (initialize + tools/call)`, value: errors, unit: 'errors', note: `target 0; ${sessions.length} sessions opened, at most ${Math.min(CLIENT_CONCURRENCY, count)} requests in flight` },
    { area, metric: `${count} concurrent sessions: wall time`, value: round(elapsed), unit: 's', note: `${Math.round((3 * count) / elapsed)} requests/s (initialize, notifications/initialized, tools/call)` },
    { area, metric: `${count} concurrent sessions: DELETE errors`, value: deleteErrors, unit: 'errors' },
  ];
}

/**
 * `count` sessions initialized and abandoned (never DELETEd), then the bridge's idle reaper; the control plane's
 * RSS and heap (after a full GC) before, with the sessions, and after reaping.
 */
export async function abandonedSessions(endpoint: string, token: string, count: number, ask: AskHelper): Promise<BenchRow[]> {
  // Warm-up: the code paths and buffers of a session exist before the baseline is read.
  await pool(Math.min(500, count), CLIENT_CONCURRENCY, async (index) => void (await openSession(endpoint, token, index)));
  await ask('reap');
  const before = await ask<MemoryReading>('memory');
  const errors = await pool(count, CLIENT_CONCURRENCY, async (index) => void (await openSession(endpoint, token, index)));
  const loaded = await ask<MemoryReading>('memory');
  const reaped = await ask<{ reaped: number; sessions: number }>('reap');
  const after = await ask<MemoryReading>('memory');
  const mib = (bytes: number): number => round(bytes / (1024 * 1024));
  const area = 'gateway';
  return [
    { area, metric: `${count} abandoned sessions: initialize errors`, value: errors, unit: 'errors' },
    { area, metric: `${count} abandoned sessions: open at the bridge before reaping`, value: loaded.sessions, unit: 'sessions' },
    { area, metric: `${count} abandoned sessions: reaped`, value: reaped.reaped, unit: 'sessions', note: `${reaped.sessions} left` },
    { area, metric: 'control-plane RSS before / with sessions / after reaping', value: mib(before.rss), unit: 'MiB', note: `${mib(loaded.rss)} → ${mib(after.rss)} MiB` },
    { area, metric: 'control-plane heap before / with sessions / after reaping', value: mib(before.heapUsed), unit: 'MiB', note: `${mib(loaded.heapUsed)} → ${mib(after.heapUsed)} MiB (after full GC)` },
    { area, metric: 'control-plane RSS after reaping / before', value: round(after.rss / before.rss), unit: '×', note: 'target ≤ 1.2' },
    { area, metric: 'control-plane heap after reaping / before', value: round(after.heapUsed / before.heapUsed), unit: '×', note: 'target ≤ 1.2' },
  ];
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
