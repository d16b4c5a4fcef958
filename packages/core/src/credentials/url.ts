/**
 * A small, strict absolute-URL checker. Core has no `URL` global in its types (no DOM, no Node typings), and the
 * WHATWG parser is lenient in ways we do not want here anyway (it accepts spaces, backslashes, non-ASCII hosts).
 * This accepts `scheme://[userinfo@]host[:port][/path][?query][#fragment]` with ASCII hosts only.
 */

/** The parts of an accepted URL that callers decide on. */
export interface ParsedUrl {
  /** Lower-cased scheme, without the colon. */
  readonly scheme: string;
  /** The hosts (one for web URLs; connection strings such as MongoDB's may list several), lower-cased. */
  readonly hosts: readonly string[];
  /** Whether the URL carries `user[:password]@`. */
  readonly hasUserinfo: boolean;
  /** Path, query and fragment as given (may be empty). */
  readonly rest: string;
}

const SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
const USERINFO = /^[A-Za-z0-9._~!$&'()*+,;=:%-]*$/;
const REG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const PORT = /^[0-9]{1,5}$/;
// Printable ASCII minus space and the characters RFC 3986 never allows unescaped.
const REST = /^[!#$%&'()*+,\-./0-9:;=?@A-Z[\]_a-z~]*$/;
const MAX_URL_LENGTH = 8192;

function parseHost(hostPort: string): string | undefined {
  let host = hostPort;
  let port: string | undefined;
  const close = hostPort.lastIndexOf(']');
  const colon = hostPort.lastIndexOf(':');
  if (colon > close) {
    host = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) return undefined;
  if (!REG_NAME.test(host) && !IPV6.test(host)) return undefined;
  return host.toLowerCase();
}

/**
 * Parses an absolute URL strictly; `undefined` when it is not one. Several comma-separated hosts are accepted only
 * when `allowHostList` is set (database connection strings).
 */
export function parseAbsoluteUrl(value: string, options: { allowHostList?: boolean } = {}): ParsedUrl | undefined {
  if (value.length > MAX_URL_LENGTH) return undefined;
  const match = SHAPE.exec(value);
  if (match === null) return undefined;
  const [, scheme = '', authority = '', rest = ''] = match;
  if (!REST.test(rest)) return undefined;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  if (userinfo !== undefined && !USERINFO.test(userinfo)) return undefined;
  const hostList = authority.slice(at + 1).split(',');
  if (hostList.length > 1 && options.allowHostList !== true) return undefined;
  const hosts: string[] = [];
  for (const hostPort of hostList) {
    const host = parseHost(hostPort);
    if (host === undefined) return undefined;
    hosts.push(host);
  }
  return { scheme: scheme.toLowerCase(), hosts, hasUserinfo: userinfo !== undefined, rest };
}

/** Schemes accepted for web endpoints (APIs, webhooks, MCP upstreams). */
export const WEB_URL_SCHEMES: readonly string[] = ['http', 'https'];

/**
 * Schemes accepted for URL-typed credentials: web endpoints, websockets, and the connection strings of common
 * data stores (a Postgres MCP server needs `DATABASE_URL=postgresql://…`). Never `file:`, `javascript:`, `data:`
 * or other schemes that read local files or run code.
 */
export const CREDENTIAL_URL_SCHEMES: readonly string[] = [
  'http',
  'https',
  'ws',
  'wss',
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'redis',
  'rediss',
  'mongodb',
  'mongodb+srv',
  'amqp',
  'amqps',
  'nats',
  'mqtt',
  'mqtts',
  'clickhouse',
];

/** Whether `value` is an absolute `http:` or `https:` URL with an ASCII host. */
export function isWebUrl(value: string): boolean {
  const url = parseAbsoluteUrl(value);
  return url !== undefined && WEB_URL_SCHEMES.includes(url.scheme);
}
