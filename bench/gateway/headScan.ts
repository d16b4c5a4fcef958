/**
 * The fast lane's request-head scan alone, in this process: the head the MCP SDK's Streamable-HTTP client sends
 * with every tool call (bench/gateway/sdkRequest.ts, its body behind it), scanned over and over. This is
 * the one piece of per-call work the lane does that node:http would otherwise do in llhttp.
 */
import { scanRequestHead } from '../../packages/http/src/gateway/lane/requestHead.js';
import { bestMicrosPerCall } from '../support/measure.js';
import type { BenchRow } from '../types.js';
import { READ_GRAPH_BODY, sdkPost } from './sdkRequest.js';

const MAX_HEAD_BYTES = 16 * 1024;

/** Scans the head `rounds` × `perRound` times; the best round's time per scan (the least disturbed by the VM). */
export function headScanRow(smoke: boolean): BenchRow {
  const request = sdkPost(READ_GRAPH_BODY, '54825d6d-f2f2-48ab-85cc-aa7a20adfb80');
  if (typeof scanRequestHead(request, MAX_HEAD_BYTES) !== 'object') throw new Error('the bench head is not one the lane serves');
  const rounds = smoke ? 2 : 10;
  const perRound = smoke ? 1000 : 100_000;
  const best = bestMicrosPerCall(rounds, perRound, () => scanRequestHead(request, MAX_HEAD_BYTES));
  return { area: 'gateway', metric: 'fast lane: request-head scan', value: best, unit: 'µs', note: `${request.length - READ_GRAPH_BODY.length}-byte head as the SDK client sends it; best of ${rounds} rounds of ${perRound}` };
}
