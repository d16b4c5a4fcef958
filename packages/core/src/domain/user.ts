/** A person or platform that owns deployments. */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin' | 'user';
  readonly createdAt: Date;
}

/** A user's API key as stored: only its SHA-256 hash and a display prefix. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly userId: string;
  /** `cwa_AbCdEf`: shown in listings so users can tell keys apart. */
  readonly prefix: string;
  readonly hash: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}
