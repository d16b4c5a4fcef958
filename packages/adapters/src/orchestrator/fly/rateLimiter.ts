/** Time source for the rate limiter and retries; tests pass a virtual clock whose sleep advances time. */
export interface FlyClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realFlyClock: FlyClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Token buckets keyed by action + machine (Fly Machines: 1 request/s per action per machine, burst 3). `take`
 * waits until a token is available; buckets idle long enough to be full are forgotten.
 */
export class KeyedTokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly clock: FlyClock,
    private readonly ratePerSecond = 1,
    private readonly burst = 3,
  ) {}

  async take(key: string): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
      bucket.at = now;
      this.buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        if (this.buckets.size > 10_000) this.prune(now);
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000));
    }
  }

  private prune(now: number): void {
    const full = (this.burst / this.ratePerSecond) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at > full) this.buckets.delete(key);
  }
}
