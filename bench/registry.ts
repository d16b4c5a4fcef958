/**
 * Package validation figures (issue 4): cold validation through the real npm adapter against a local fake npm
 * server, warm-cache validation cost per call, and the single-flight request counts.
 */
import { ValidatePackage } from '@catwalk/core';
import type { SeededPackage } from '@catwalk/core/testing';
import { FakeClock } from '@catwalk/core/testing';
import { createPackageRegistry } from '../packages/adapters/src/registry/index.js';
import { startFakeNpm, startFakePypi } from '../packages/adapters/test/registry/fakeServers.js';
import type { BenchRow } from './types.js';

const AREA = 'registry';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  const coldCount = options.smoke ? 20 : 300;
  const warmCount = options.smoke ? 2_000 : 200_000;
  const seed: SeededPackage[] = Array.from({ length: Math.max(coldCount, 100) + 2 }, (_, i) => ({
    runtime: 'npm' as const,
    name: `@bench/server-${i}`,
    versions: ['1.0.0', '1.1.0'],
  }));
  const [npm, pypi] = await Promise.all([startFakeNpm(seed), startFakePypi([])]);
  try {
    const fresh = () =>
      new ValidatePackage({ registry: createPackageRegistry({ npm: { baseUrl: npm.baseUrl }, pypi: { baseUrl: pypi.baseUrl } }), clock: new FakeClock() });
    const rows: BenchRow[] = [];

    // Cold: every validation misses the cache and makes one HTTP round trip to the local fake registry.
    const cold = fresh();
    await cold.execute({ runtime: 'npm', name: seed[seed.length - 1]!.name }); // connection and JIT warm-up
    const coldMs: number[] = [];
    for (let i = 0; i < coldCount; i++) {
      const started = performance.now();
      await cold.execute({ runtime: 'npm', name: seed[i]!.name });
      coldMs.push(performance.now() - started);
    }
    coldMs.sort((a, b) => a - b);
    rows.push(
      { area: AREA, metric: 'cold validation p50 (local fake npm)', value: percentile(coldMs, 50), unit: 'ms', note: `${coldCount} distinct names` },
      { area: AREA, metric: 'cold validation p99 (local fake npm)', value: percentile(coldMs, 99), unit: 'ms' },
    );

    // Warm: the same name again and again; each call still parses the input and reads the TTL cache.
    const warm = fresh();
    await warm.execute({ runtime: 'npm', name: '@bench/server-1' });
    for (let i = 0; i < 1_000; i++) await warm.execute({ runtime: 'npm', name: '@bench/server-1' });
    const started = performance.now();
    for (let i = 0; i < warmCount; i++) await warm.execute({ runtime: 'npm', name: '@bench/server-1', version: '1.1.0' });
    const warmUs = ((performance.now() - started) * 1000) / warmCount;
    rows.push({ area: AREA, metric: 'warm-cache validation per call', value: warmUs, unit: 'µs', note: `${warmCount} calls; target < 50 µs` });

    // Single-flight: concurrent validations share one upstream request per package.
    const before = npm.requests.length;
    const one = fresh();
    await Promise.all(Array.from({ length: 1_000 }, () => one.execute({ runtime: 'npm', name: '@bench/server-2' })));
    rows.push({ area: AREA, metric: '1,000 parallel validations of one name', value: npm.requests.length - before, unit: 'upstream requests', note: 'expect 1' });
    const beforeMany = npm.requests.length;
    const hundred = fresh();
    await Promise.all(seed.slice(0, 100).flatMap((pkg) => Array.from({ length: 10 }, () => hundred.execute({ name: pkg.name }))));
    rows.push({
      area: AREA,
      metric: 'parallel validations of 100 names (10 each)',
      value: npm.requests.length - beforeMany,
      unit: 'upstream requests',
      note: `expect 100; PyPI asked ${pypi.requests.length} times`,
    });
    return rows;
  } finally {
    await Promise.all([npm.close(), pypi.close()]);
  }
}
