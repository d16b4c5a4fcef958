/**
 * @catwalk/core — the pure domain of Catwalk. Depends on zod only; no decorators, no I/O.
 * Adapters implement the ports; shells (HTTP, CLI) call the use cases.
 */
export * from './errors/index.js';
export * from './domain/index.js';
export * from './ports/index.js';
