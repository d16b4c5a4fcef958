/**
 * @catwalk/core — the pure domain of Catwalk. Depends on zod only; no decorators, no I/O.
 * Adapters implement the ports; shells (HTTP, CLI) call the use cases.
 */
export * from './errors/index.js';
export * from './domain/index.js';
export * from './ports/index.js';
export * from './serverJson/index.js';
export * from './cache/index.js';
export * from './usecases/index.js';
export * from './credentials/index.js';
export * from './config/index.js';
