export { TtlCache, DEFAULT_MAX_ENTRIES } from './TtlCache.js';
export type { TtlCacheOptions, TtlCacheStats } from './TtlCache.js';
