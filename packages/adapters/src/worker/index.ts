export { DeploymentWorker } from './deploymentWorker.js';
export type { DeploymentRunner, DeploymentWorkerOptions } from './deploymentWorker.js';
export { ReconcileLoop } from './reconcileLoop.js';
export type { Reconciler, ReconcileLoopOptions } from './reconcileLoop.js';
