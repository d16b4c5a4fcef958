import type { IncomingMessage } from 'node:http';
import { CatwalkError } from '@catwalk/core';

/** Keys refused anywhere in a JSON body: they are how prototype pollution reaches merge and spread code. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function tooLarge(limitBytes: number): CatwalkError {
  return new CatwalkError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`, { limitBytes });
}

/**
 * Reads a request body into a Buffer, refusing it as soon as it passes `limitBytes` (by Content-Length before
 * reading, or by counting while streaming), so a huge body costs at most `limitBytes` of memory.
 */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Parses JSON text safely: `__proto__`, `constructor` and `prototype` keys are refused at any depth (through the
 * reviver, which sees every key), and a syntax error becomes `invalid_input` without echoing the body.
 */
export function parseJsonSafely(text: string): unknown {
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, nested: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = key;
      return nested;
    });
  } catch {
    throw new CatwalkError('invalid_input', 'The request body is not valid JSON.', { issues: [{ path: '', message: 'malformed JSON' }] });
  }
  if (forbidden !== undefined) {
    throw new CatwalkError('invalid_input', `The key "${forbidden}" is not allowed in a request body.`, {
      issues: [{ path: '', message: `forbidden key ${forbidden}` }],
    });
  }
  return value;
}

/**
 * Reads and parses a JSON request body. An empty body is `undefined` (routes' schemas decide whether that is
 * allowed); a body that is not `application/json` is refused.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const raw = await readRawBody(req, limitBytes);
  if (raw.length === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new CatwalkError('invalid_input', 'Send the request body as JSON (Content-Type: application/json).', {
      issues: [{ path: '', message: 'unsupported content type' }],
    });
  }
  return parseJsonSafely(raw.toString('utf8'));
}
