/**
 * The fast lane's request-head scanner: recognises the one request shape that carries every tool call,
 * `POST /mcp/<id> HTTP/1.1` with a `Content-Length` body, and nothing else.
 *
 * It is deliberately narrower than HTTP/1.1: anything it does not recognise with certainty is `foreign`, and the
 * connection then goes to node:http (llhttp), which parses it and answers any error. So the lane never decides how
 * an ambiguous message is framed: a head with Transfer-Encoding, a repeated or malformed Content-Length, obs-fold,
 * bare CR or LF, bytes outside printable ASCII, a header name that is not a token, whitespace before a colon,
 * Expect, Upgrade, an unusual Connection, a missing or repeated Host, HTTP/1.0, a repeated header the gateway
 * reads: all `foreign`. (A differential test holds it to llhttp: whatever it accepts, llhttp frames the same way.)
 */

/** A request head the lane can serve. Field names match what the gateway and the bridge read. */
export interface LaneHead {
  /** The request target as sent: path and query (origin-form, under `/mcp/`). */
  readonly url: string;
  /** Offset of the first body byte (just past the blank line). */
  readonly headEnd: number;
  readonly contentLength: number;
  /** `Connection: close`: the connection ends after the answer. */
  readonly close: boolean;
  readonly authorization: string | undefined;
  readonly origin: string | undefined;
  readonly accept: string | undefined;
  readonly contentType: string | undefined;
  readonly sessionId: string | undefined;
  readonly protocolVersion: string | undefined;
}

/** `incomplete`: the head may still turn out to be the lane's; `foreign`: it is node:http's. */
export type HeadScan = LaneHead | 'incomplete' | 'foreign';

const PREFIX = Buffer.from('POST /mcp/', 'latin1');
const BLANK_LINE = Buffer.from('\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
const VERSION = Buffer.from(' HTTP/1.1', 'latin1');
const DIGITS = /^[0-9]{1,15}$/;
const CR = 13;
const LF = 10;
const HTAB = 9;
const SPACE = 32;
const COLON = 58;

/** Bytes of a field name (RFC 9110 §5.1: a token). */
const TOKEN_BYTE = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_BYTE[c.charCodeAt(0)] = 1;
/** The headers whose values the lane reads, in the order `scanRequestHead` unpacks them. */
const READ_FIELDS = ['content-length', 'connection', 'authorization', 'origin', 'accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version'];
/** Headers that change how a message is framed or handled: their requests are node:http's. */
const FOREIGN_FIELDS = new Set(['transfer-encoding', 'expect', 'upgrade']);
/** Lengths of the header names the lane reads or hands over: only those names become strings. */
const NAME_LENGTHS = new Set(['host', ...READ_FIELDS, ...FOREIGN_FIELDS].map((name) => name.length));

/**
 * Scans the request head at the start of `buffer`. `maxHeadBytes` bounds the head (blank line included); a
 * longer one is `foreign` (node:http answers 431). Works on the bytes: only the target and the values the lane
 * reads become strings (this runs on every tool call).
 */
export function scanRequestHead(buffer: Buffer, maxHeadBytes: number): HeadScan {
  const prefixLength = Math.min(buffer.length, PREFIX.length);
  if (buffer.compare(PREFIX, 0, prefixLength, 0, prefixLength) !== 0) return 'foreign';
  const blank = buffer.indexOf(BLANK_LINE, 0);
  if (blank === -1) return buffer.length < maxHeadBytes && !hasBareLineFeed(buffer) ? 'incomplete' : 'foreign';
  const headEnd = blank + BLANK_LINE.length;
  if (headEnd > maxHeadBytes) return 'foreign';
  // Request line: `POST <target> HTTP/1.1`, the target printable ASCII without spaces.
  let lineEnd = buffer.indexOf(CRLF, 0);
  const targetEnd = lineEnd - VERSION.length;
  if (targetEnd <= PREFIX.length - 1 || buffer.compare(VERSION, 0, VERSION.length, targetEnd, lineEnd) !== 0) return 'foreign';
  for (let i = PREFIX.length; i < targetEnd; i++) if (buffer[i]! <= SPACE || buffer[i]! > 0x7e) return 'foreign';
  let host = false;
  // The values read, by READ_FIELDS index; each may appear once (a repeated one could be read two ways).
  const values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  while (lineEnd < blank) {
    const start = lineEnd + 2;
    lineEnd = buffer.indexOf(CRLF, start);
    // The name: a token up to the colon (no space before it, no obs-fold before it, not empty).
    let colon = start;
    while (colon < lineEnd && buffer[colon] !== COLON) {
      const byte = buffer[colon]!;
      if (byte > 0x7e || TOKEN_BYTE[byte] !== 1) return 'foreign';
      colon++;
    }
    if (colon === start || colon === lineEnd) return 'foreign';
    // The value: printable ASCII, spaces and tabs only (a lone CR or LF would hide another line).
    let valueStart = colon + 1;
    let valueEnd = lineEnd;
    for (let i = valueStart; i < valueEnd; i++) {
      const byte = buffer[i]!;
      if ((byte < SPACE && byte !== HTAB) || byte > 0x7e) return 'foreign';
    }
    while (valueStart < valueEnd && (buffer[valueStart] === SPACE || buffer[valueStart] === HTAB)) valueStart++;
    while (valueEnd > valueStart && (buffer[valueEnd - 1] === SPACE || buffer[valueEnd - 1] === HTAB)) valueEnd--;
    if (!NAME_LENGTHS.has(colon - start)) continue; // a header the gateway does not read
    const name = buffer.toString('latin1', start, colon).toLowerCase();
    if (FOREIGN_FIELDS.has(name)) return 'foreign'; // they change how a message is framed or handled
    if (name === 'host') {
      if (host) return 'foreign';
      host = true;
      continue;
    }
    const field = READ_FIELDS.indexOf(name);
    if (field === -1) continue;
    if (values[field] !== undefined) return 'foreign';
    values[field] = buffer.toString('latin1', valueStart, valueEnd);
  }
  const [length, connection, authorization, origin, accept, contentType, sessionId, protocolVersion] = values;
  if (length === undefined || !DIGITS.test(length) || !host) return 'foreign';
  const close = connectionClose(connection);
  if (close === undefined) return 'foreign';
  const url = buffer.toString('latin1', PREFIX.length - 5, targetEnd);
  return { url, headEnd, contentLength: Number(length), close, authorization, origin, accept, contentType, sessionId, protocolVersion };
}

/** Whether a LF arrived without its CR: a head that will never end in CRLF CRLF, so not worth waiting for. */
function hasBareLineFeed(buffer: Buffer): boolean {
  for (let at = buffer.indexOf(LF); at !== -1; at = buffer.indexOf(LF, at + 1)) if (at === 0 || buffer[at - 1] !== CR) return true;
  return false;
}

/** Whether `Connection` asks to close; undefined for options other than keep-alive and close. */
function connectionClose(value: string | undefined): boolean | undefined {
  if (value === undefined) return false;
  let close = false;
  for (const option of value.toLowerCase().split(',')) {
    const trimmed = option.trim();
    if (trimmed === 'close') close = true;
    else if (trimmed !== 'keep-alive') return undefined;
  }
  return close;
}
