export { BubblewrapSandbox, DEFAULT_SANDBOX_LIMITS } from './bubblewrap.js';
export type { BubblewrapSandboxOptions } from './bubblewrap.js';
export { bubblewrapArgv, JAIL_HOME, JAIL_TMP, JAIL_UID } from './bubblewrapArgs.js';
export type { JailPlan, SystemEntry } from './bubblewrapArgs.js';
export { NoSandbox } from './none.js';
export { selectSandbox, multiuserPolicyOf, UNSANDBOXED_WARNING, SANDBOX_INSTALL_HINT } from './select.js';
export type { SelectSandboxOptions } from './select.js';
export { sandboxModule } from './module.js';
