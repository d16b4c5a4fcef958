import { EntitySchema } from 'typeorm';

/**
 * Table mappings. Rows are plain adapter-side shapes (never the core classes), mapped by `mappers.ts`; every
 * column type is explicit because tsx does not emit decorator metadata and the tables come from migrations.
 */

/** A row of `users`. */
export interface UserRow {
  id: string;
  name: string;
  role: 'admin' | 'user';
  createdAt: Date;
}

/** A row of `api_keys` (hashes only). */
export interface ApiKeyRow {
  id: string;
  userId: string;
  prefix: string;
  hash: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A row of `deployments`. */
export interface DeploymentRow {
  id: string;
  ownerId: string;
  name: string;
  source: string;
  packageRuntime: string;
  packageName: string;
  packageVersion: string;
  status: string;
  machineId: string | null;
  config: object;
  upstreamUrl: string | null;
  accessTokenHash: string;
  errorMessage: string | null;
  tools: object[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A row of `credentials`: one sealed bundle per deployment. */
export interface CredentialRow {
  deploymentId: string;
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  updatedAt: Date;
}

/** A row of `deployment_events` (append-only). */
export interface DeploymentEventRow {
  id?: string;
  deploymentId: string;
  type: string;
  at: Date;
  fromStatus: string | null;
  toStatus: string | null;
  message: string | null;
}

/** A row of `analysis_cache`. */
export interface AnalysisCacheRow {
  sourceKey: string;
  data: unknown;
  storedAt: Date;
  expiresAt: Date;
}

export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'text', primary: true },
    name: { type: 'text' },
    role: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: 'ApiKey',
  tableName: 'api_keys',
  columns: {
    id: { type: 'text', primary: true },
    userId: { type: 'text', name: 'user_id' },
    prefix: { type: 'text' },
    hash: { type: 'text' },
    name: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    lastUsedAt: { type: 'timestamptz', name: 'last_used_at', nullable: true },
    revokedAt: { type: 'timestamptz', name: 'revoked_at', nullable: true },
  },
});

export const DeploymentEntity = new EntitySchema<DeploymentRow>({
  name: 'Deployment',
  tableName: 'deployments',
  columns: {
    id: { type: 'uuid', primary: true },
    ownerId: { type: 'text', name: 'owner_id' },
    name: { type: 'text' },
    source: { type: 'text' },
    packageRuntime: { type: 'text', name: 'package_runtime' },
    packageName: { type: 'text', name: 'package_name' },
    packageVersion: { type: 'text', name: 'package_version' },
    status: { type: 'text' },
    machineId: { type: 'text', name: 'machine_id', nullable: true },
    config: { type: 'jsonb' },
    upstreamUrl: { type: 'text', name: 'upstream_url', nullable: true },
    accessTokenHash: { type: 'text', name: 'access_token_hash' },
    errorMessage: { type: 'text', name: 'error_message', nullable: true },
    tools: { type: 'jsonb' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
    version: { type: 'integer' },
  },
});

export const CredentialEntity = new EntitySchema<CredentialRow>({
  name: 'Credential',
  tableName: 'credentials',
  columns: {
    deploymentId: { type: 'uuid', primary: true, name: 'deployment_id' },
    keyId: { type: 'text', name: 'key_id' },
    nonce: { type: 'bytea' },
    ciphertext: { type: 'bytea' },
    updatedAt: { type: 'timestamptz', name: 'updated_at' },
  },
});

export const DeploymentEventEntity = new EntitySchema<DeploymentEventRow>({
  name: 'DeploymentEvent',
  tableName: 'deployment_events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    deploymentId: { type: 'uuid', name: 'deployment_id' },
    type: { type: 'text' },
    at: { type: 'timestamptz' },
    fromStatus: { type: 'text', name: 'from_status', nullable: true },
    toStatus: { type: 'text', name: 'to_status', nullable: true },
    message: { type: 'text', nullable: true },
  },
});

export const AnalysisCacheEntity = new EntitySchema<AnalysisCacheRow>({
  name: 'AnalysisCacheEntry',
  tableName: 'analysis_cache',
  columns: {
    sourceKey: { type: 'text', primary: true, name: 'source_key' },
    data: { type: 'jsonb' },
    storedAt: { type: 'timestamptz', name: 'stored_at' },
    expiresAt: { type: 'timestamptz', name: 'expires_at' },
  },
});

/** Every mapped table, for the DataSource. */
export const ENTITIES = [UserEntity, ApiKeyEntity, DeploymentEntity, CredentialEntity, DeploymentEventEntity, AnalysisCacheEntity];
