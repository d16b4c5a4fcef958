import { expect } from 'chai';
import type { AnalysisCache, Clock } from '../../ports/index.js';
import { aMcpConfig } from '../fakes/mothers.js';
import { FakeClock } from '../fakes/system.js';

/** An empty cache under test and what cleans it up after each test. */
export interface AnalysisCacheContext {
  readonly cache: AnalysisCache;
  dispose?(): Promise<void>;
}

/** Makes an empty cache that reads the time from `clock` (the contract moves it; nothing sleeps). */
export type MakeAnalysisCache = (clock: Clock) => AnalysisCacheContext | Promise<AnalysisCacheContext>;

const HOUR = 3_600_000;

/** The AnalysisCache contract: miss, hit with the stored config and dates, expiry by the clock, replacement. */
export function describeAnalysisCacheContract(name: string, makeCache: MakeAnalysisCache): void {
  describe(`AnalysisCache contract: ${name}`, () => {
    let clock: FakeClock;
    let cache: AnalysisCache;
    let context: AnalysisCacheContext | undefined;

    beforeEach(async () => {
      clock = new FakeClock('2026-05-01T12:00:00.000Z');
      context = await makeCache(clock);
      cache = context.cache;
    });
    afterEach(async () => {
      await context?.dispose?.();
      context = undefined;
    });

    it('misses on a key it never stored', async () => {
      expect(await cache.get('github.com/nobody/nothing')).to.equal(undefined);
    });

    it('returns the stored config with when it was stored and when it expires', async () => {
      const config = aMcpConfig({ name: 'Cached server', tools: [{ name: 'search', inputSchema: { type: 'object' } }] });
      const storedAt = clock.now();
      const expiresAt = new Date(storedAt.getTime() + 24 * HOUR);
      await cache.put('github.com/acme/server', config, expiresAt);
      clock.advance(HOUR);
      const hit = await cache.get('github.com/acme/server');
      expect(hit).to.not.equal(undefined);
      expect(hit!.config).to.deep.equal(config);
      expect(hit!.storedAt.getTime()).to.equal(storedAt.getTime());
      expect(hit!.expiresAt.getTime()).to.equal(expiresAt.getTime());
    });

    it('misses once the clock reaches the expiry', async () => {
      await cache.put('npm:@acme/server@1.0.0', aMcpConfig(), new Date(clock.now().getTime() + HOUR));
      clock.advance(HOUR - 1);
      expect(await cache.get('npm:@acme/server@1.0.0')).to.not.equal(undefined);
      clock.advance(1);
      expect(await cache.get('npm:@acme/server@1.0.0')).to.equal(undefined);
    });

    it('replaces an entry on a second put and keeps keys apart', async () => {
      const expiresAt = new Date(clock.now().getTime() + HOUR);
      await cache.put('key-a', aMcpConfig({ name: 'first' }), expiresAt);
      await cache.put('key-a', aMcpConfig({ name: 'second' }), expiresAt);
      await cache.put('key-b', aMcpConfig({ name: 'other' }), expiresAt);
      expect((await cache.get('key-a'))!.config.name).to.equal('second');
      expect((await cache.get('key-b'))!.config.name).to.equal('other');
    });
  });
}
