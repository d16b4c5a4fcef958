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

const PREFIX = latin1Bytes('POST /mcp/');
/** Where the target starts: its `/mcp/` is part of the URL. */
const TARGET_START = 'POST '.length;
const VERSION_LINE_END = latin1Bytes(' HTTP/1.1\r\n');
const CR = 13;
const LF = 10;
const HTAB = 9;
const SPACE = 32;
const COLON = 58;
const ZERO = 48;
const NINE = 57;
/** Content-Length digits beyond this many are `foreign` (no body that large is read anyway). */
const MAX_LENGTH_DIGITS = 15;

/** Bytes of a field name (RFC 9110 §5.1: a token). */
const TOKEN_BYTE = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_BYTE[c.charCodeAt(0)] = 1;
/** The headers whose values the lane reads, in the order `scanRequestHead` unpacks them. */
const READ_FIELDS = ['content-length', 'connection', 'authorization', 'origin', 'accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version'];
/** Headers that change how a message is framed or handled: their requests are node:http's. */
const FOREIGN_FIELDS = ['transfer-encoding', 'expect', 'upgrade'];
/** Every name the scanner recognises: the read fields (by index), then Host, then the foreign ones. */
const KNOWN_NAMES = [...READ_FIELDS, 'host', ...FOREIGN_FIELDS].map(latin1Bytes);
const HOST = READ_FIELDS.length;
/** Known names by length (so most headers are skipped on their length alone): indexes into KNOWN_NAMES. */
const NAMES_BY_LENGTH: number[][] = [];
KNOWN_NAMES.forEach((name, index) => (NAMES_BY_LENGTH[name.length] ??= []).push(index));

/**
 * Scans the request head at the start of `buffer`. `maxHeadBytes` bounds the head (blank line included); a
 * longer one is `foreign` (node:http answers 431). One pass over the bytes, in JavaScript (no native call per
 * line): only the target and the values the lane reads become strings. This runs on every tool call.
 */
export function scanRequestHead(buffer: Buffer, maxHeadBytes: number): HeadScan {
  const end = buffer.length;
  const more = (): HeadScan => (end < maxHeadBytes ? 'incomplete' : 'foreign');
  let at = 0;
  for (; at < PREFIX.length; at++) {
    if (at === end) return more();
    if (buffer[at] !== PREFIX[at]) return 'foreign';
  }
  // The target: printable ASCII without spaces, up to ` HTTP/1.1` CRLF.
  for (; at < end && buffer[at] !== SPACE; at++) if (buffer[at]! < SPACE || buffer[at]! > 0x7e) return 'foreign';
  const targetEnd = at;
  for (let i = 0; i < VERSION_LINE_END.length; i++, at++) {
    if (at === end) return more();
    if (buffer[at] !== VERSION_LINE_END[i]) return 'foreign';
  }
  let host = false;
  // The values read, by READ_FIELDS index; each may appear once (a repeated one could be read two ways).
  const values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  for (;;) {
    if (at >= maxHeadBytes) return 'foreign';
    if (at === end) return more();
    const start = at;
    if (buffer[at] === CR) {
      if (at + 1 === end) return more();
      if (buffer[at + 1] !== LF) return 'foreign';
      at += 2;
      break; // the blank line
    }
    // The name: a token up to the colon (no space before it, no obs-fold before it, not empty).
    for (; at < end && buffer[at] !== COLON; at++) if (TOKEN_BYTE[buffer[at]!] !== 1) return 'foreign';
    if (at === end) return more();
    const colon = at;
    if (colon === start) return 'foreign';
    // The value: printable ASCII, spaces and tabs only, up to CRLF (a lone CR or LF would hide another line).
    for (at++; at < end && buffer[at] !== CR; at++) {
      const byte = buffer[at]!;
      if ((byte < SPACE && byte !== HTAB) || byte > 0x7e) return 'foreign';
    }
    if (at + 1 >= end) return more();
    if (buffer[at + 1] !== LF) return 'foreign';
    const lineEnd = at;
    at += 2;
    const field = knownName(buffer, start, colon);
    if (field === -1) continue; // a header the gateway does not read
    if (field > HOST) return 'foreign'; // it changes how a message is framed or handled
    if (field === HOST) {
      if (host) return 'foreign';
      host = true;
      continue;
    }
    if (values[field] !== undefined) return 'foreign';
    let valueStart = colon + 1;
    let valueEnd = lineEnd;
    while (valueStart < valueEnd && (buffer[valueStart] === SPACE || buffer[valueStart] === HTAB)) valueStart++;
    while (valueEnd > valueStart && (buffer[valueEnd - 1] === SPACE || buffer[valueEnd - 1] === HTAB)) valueEnd--;
    values[field] = buffer.toString('latin1', valueStart, valueEnd);
  }
  if (at > maxHeadBytes) return 'foreign';
  const [length, connection, authorization, origin, accept, contentType, sessionId, protocolVersion] = values;
  const contentLength = decimal(length);
  if (contentLength === undefined || !host) return 'foreign';
  const close = connectionClose(connection);
  if (close === undefined) return 'foreign';
  const url = buffer.toString('latin1', TARGET_START, targetEnd);
  return { url, headEnd: at, contentLength, close, authorization, origin, accept, contentType, sessionId, protocolVersion };
}

/** The KNOWN_NAMES index of the field name in `buffer[start, end)` (compared case-insensitively), or -1. */
function knownName(buffer: Buffer, start: number, end: number): number {
  const candidates = NAMES_BY_LENGTH[end - start];
  if (candidates === undefined) return -1;
  for (const index of candidates) {
    const name = KNOWN_NAMES[index]!;
    let i = 0;
    // Known names are lower-case letters and '-'; OR-ing 0x20 lower-cases a letter, and no other token byte then
    // equals a letter or '-' (the name is a token already).
    while (i < name.length && (buffer[start + i]! | 0x20) === name[i]) i++;
    if (i === name.length) return index;
  }
  return -1;
}

/** A Content-Length value: 1 to 15 decimal digits, nothing else; undefined otherwise (or when absent). */
function decimal(value: string | undefined): number | undefined {
  if (value === undefined || value.length === 0 || value.length > MAX_LENGTH_DIGITS) return undefined;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i);
    if (digit < ZERO || digit > NINE) return undefined;
    n = n * 10 + (digit - ZERO);
  }
  return n;
}

/** Whether `Connection` asks to close; undefined for options other than keep-alive and close. */
function connectionClose(value: string | undefined): boolean | undefined {
  if (value === undefined || value === 'keep-alive') return false;
  let close = false;
  for (const option of value.toLowerCase().split(',')) {
    const trimmed = option.trim();
    if (trimmed === 'close') close = true;
    else if (trimmed !== 'keep-alive') return undefined;
  }
  return close;
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
