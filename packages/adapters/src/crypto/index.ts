export { parseKeyRing, formatKeyEntry, SECRET_KEY_BYTES, SECRET_KEYS_VARIABLE } from './keyRing.js';
export type { KeyRing } from './keyRing.js';
export { SecretboxCipher } from './secretboxCipher.js';
export { loadOrCreateEmbeddedKeyRing, SECRET_KEY_FILE } from './embeddedKey.js';
export { SystemClock, RandomUuidIds, RandomSecretGenerator, Sha256TokenHasher } from './system.js';
export { cryptoModule, systemModule, loadKeyRing } from './modules.js';
export type { CryptoModuleOptions } from './modules.js';
