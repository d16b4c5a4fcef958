import { ContainerModule } from 'inversify';
import { CipherToken, ClockToken, IdsToken, LoggerToken, SecretGeneratorToken, TokenHasherToken } from '@catwalk/core';
import type { Cipher, Logger } from '@catwalk/core';
import { loadOrCreateEmbeddedKeyRing } from './embeddedKey.js';
import { SECRET_KEYS_VARIABLE, parseKeyRing } from './keyRing.js';
import type { KeyRing } from './keyRing.js';
import { SecretboxCipher } from './secretboxCipher.js';
import { RandomSecretGenerator, RandomUuidIds, Sha256TokenHasher, SystemClock } from './system.js';

/** Where the cipher's key ring comes from. */
export interface CryptoModuleOptions {
  /** `CATWALK_SECRET_KEYS` (`id:base64key,…`); when absent the embedded key file in `home` is used. */
  readonly secretKeys?: string | undefined;
  /** `CATWALK_HOME`: where the embedded default keeps `secret.key`. */
  readonly home: string;
}

/** The key ring the options select: the variable when set, else the embedded key file (created on first use). */
export function loadKeyRing(options: CryptoModuleOptions, logger: Logger): KeyRing {
  if (options.secretKeys !== undefined && options.secretKeys.trim() !== '') return parseKeyRing(options.secretKeys, SECRET_KEYS_VARIABLE);
  return loadOrCreateEmbeddedKeyRing(options.home, logger);
}

/** Binds `Cipher` (tweetnacl secretbox over the selected key ring); needs `Logger` bound. */
export function cryptoModule(options: CryptoModuleOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Cipher>(CipherToken)
      .toResolvedValue((logger: Logger) => new SecretboxCipher(loadKeyRing(options, logger)), [LoggerToken])
      .inSingletonScope();
  });
}

/** Binds `Clock`, `Ids`, `SecretGenerator` and `TokenHasher` to their node:crypto / wall-clock implementations. */
export function systemModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ClockToken).toConstantValue(new SystemClock());
    bind(IdsToken).toConstantValue(new RandomUuidIds());
    bind(SecretGeneratorToken).toConstantValue(new RandomSecretGenerator());
    bind(TokenHasherToken).toConstantValue(new Sha256TokenHasher());
  });
}
