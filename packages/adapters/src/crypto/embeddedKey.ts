import { closeSync, constants, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { CatwalkError } from '@catwalk/core';
import type { Logger } from '@catwalk/core';
import { SECRET_KEY_BYTES, formatKeyEntry, parseKeyRing } from './keyRing.js';
import type { KeyRing } from './keyRing.js';

/** File name of the embedded default's key, inside `CATWALK_HOME`. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The embedded default's key ring: reads `$CATWALK_HOME/secret.key`, or generates one 32-byte key into it (mode
 * 0600, created exclusively so two starting processes cannot write different keys) and says so once. The file
 * holds one `id:base64key` entry, so it can later be moved into `CATWALK_SECRET_KEYS` as is.
 */
export function loadOrCreateEmbeddedKeyRing(home: string, logger: Logger): KeyRing {
  const path = join(home, SECRET_KEY_FILE);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    const entry = nacl.randomBytes(SECRET_KEY_BYTES);
    const id = `local-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
    const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
      writeSync(fd, `${formatKeyEntry(id, entry)}\n`);
    } finally {
      closeSync(fd);
    }
    logger.warn('Generated a new secret key for stored credentials. Back this file up: without it, stored credentials cannot be decrypted.', {
      path,
      keyId: id,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CatwalkError('invalid_config', `Could not create the secret key file in CATWALK_HOME.`, { variable: 'CATWALK_HOME', path }, { cause: error });
    }
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) logger.warn('The secret key file is readable by other users; run chmod 600 on it.', { path, mode: mode.toString(8) });
  return parseKeyRing(readFileSync(path, 'utf8'), path);
}
