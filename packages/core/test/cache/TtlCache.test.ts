import { expect } from 'chai';
import { TtlCache } from '../../src/cache/index.js';
import { FakeClock, Gate } from '../../src/testing/index.js';

describe('TtlCache', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
  });

  const make = (options: { maxEntries?: number } = {}) =>
    new TtlCache<string>({ clock, positiveTtlMs: 1000, negativeTtlMs: 100, isNegative: (value) => value === 'missing', ...options });

  it('loads once and serves the cached value until it expires', async () => {
    const cache = make();
    let loads = 0;
    const load = () => Promise.resolve(`value-${++loads}`);
    expect(await cache.get('k', load)).to.equal('value-1');
    clock.advance(999);
    expect(await cache.get('k', load)).to.equal('value-1');
    clock.advance(1);
    expect(await cache.get('k', load)).to.equal('value-2');
    expect(cache.stats()).to.include({ hits: 1, misses: 2, loads: 2 });
  });

  it('shares one in-flight load between concurrent callers of one key', async () => {
    const cache = make();
    const gate = new Gate();
    let loads = 0;
    const load = async () => {
      loads++;
      await gate.promise;
      return 'shared';
    };
    const callers = Array.from({ length: 1000 }, () => cache.get('k', load));
    gate.release();
    const results = await Promise.all(callers);
    expect(loads).to.equal(1);
    expect(new Set(results)).to.deep.equal(new Set(['shared']));
    expect(cache.stats().joined).to.equal(999);
  });

  it('gives every waiter of a failed flight the error and does not cache it', async () => {
    const cache = make();
    const gate = new Gate();
    let loads = 0;
    const failing = async () => {
      loads++;
      await gate.promise;
      throw new Error('registry down');
    };
    const waiters = Array.from({ length: 5 }, () => cache.get('k', failing).then(() => 'ok', (error: Error) => error.message));
    gate.release();
    expect(await Promise.all(waiters)).to.deep.equal(Array(5).fill('registry down'));
    expect(loads).to.equal(1);
    expect(await cache.get('k', () => Promise.resolve('recovered'))).to.equal('recovered');
  });

  it('keeps negative values for the shorter TTL only', async () => {
    const cache = make();
    let answer = 'missing';
    const load = () => Promise.resolve(answer);
    expect(await cache.get('k', load)).to.equal('missing');
    answer = 'found';
    clock.advance(99);
    expect(await cache.get('k', load)).to.equal('missing');
    clock.advance(1);
    expect(await cache.get('k', load)).to.equal('found');
    clock.advance(500);
    expect(await cache.get('k', () => Promise.resolve('other'))).to.equal('found');
  });

  it('evicts the least recently used entry past maxEntries', async () => {
    const cache = make({ maxEntries: 2 });
    await cache.get('a', () => Promise.resolve('A'));
    await cache.get('b', () => Promise.resolve('B'));
    await cache.get('a', () => Promise.resolve('unused'));
    await cache.get('c', () => Promise.resolve('C'));
    expect(cache.size).to.equal(2);
    expect(cache.peek('a')).to.equal('A');
    expect(cache.peek('b')).to.equal(undefined);
    expect(cache.stats().evictions).to.equal(1);
  });

  it('does not store a flight that was invalidated while it ran', async () => {
    const cache = make();
    const gate = new Gate();
    const flight = cache.get('k', async () => {
      await gate.promise;
      return 'stale';
    });
    cache.delete('k');
    gate.release();
    expect(await flight).to.equal('stale');
    expect(cache.peek('k')).to.equal(undefined);
    cache.clear();
    expect(cache.size).to.equal(0);
  });

  it('refuses nonsense options', () => {
    expect(() => new TtlCache({ clock, positiveTtlMs: -1 })).to.throw(RangeError);
    expect(() => new TtlCache({ clock, positiveTtlMs: 1, maxEntries: 0 })).to.throw(RangeError);
  });
});
