export { NpmRegistry, npmPackagePath, NPM_MAX_ABBREVIATED_BYTES, NPM_MAX_FULL_BYTES } from './npm.js';
export type { NpmRegistryOptions } from './npm.js';
export { PypiRegistry, PYPI_MAX_BYTES } from './pypi.js';
export type { PypiRegistryOptions } from './pypi.js';
export { RoutingPackageRegistry } from './router.js';
export { registryModule, createPackageRegistry } from './module.js';
export type { RegistryModuleOptions } from './module.js';
export { JsonApi, USER_AGENT, CATWALK_VERSION } from './http.js';
export type { HttpLimits, JsonAnswer } from './http.js';
