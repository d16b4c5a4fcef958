/**
 * The fast lane's request-head scan alone, in this process: the head the MCP SDK's Streamable-HTTP client sends
 * with every tool call (its real header set and order, a 96-byte body behind it), scanned over and over. This is
 * the one piece of per-call work the lane does that node:http would otherwise do in llhttp.
 */
import { scanRequestHead } from '../../packages/http/src/gateway/lane/requestHead.js';
import type { BenchRow } from '../types.js';

const HEAD = [
  'POST /mcp/38ff9cd3-fd1e-4870-96f0-0123456789ab HTTP/1.1',
  'host: 127.0.0.1:41234',
  'connection: keep-alive',
  'content-type: application/json',
  'authorization: Bearer cwt_WbD7QXLlb8DLcVW_cw7sDIfVLmbRcJ2rvUvr1z3v95s',
  'mcp-protocol-version: 2025-11-25',
  'mcp-session-id: 54825d6d-f2f2-48ab-85cc-aa7a20adfb80',
  'accept: application/json, text/event-stream',
  'accept-language: *',
  'sec-fetch-mode: cors',
  'user-agent: node',
  'accept-encoding: gzip, deflate',
  'content-length: 96',
];
const BODY = '{"method":"tools/call","params":{"name":"read_graph","arguments":{}},"jsonrpc":"2.0","id":1234567}';
const MAX_HEAD_BYTES = 16 * 1024;

/** Scans the head `rounds` × `perRound` times; the best round's time per scan (the least disturbed by the VM). */
export function headScanRow(smoke: boolean): BenchRow {
  const request = Buffer.from(`${HEAD.join('\r\n')}\r\n\r\n${BODY}`, 'latin1');
  if (typeof scanRequestHead(request, MAX_HEAD_BYTES) !== 'object') throw new Error('the bench head is not one the lane serves');
  const rounds = smoke ? 2 : 10;
  const perRound = smoke ? 1000 : 100_000;
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < perRound; i++) scanRequestHead(request, MAX_HEAD_BYTES);
    best = Math.min(best, ((performance.now() - started) * 1000) / perRound);
  }
  return { area: 'gateway', metric: 'fast lane: request-head scan', value: Math.round(best * 100) / 100, unit: 'µs', note: `${request.length - BODY.length}-byte head as the SDK client sends it; best of ${rounds} rounds of ${perRound}` };
}
