import type { InProcessBridge } from '@catwalk/adapters';

/**
 * Serves MCP requests in-process (a local bridge), skipping the second HTTP hop. It must answer exactly as the
 * bridge's `/mcp` endpoint would. The local orchestrator's `handlerFor` gives one.
 */
export type InProcessMcpHandler = InProcessBridge;

/** A parsed upstream address, ready for `http.request` / `https.request`. */
export interface UpstreamAddress {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
}

/** Parses an http(s) upstream URL once. */
export function parseUpstream(url: string): UpstreamAddress {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:';
  if (!secure && parsed.protocol !== 'http:') throw new Error('upstream URLs are http or https');
  return {
    secure,
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port),
    path: `${parsed.pathname}${parsed.search}`,
  };
}

/** Where an authorised gateway request goes. */
export interface GatewayTarget {
  /** The bridge's Streamable-HTTP endpoint (its `/mcp` URL). */
  readonly upstreamUrl: string;
  /** The same URL parsed once (the hot path does not parse URLs per request). */
  readonly upstream: UpstreamAddress;
  /** Extra headers for the upstream (the shared upstream secret of a remote bridge). */
  readonly upstreamHeaders: Readonly<Record<string, string>>;
  /** When the bridge runs in this process: call it directly instead of over loopback. */
  readonly inProcess?: InProcessMcpHandler;
}

/**
 * Decides whether a token may use a deployment's endpoint.
 * @throws CatwalkError `unauthorized` (unknown deployment or wrong token: the same answer for both) or
 * `deployment_unavailable` (right token, deployment not running; `details.status` says its status).
 */
export interface GatewayAuthority {
  authorize(deploymentId: string, token: string): Promise<GatewayTarget>;
  /**
   * The target when the deployment and this very token are verified and cached, without waiting: lets the common
   * case skip a promise and a microtask turn. Undefined means "ask `authorize`", never "refused".
   */
  cached?(deploymentId: string, token: string): GatewayTarget | undefined;
  /** Forgets what is cached about a deployment (after any change to it). */
  invalidate(deploymentId: string): void;
}
