/**
 * DNS-rebinding defence: a browser page on another origin must not drive a deployment. Requests without an
 * Origin header (CLI tools, server-side clients) are not affected. Entries are exact origins
 * (`https://claude.ai`) or `*` to allow any.
 */
export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const normalised = origin.toLowerCase().replace(/\/$/, '');
  return allowed.some((entry) => entry.toLowerCase().replace(/\/$/, '') === normalised);
}
