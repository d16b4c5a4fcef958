export { FlyOrchestrator, mapState } from './flyOrchestrator.js';
export type { FlyOrchestratorOptions, FlyGuest } from './flyOrchestrator.js';
export { FlyClient, translate as translateFlyError } from './flyClient.js';
export type { FlyClientOptions, FlyRequestRecord, FlyResponse } from './flyClient.js';
export { KeyedTokenBucket, realFlyClock } from './rateLimiter.js';
export type { FlyClock } from './rateLimiter.js';
export { flyOrchestratorModule } from './module.js';
