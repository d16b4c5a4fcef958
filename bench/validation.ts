/**
 * Package validation figures (issue 4): the warm-cache cost of one ValidatePackage call, the cold cost against
 * the in-memory registry (no network: what the use case and its cache add on top of a registry round trip), and
 * the single-flight counts (1,000 concurrent validations of one name → 1 request; of 100 names → 100).
 */
import { performance } from 'node:perf_hooks';
import { ValidatePackage } from '@catwalk/core';
import type { Clock } from '@catwalk/core';
import { InMemoryPackageRegistry } from '@catwalk/core/testing';
import type { BenchRow } from './types.js';

const realClock: Clock = { now: () => new Date() };
const NAME = '@modelcontextprotocol/server-memory';

function seededRegistry(extraNames: number): InMemoryPackageRegistry {
  const registry = new InMemoryPackageRegistry([{ runtime: 'npm', name: NAME, versions: ['0.5.0', '0.6.2'] }]);
  for (let i = 0; i < extraNames; i++) registry.publish({ runtime: 'npm', name: `bench-pkg-${i}`, versions: ['1.0.0'] });
  return registry;
}

async function warmCost(iterations: number): Promise<number> {
  const validate = new ValidatePackage({ registry: seededRegistry(0), clock: realClock });
  const input = { runtime: 'npm', name: NAME } as const;
  await validate.execute(input);
  for (let i = 0; i < Math.min(iterations, 10_000); i++) await validate.execute(input); // JIT warm-up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await validate.execute(input);
  return ((performance.now() - start) * 1000) / iterations;
}

async function coldCost(iterations: number): Promise<number> {
  const registry = seededRegistry(iterations);
  // Every name is new, so every call misses the cache and reaches the registry.
  const validate = new ValidatePackage({ registry, clock: realClock }, { maxEntries: iterations + 1 });
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await validate.execute({ runtime: 'npm', name: `bench-pkg-${i}` });
  return ((performance.now() - start) * 1000) / iterations;
}

async function singleFlight(calls: number, names: number): Promise<{ requests: number; ms: number }> {
  const registry = seededRegistry(names);
  const validate = new ValidatePackage({ registry, clock: realClock });
  const gate = registry.faults.hold('lookup');
  const start = performance.now();
  const pending = Array.from({ length: calls }, (_, i) => validate.execute({ runtime: 'npm', name: names === 1 ? 'bench-pkg-0' : `bench-pkg-${i % names}` }));
  gate.release();
  await Promise.all(pending);
  return { requests: registry.requests.length, ms: performance.now() - start };
}

/** Runs the validation figures; `smoke` does a few iterations only. */
export async function run(options: { smoke: boolean }): Promise<BenchRow[]> {
  const warmIterations = options.smoke ? 1_000 : 200_000;
  const coldIterations = options.smoke ? 200 : 20_000;
  const warm = await warmCost(warmIterations);
  const cold = await coldCost(coldIterations);
  const one = await singleFlight(1000, 1);
  const hundred = await singleFlight(1000, 100);
  return [
    { area: 'validation', metric: 'warm-cache ValidatePackage', value: round(warm), unit: 'µs/call', note: `${warmIterations} sequential calls, target < 50 µs` },
    { area: 'validation', metric: 'cold ValidatePackage (in-memory registry)', value: round(cold), unit: 'µs/call', note: `${coldIterations} distinct names, no network` },
    { area: 'validation', metric: 'single-flight: 1,000 concurrent × 1 name', value: one.requests, unit: 'registry requests', note: `${round(one.ms)} ms total` },
    { area: 'validation', metric: 'single-flight: 1,000 concurrent × 100 names', value: hundred.requests, unit: 'registry requests', note: `${round(hundred.ms)} ms total` },
  ];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
