import { hash, timingSafeEqual } from 'node:crypto';
import type { GatewayAuthority, GatewayTarget } from './target.js';

interface Entry {
  /** SHA-256 of the token last verified (never the token itself). */
  readonly tokenDigest: Buffer;
  readonly target: GatewayTarget;
  readonly expiresAt: number;
}

/** Settings of the gateway's authorisation cache. */
export interface AuthCacheOptions {
  /** How long a verified deployment stays cached; changes made through this process invalidate at once. */
  readonly ttlMs: number;
  /** At most this many deployments are cached (oldest dropped first). */
  readonly maxEntries: number;
  readonly now?: () => number;
}

/**
 * The gateway's hot path: deployment id → (SHA-256 of the token last verified, upstream). A hit costs one one-shot
 * SHA-256 into a buffer and a constant-time compare of the two digests (no hex, no port call: this runs on every
 * tool call), no database round trip. Only running deployments are cached; a miss, an expired
 * entry or a different token asks the authority (the AuthorizeGatewayRequest use case), which stays the only
 * judge. Every change made through this process (stop, rotate, delete, credentials, redeploy) calls
 * `invalidate`; changes made elsewhere (another replica, the reconciler) are seen within `ttlMs`.
 */
export class CachingGatewayAuthority implements GatewayAuthority {
  readonly #inner: GatewayAuthority;
  readonly #options: AuthCacheOptions;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** Incremented per deployment on invalidation, so a load that started before an invalidation is not cached. */
  readonly #generations = new Map<string, number>();

  constructor(inner: GatewayAuthority, options: AuthCacheOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  cached(deploymentId: string, token: string): GatewayTarget | undefined {
    const entry = this.#entries.get(deploymentId);
    if (entry !== undefined && entry.expiresAt > this.#now() && timingSafeEqual(digestOf(token), entry.tokenDigest)) return entry.target;
    return undefined;
  }

  async authorize(deploymentId: string, token: string): Promise<GatewayTarget> {
    const hit = this.cached(deploymentId, token);
    if (hit !== undefined) return hit;
    const generation = this.#generations.get(deploymentId) ?? 0;
    const target = await this.#inner.authorize(deploymentId, token);
    if ((this.#generations.get(deploymentId) ?? 0) === generation) this.#remember(deploymentId, token, target);
    return target;
  }

  invalidate(deploymentId: string): void {
    this.#entries.delete(deploymentId);
    this.#generations.set(deploymentId, (this.#generations.get(deploymentId) ?? 0) + 1);
    this.#inner.invalidate(deploymentId);
  }

  /** How many deployments are cached. */
  get size(): number {
    return this.#entries.size;
  }

  #remember(deploymentId: string, token: string, target: GatewayTarget): void {
    this.#entries.delete(deploymentId);
    if (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(deploymentId, { tokenDigest: digestOf(token), target, expiresAt: this.#now() + this.#options.ttlMs });
  }
}

function digestOf(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}
