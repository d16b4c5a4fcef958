/** Header names whose values are secrets: never logged. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-catwalk-upstream-secret']);

/** Token-shaped substrings (API keys, access tokens), masked wherever they appear in a logged string. */
const TOKEN_PATTERN = /\b(cw[at]_)[A-Za-z0-9_-]+/g;

/** Query parameters whose values are secrets. */
const SECRET_QUERY = /([?&](?:token|access_token|api_key|key)=)[^&#]*/gi;

/** A URL as it may be logged: secret query values and token-shaped strings masked. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]').replace(TOKEN_PATTERN, '$1[REDACTED]');
}

/** Masks token-shaped substrings in any string. */
export function redactText(text: string): string {
  return text.replace(TOKEN_PATTERN, '$1[REDACTED]');
}

/** Headers as they may be logged: secret headers replaced by `[REDACTED]`. */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[REDACTED]' : redactText(Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}
