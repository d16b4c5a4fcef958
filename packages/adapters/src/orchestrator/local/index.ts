export { LocalOrchestrator, defaultLauncher } from './localOrchestrator.js';
export type { LocalOrchestratorOptions, Launcher, InProcessBridge } from './localOrchestrator.js';
export { PackageInstaller } from './packageInstaller.js';
export type { PackageInstallerOptions } from './packageInstaller.js';
export { PythonInstaller, DEFAULT_PYPI_INDEX_URL, pipNetworkEnvironment } from './pythonInstaller.js';
export type { PythonInstallerOptions } from './pythonInstaller.js';
export { guardChildren } from './exitGuard.js';
export type { Killable } from './exitGuard.js';
export { localOrchestratorModule } from './module.js';
