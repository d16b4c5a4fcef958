import { CatwalkError } from '../../errors/index.js';
import { DEPLOYMENT_STATUSES, Deployment } from '../../domain/deployment.js';
import type { DeploymentEvent, DeploymentState, DeploymentStatus } from '../../domain/deployment.js';
import type { SealedBox } from '../../domain/secrets.js';
import type { ApiKeyRecord, User } from '../../domain/user.js';
import type {
  CredentialRepository,
  DeploymentRepository,
  EventLog,
  Page,
  StoredCredentials,
  TransactionalRepositories,
  UnitOfWork,
  UserRepository,
} from '../../ports/index.js';
import { FaultPlan } from './faults.js';

/** Storage operations that can be failed by a test (crash between two writes of one unit of work). */
export type StorageOp =
  | 'deployments.insert'
  | 'deployments.save'
  | 'deployments.delete'
  | 'credentials.put'
  | 'credentials.delete'
  | 'events.append'
  | 'users.create'
  | 'users.addApiKey';

/** A full copy of the store's content (what a unit of work restores on failure). */
export interface StoreSnapshot {
  readonly deployments: ReadonlyMap<string, DeploymentState>;
  readonly credentials: ReadonlyMap<string, SealedBox>;
  readonly events: readonly DeploymentEvent[];
  readonly users: ReadonlyMap<string, User>;
  readonly apiKeys: ReadonlyMap<string, ApiKeyRecord>;
}

const copyBox = (box: SealedBox): SealedBox => ({ keyId: box.keyId, nonce: box.nonce.slice(), ciphertext: box.ciphertext.slice() });

/** The one in-memory "database" every in-memory repository of a test shares. */
export class InMemoryStore {
  deployments = new Map<string, DeploymentState>();
  credentials = new Map<string, SealedBox>();
  events: DeploymentEvent[] = [];
  users = new Map<string, User>();
  apiKeys = new Map<string, ApiKeyRecord>();
  /** Faults per storage operation, checked before the write happens. */
  readonly faults = new FaultPlan<StorageOp>();
  /** Insertion order of deployments (stable tie-break for same-instant timestamps). */
  #sequence = new Map<string, number>();
  #nextSequence = 0;

  /** Copies the whole content. */
  snapshot(): StoreSnapshot {
    return {
      deployments: new Map(this.deployments),
      credentials: new Map([...this.credentials].map(([id, box]) => [id, copyBox(box)])),
      events: [...this.events],
      users: new Map(this.users),
      apiKeys: new Map(this.apiKeys),
    };
  }

  /** Puts back a snapshot taken earlier. */
  restore(snapshot: StoreSnapshot): void {
    this.deployments = new Map(snapshot.deployments);
    this.credentials = new Map(snapshot.credentials);
    this.events = [...snapshot.events];
    this.users = new Map(snapshot.users);
    this.apiKeys = new Map(snapshot.apiKeys);
  }

  /** Whether nothing at all is stored (the "nothing stored" assertion of CreateDeployment tests). */
  isEmpty(): boolean {
    return this.deployments.size === 0 && this.credentials.size === 0 && this.events.length === 0;
  }

  /** Insertion rank of a deployment. */
  sequenceOf(id: string): number {
    let rank = this.#sequence.get(id);
    if (rank === undefined) {
      rank = this.#nextSequence++;
      this.#sequence.set(id, rank);
    }
    return rank;
  }
}

/** DeploymentRepository over an InMemoryStore with the port's compare-and-set semantics. */
export class InMemoryDeploymentRepository implements DeploymentRepository {
  constructor(private readonly store: InMemoryStore) {}

  insert(deployment: Deployment): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('deployments.insert');
      if (this.store.deployments.has(deployment.id)) {
        throw new CatwalkError('conflict', 'A deployment with this id already exists.', { id: deployment.id });
      }
      const next = { ...deployment.nextVersion(), version: 1 };
      this.store.sequenceOf(deployment.id);
      this.store.deployments.set(deployment.id, next);
      this.store.events.push(...deployment.pullEvents());
      deployment.markSaved(next.version);
    });
  }

  save(deployment: Deployment): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('deployments.save');
      const stored = this.store.deployments.get(deployment.id);
      if (stored === undefined) throw new CatwalkError('not_found', 'Deployment not found.', { id: deployment.id });
      if (stored.version !== deployment.version) {
        throw new CatwalkError('conflict', 'The deployment was changed by someone else; reload and try again.', {
          id: deployment.id,
          expectedVersion: deployment.version,
        });
      }
      const next = deployment.nextVersion();
      this.store.deployments.set(deployment.id, next);
      this.store.events.push(...deployment.pullEvents());
      deployment.markSaved(next.version);
    });
  }

  get(id: string): Promise<Deployment | undefined> {
    const state = this.store.deployments.get(id);
    return Promise.resolve(state === undefined ? undefined : Deployment.fromState(state));
  }

  list(ownerId: string, options: { limit: number; cursor?: string }): Promise<Page<DeploymentState>> {
    const all = [...this.store.deployments.values()]
      .filter((state) => state.ownerId === ownerId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || this.store.sequenceOf(b.id) - this.store.sequenceOf(a.id));
    let start: number;
    try {
      start = options.cursor === undefined ? 0 : decodeCursor(options.cursor);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const items = all.slice(start, start + options.limit);
    const end = start + items.length;
    return Promise.resolve({ items, nextCursor: end < all.length ? String(end) : null });
  }

  listByStatus(statuses: readonly DeploymentStatus[], limit: number): Promise<DeploymentState[]> {
    const items = [...this.store.deployments.values()]
      .filter((state) => statuses.includes(state.status))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || this.store.sequenceOf(a.id) - this.store.sequenceOf(b.id))
      .slice(0, limit);
    return Promise.resolve(items);
  }

  delete(id: string): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('deployments.delete');
      this.store.deployments.delete(id);
      this.store.credentials.delete(id);
      this.store.events = this.store.events.filter((event) => event.deploymentId !== id);
    });
  }

  countByStatus(): Promise<Record<DeploymentStatus, number>> {
    const counts = Object.fromEntries(DEPLOYMENT_STATUSES.map((status) => [status, 0])) as Record<DeploymentStatus, number>;
    for (const state of this.store.deployments.values()) counts[state.status]++;
    return Promise.resolve(counts);
  }
}

function decodeCursor(cursor: string): number {
  const offset = /^\d{1,9}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (Number.isNaN(offset)) throw new CatwalkError('invalid_input', 'Invalid page cursor.', { issues: [{ path: 'cursor', message: 'malformed' }] });
  return offset;
}

/** CredentialRepository over an InMemoryStore. Boxes are copied in and out, like bytes in a database. */
export class InMemoryCredentialRepository implements CredentialRepository {
  constructor(private readonly store: InMemoryStore) {}

  put(deploymentId: string, box: SealedBox): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('credentials.put');
      if (!this.store.deployments.has(deploymentId)) {
        // Mirrors the foreign key of the real table: credentials of a deployment that does not exist are refused.
        throw new CatwalkError('not_found', 'Deployment not found.', { id: deploymentId });
      }
      this.store.credentials.set(deploymentId, copyBox(box));
    });
  }

  get(deploymentId: string): Promise<SealedBox | undefined> {
    const box = this.store.credentials.get(deploymentId);
    return Promise.resolve(box === undefined ? undefined : copyBox(box));
  }

  delete(deploymentId: string): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('credentials.delete');
      this.store.credentials.delete(deploymentId);
    });
  }

  listNotSealedWith(keyId: string, limit: number): Promise<StoredCredentials[]> {
    const items = [...this.store.credentials]
      .filter(([, box]) => box.keyId !== keyId)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map(([deploymentId, box]) => ({ deploymentId, box: copyBox(box) }));
    return Promise.resolve(items);
  }
}

/** EventLog over an InMemoryStore. */
export class InMemoryEventLog implements EventLog {
  constructor(private readonly store: InMemoryStore) {}

  append(event: DeploymentEvent): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('events.append');
      this.store.events.push(event);
    });
  }

  list(deploymentId: string, options: { limit: number }): Promise<DeploymentEvent[]> {
    const mine = this.store.events.filter((event) => event.deploymentId === deploymentId);
    return Promise.resolve(options.limit <= 0 ? [] : mine.slice(-options.limit));
  }
}

/** UserRepository over an InMemoryStore. */
export class InMemoryUserRepository implements UserRepository {
  constructor(private readonly store: InMemoryStore) {}

  create(user: User): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('users.create');
      if (this.store.users.has(user.id)) throw new CatwalkError('conflict', 'A user with this id already exists.', { id: user.id });
      this.store.users.set(user.id, user);
    });
  }

  get(id: string): Promise<User | undefined> {
    return Promise.resolve(this.store.users.get(id));
  }

  count(): Promise<number> {
    return Promise.resolve(this.store.users.size);
  }

  list(): Promise<User[]> {
    return Promise.resolve([...this.store.users.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()));
  }

  addApiKey(record: ApiKeyRecord): Promise<void> {
    return run(() => {
      this.store.faults.throwIfArmed('users.addApiKey');
      for (const existing of this.store.apiKeys.values()) {
        if (existing.hash === record.hash) throw new CatwalkError('conflict', 'This API key already exists.', {});
      }
      this.store.apiKeys.set(record.id, record);
    });
  }

  findByApiKeyHash(hash: string): Promise<{ user: User; key: ApiKeyRecord } | undefined> {
    for (const key of this.store.apiKeys.values()) {
      if (key.hash !== hash || key.revokedAt !== null) continue;
      const user = this.store.users.get(key.userId);
      return Promise.resolve(user === undefined ? undefined : { user, key });
    }
    return Promise.resolve(undefined);
  }

  listApiKeys(userId: string): Promise<ApiKeyRecord[]> {
    const keys = [...this.store.apiKeys.values()].filter((key) => key.userId === userId);
    return Promise.resolve(keys.reverse().sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()));
  }

  revokeApiKey(userId: string, keyId: string, at: Date): Promise<boolean> {
    const key = this.store.apiKeys.get(keyId);
    if (key === undefined || key.userId !== userId) return Promise.resolve(false);
    if (key.revokedAt === null) this.store.apiKeys.set(keyId, { ...key, revokedAt: at });
    return Promise.resolve(true);
  }

  touchApiKey(keyId: string, at: Date): Promise<void> {
    const key = this.store.apiKeys.get(keyId);
    if (key !== undefined) this.store.apiKeys.set(keyId, { ...key, lastUsedAt: at });
    return Promise.resolve();
  }
}

/**
 * A unit of work over an InMemoryStore: snapshots the store, runs the work, restores the snapshot if it throws.
 * Units run one at a time (like serialisable transactions), so a rollback never erases another unit's writes.
 * Writes made outside any unit while one is running may be undone by its rollback: tests should not mix them.
 */
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly repositories: TransactionalRepositories;
  /** Called after every unit committed (tests count transactions, e.g. rotation batches). */
  committed = 0;
  rolledBack = 0;
  /**
   * Crash hook: runs after the work finished and before the unit commits; a throw here rolls everything back,
   * like a process killed just before COMMIT. (Per-write failures: `store.faults.failOn('credentials.put', …)`.)
   */
  beforeCommit: ((repos: TransactionalRepositories) => void | Promise<void>) | undefined = undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: InMemoryStore) {
    this.repositories = {
      deployments: new InMemoryDeploymentRepository(store),
      credentials: new InMemoryCredentialRepository(store),
      events: new InMemoryEventLog(store),
    };
  }

  run<T>(work: (repos: TransactionalRepositories) => Promise<T>): Promise<T> {
    const result = this.#queue.then(async () => {
      const before = this.store.snapshot();
      try {
        const value = await work(this.repositories);
        await this.beforeCommit?.(this.repositories);
        this.committed++;
        return value;
      } catch (error) {
        this.store.restore(before);
        this.rolledBack++;
        throw error;
      }
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

/** Runs a synchronous write and turns a throw into a rejected promise (ports are async). */
function run(write: () => void): Promise<void> {
  try {
    write();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
