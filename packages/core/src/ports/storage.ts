import type { Deployment, DeploymentEvent, DeploymentState, DeploymentStatus } from '../domain/deployment.js';
import type { SealedBox } from '../domain/secrets.js';
import type { ApiKeyRecord, User } from '../domain/user.js';
import { token } from './token.js';

/** A page of results with an opaque cursor for the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * Stores deployments. Saves are compare-and-set on `version`: two workers (or two control-plane replicas) cannot
 * both move one deployment from pending to deploying.
 */
export interface DeploymentRepository {
  /** Inserts a new deployment (version 0 → 1) and appends its events. @throws `conflict` on a duplicate id. */
  insert(deployment: Deployment): Promise<void>;
  /**
   * Saves `deployment` if the stored version still equals `deployment.version`, appends its pending events, and
   * bumps the version. @throws `conflict` when someone else saved first; `not_found` when it is gone.
   */
  save(deployment: Deployment): Promise<void>;
  /** The deployment, or undefined. */
  get(id: string): Promise<Deployment | undefined>;
  /** Newest first, owner's only; `cursor` from a previous page. */
  list(ownerId: string, options: { limit: number; cursor?: string }): Promise<Page<DeploymentState>>;
  /** Every deployment in one of `statuses` (for the worker and the reconciler), oldest first. */
  listByStatus(statuses: readonly DeploymentStatus[], limit: number): Promise<DeploymentState[]>;
  /** Deletes the deployment (credentials and events go with it). Idempotent. */
  delete(id: string): Promise<void>;
  /** Counts per status (for metrics). */
  countByStatus(): Promise<Record<DeploymentStatus, number>>;
}
export const DeploymentRepositoryToken = token<DeploymentRepository>('DeploymentRepository');

/** A sealed credential bundle and the deployment it belongs to. */
export interface StoredCredentials {
  readonly deploymentId: string;
  readonly box: SealedBox;
}

/** Stores sealed credentials, one bundle per deployment. Never sees plaintext. */
export interface CredentialRepository {
  /** Stores or replaces the bundle of a deployment. */
  put(deploymentId: string, box: SealedBox): Promise<void>;
  /** The bundle, or undefined. */
  get(deploymentId: string): Promise<SealedBox | undefined>;
  /** Removes the bundle; idempotent. */
  delete(deploymentId: string): Promise<void>;
  /** Up to `limit` bundles sealed under a key other than `keyId` (for rotation), in a stable order. */
  listNotSealedWith(keyId: string, limit: number): Promise<StoredCredentials[]>;
}
export const CredentialRepositoryToken = token<CredentialRepository>('CredentialRepository');

/** Reads the append-only deployment event log (events are written by DeploymentRepository). */
export interface EventLog {
  /** Appends an event outside of a deployment save (e.g. progress from the worker). */
  append(event: DeploymentEvent): Promise<void>;
  /** The newest `limit` events of a deployment, oldest first. */
  list(deploymentId: string, options: { limit: number }): Promise<DeploymentEvent[]>;
}
export const EventLogToken = token<EventLog>('EventLog');

/** Stores users and their API keys (hashes only). */
export interface UserRepository {
  /** Inserts a user. */
  create(user: User): Promise<void>;
  /** The user, or undefined. */
  get(id: string): Promise<User | undefined>;
  /** How many users exist (first start creates an admin when zero). */
  count(): Promise<number>;
  /** All users, oldest first. */
  list(): Promise<User[]>;
  /** Stores an API key record. @throws `conflict` on a duplicate hash. */
  addApiKey(record: ApiKeyRecord): Promise<void>;
  /** The unrevoked key with this hash and its user, or undefined. */
  findByApiKeyHash(hash: string): Promise<{ user: User; key: ApiKeyRecord } | undefined>;
  /** A user's keys (revoked ones included), newest first. */
  listApiKeys(userId: string): Promise<ApiKeyRecord[]>;
  /** Revokes a key of this user; false when there is no such key. */
  revokeApiKey(userId: string, keyId: string, at: Date): Promise<boolean>;
  /** Records use of a key (best effort). */
  touchApiKey(keyId: string, at: Date): Promise<void>;
}
export const UserRepositoryToken = token<UserRepository>('UserRepository');

/** The repositories available inside one transaction. */
export interface TransactionalRepositories {
  readonly deployments: DeploymentRepository;
  readonly credentials: CredentialRepository;
  readonly events: EventLog;
}

/**
 * Runs work atomically: everything written through the given repositories commits together or not at all
 * (CreateDeployment writes deployment + sealed credentials + event in one unit).
 */
export interface UnitOfWork {
  /** Runs `work` in a transaction; a throw rolls everything back and is rethrown. */
  run<T>(work: (repos: TransactionalRepositories) => Promise<T>): Promise<T>;
}
export const UnitOfWorkToken = token<UnitOfWork>('UnitOfWork');
