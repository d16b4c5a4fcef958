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
/** Anything but HTAB, CR, LF and printable ASCII (obs-text and control characters go to node:http). */
const UNSAFE_BYTE = /[^\t\r\n\x20-\x7e]/;
const REQUEST_LINE = /^POST (\/mcp\/[\x21-\x7e]*) HTTP\/1\.1$/;
/** A field name (RFC 9110 §5.1: a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DIGITS = /^[0-9]{1,15}$/;

/**
 * Scans the request head at the start of `buffer`. `maxHeadBytes` bounds the head (blank line included); a
 * longer one is `foreign` (node:http answers 431).
 */
export function scanRequestHead(buffer: Buffer, maxHeadBytes: number): HeadScan {
  const prefixLength = Math.min(buffer.length, PREFIX.length);
  if (buffer.compare(PREFIX, 0, prefixLength, 0, prefixLength) !== 0) return 'foreign';
  const blank = buffer.indexOf(BLANK_LINE, 0);
  if (blank === -1) return buffer.length < maxHeadBytes && !hasBareLineFeed(buffer) ? 'incomplete' : 'foreign';
  const headEnd = blank + BLANK_LINE.length;
  if (headEnd > maxHeadBytes) return 'foreign';
  // Printable ASCII only, so a lone CR or LF is the only way a line could hide another: checked per line below.
  const text = buffer.toString('latin1', 0, blank);
  if (UNSAFE_BYTE.test(text)) return 'foreign';
  let lineEnd = text.indexOf('\r\n');
  const requestLine = REQUEST_LINE.exec(lineEnd === -1 ? text : text.slice(0, lineEnd));
  if (requestLine === null || lineEnd === -1) return 'foreign';
  let host = false;
  let length: string | undefined;
  let connection: string | undefined;
  let authorization: string | undefined;
  let origin: string | undefined;
  let accept: string | undefined;
  let contentType: string | undefined;
  let sessionId: string | undefined;
  let protocolVersion: string | undefined;
  while (lineEnd !== -1) {
    const start = lineEnd + 2;
    lineEnd = text.indexOf('\r\n', start);
    const line = lineEnd === -1 ? text.slice(start) : text.slice(start, lineEnd);
    if (line.includes('\r') || line.includes('\n')) return 'foreign';
    const colon = line.indexOf(':');
    // No colon, obs-fold (a leading space), a space before the colon, a name that is not a token: not ours.
    if (colon <= 0) return 'foreign';
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return 'foreign';
    const value = line.slice(colon + 1).trim();
    switch (name.toLowerCase()) {
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return 'foreign'; // they change how a message is framed or handled
      case 'host':
        if (host) return 'foreign';
        host = true;
        break;
      case 'content-length':
        if (length !== undefined) return 'foreign';
        length = value;
        break;
      case 'connection':
        if (connection !== undefined) return 'foreign';
        connection = value;
        break;
      case 'authorization':
        if (authorization !== undefined) return 'foreign';
        authorization = value;
        break;
      case 'origin':
        if (origin !== undefined) return 'foreign';
        origin = value;
        break;
      case 'accept':
        if (accept !== undefined) return 'foreign';
        accept = value;
        break;
      case 'content-type':
        if (contentType !== undefined) return 'foreign';
        contentType = value;
        break;
      case 'mcp-session-id':
        if (sessionId !== undefined) return 'foreign';
        sessionId = value;
        break;
      case 'mcp-protocol-version':
        if (protocolVersion !== undefined) return 'foreign';
        protocolVersion = value;
        break;
      default:
        break; // a header the gateway does not read
    }
  }
  if (length === undefined || !DIGITS.test(length) || !host) return 'foreign';
  const close = connectionClose(connection);
  if (close === undefined) return 'foreign';
  return { url: requestLine[1]!, headEnd, contentLength: Number(length), close, authorization, origin, accept, contentType, sessionId, protocolVersion };
}

/** Whether a LF arrived without its CR: a head that will never end in CRLF CRLF, so not worth waiting for. */
function hasBareLineFeed(buffer: Buffer): boolean {
  for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) if (at === 0 || buffer[at - 1] !== 13) return true;
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
