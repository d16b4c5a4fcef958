import { z } from 'zod';
import { CatwalkError } from '../errors/index.js';
import { API_KEY_PREFIX, TOKEN_BYTES, apiKeyDisplayPrefix, isApiKeyFormat } from '../domain/secrets.js';
import { hasControlCharacter } from '../domain/text.js';
import { parseWith } from '../domain/validation.js';
import type { ApiKeyRecord, User } from '../domain/user.js';
import type { Clock, Ids, Logger, SecretGenerator, TokenHasher, UserRepository } from '../ports/index.js';
import { isPlausibleId } from './support.js';
import { assertMayAddUser, type MultiuserPolicy } from './sandboxPolicy.js';

const nameSchema = z
  .string()
  .trim()
  .min(1, 'Names may not be empty')
  .max(100, 'Names are at most 100 characters')
  .refine((name) => !hasControlCharacter(name), 'Names may not contain control characters');

/** An API key as listed: never the key, never its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash'>;

function toView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    userId: record.userId,
    prefix: record.prefix,
    name: record.name,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
  };
}

/** A new user's name and role (default `user`). */
export interface CreateUserInput {
  readonly name: string;
  readonly role?: User['role'] | undefined;
}

/**
 * Creates a user. With a `multiuser` policy, a second user is refused while local deployments run unconfined
 * (see {@link assertMayAddUser}); without one (remote orchestrators, tests) there is no such rule.
 */
export class CreateUser {
  constructor(
    private readonly deps: { readonly users: UserRepository; readonly ids: Ids; readonly clock: Clock; readonly multiuser?: MultiuserPolicy | undefined },
  ) {}

  async execute(input: CreateUserInput): Promise<User> {
    const { name, role } = parseWith(z.object({ name: nameSchema, role: z.enum(['admin', 'user']).default('user') }), input);
    if (this.deps.multiuser !== undefined) assertMayAddUser(this.deps.multiuser, await this.deps.users.count());
    const user: User = { id: this.deps.ids.newId(), name, role, createdAt: this.deps.clock.now() };
    await this.deps.users.create(user);
    return user;
  }
}

/** Which user gets a key, and a name to tell keys apart. */
export interface CreateApiKeyInput {
  readonly userId: string;
  readonly name: string;
  /** Use this key instead of generating one (an operator's `CATWALK_ADMIN_API_KEY`); must have the `cwa_` format. */
  readonly apiKey?: string | undefined;
}

/** The key, shown this once, and what is stored about it. */
export interface CreateApiKeyOutput {
  readonly apiKey: string;
  readonly key: ApiKeyView;
}

/** Ports the API-key use cases need. */
export interface ApiKeyDeps {
  readonly users: UserRepository;
  readonly ids: Ids;
  readonly clock: Clock;
  readonly secrets: SecretGenerator;
  readonly hasher: TokenHasher;
}

/** Creates an API key (`cwa_` + 32 random bytes); only its SHA-256 hash and a display prefix are stored. */
export class CreateApiKey {
  constructor(private readonly deps: ApiKeyDeps) {}

  async execute(input: CreateApiKeyInput): Promise<CreateApiKeyOutput> {
    const name = parseWith(nameSchema, input.name, 'invalid_input', 'key name');
    if (!isPlausibleId(input.userId) || (await this.deps.users.get(input.userId)) === undefined) {
      throw new CatwalkError('not_found', 'User not found.', {});
    }
    if (input.apiKey !== undefined && !isApiKeyFormat(input.apiKey)) {
      throw new CatwalkError('invalid_input', `API keys are ${API_KEY_PREFIX} followed by 43 base64url characters.`, {
        issues: [{ path: 'apiKey', message: 'bad format' }],
      });
    }
    const apiKey = input.apiKey ?? API_KEY_PREFIX + this.deps.secrets.randomToken(TOKEN_BYTES);
    const record: ApiKeyRecord = {
      id: this.deps.ids.newId(),
      userId: input.userId,
      prefix: apiKeyDisplayPrefix(apiKey),
      hash: this.deps.hasher.hash(apiKey),
      name,
      createdAt: this.deps.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.deps.users.addApiKey(record);
    return { apiKey, key: toView(record) };
  }
}

/** Lists a user's keys (revoked included), newest first, without hashes. */
export class ListApiKeys {
  constructor(private readonly deps: { readonly users: UserRepository }) {}

  async execute(input: { readonly userId: string }): Promise<ApiKeyView[]> {
    return (await this.deps.users.listApiKeys(input.userId)).map(toView);
  }
}

/** Revokes one of the user's keys; another user's key or a missing one is `not_found`. */
export class RevokeApiKey {
  constructor(private readonly deps: { readonly users: UserRepository; readonly clock: Clock }) {}

  async execute(input: { readonly userId: string; readonly keyId: string }): Promise<void> {
    const revoked = isPlausibleId(input.keyId) && (await this.deps.users.revokeApiKey(input.userId, input.keyId, this.deps.clock.now()));
    if (!revoked) throw new CatwalkError('not_found', 'API key not found.', {});
  }
}

/** Who a valid API key belongs to. */
export interface AuthenticateApiKeyOutput {
  readonly user: User;
  readonly keyId: string;
}

/** The one answer for every API-key failure. */
export const API_KEY_UNAUTHORIZED_MESSAGE = 'Invalid or missing API key.';

/** Authenticates `Authorization: Bearer cwa_…`: format check, hash lookup, revoked keys refused; records use. */
export class AuthenticateApiKey {
  constructor(private readonly deps: { readonly users: UserRepository; readonly hasher: TokenHasher; readonly clock: Clock; readonly logger: Logger }) {}

  async execute(input: { readonly apiKey: string | undefined }): Promise<AuthenticateApiKeyOutput> {
    const apiKey = input.apiKey;
    if (apiKey === undefined || !isApiKeyFormat(apiKey)) throw new CatwalkError('unauthorized', API_KEY_UNAUTHORIZED_MESSAGE, {});
    // Lookup by hash: the database compares hashes of high-entropy keys, so no timing reveals a key's prefix.
    const found = await this.deps.users.findByApiKeyHash(this.deps.hasher.hash(apiKey));
    if (found === undefined) throw new CatwalkError('unauthorized', API_KEY_UNAUTHORIZED_MESSAGE, {});
    try {
      await this.deps.users.touchApiKey(found.key.id, this.deps.clock.now());
    } catch {
      this.deps.logger.warn('could not record API key use', { keyId: found.key.id });
    }
    return { user: found.user, keyId: found.key.id };
  }
}

/** First-start options: the admin's name and, optionally, the key to give it (`CATWALK_ADMIN_API_KEY`). */
export interface EnsureAdminInput {
  readonly name?: string | undefined;
  readonly apiKey?: string | undefined;
}

/** Whether an admin was created; `apiKey` only when one was generated (print it once). */
export type EnsureAdminOutput =
  | { readonly created: false }
  | { readonly created: true; readonly user: User; readonly keyId: string; readonly apiKey?: string };

/** On first start (no users at all), creates an admin and an API key for it. Does nothing once any user exists. */
export class EnsureAdmin {
  readonly #createUser: CreateUser;
  readonly #createApiKey: CreateApiKey;

  constructor(private readonly deps: ApiKeyDeps) {
    this.#createUser = new CreateUser(deps);
    this.#createApiKey = new CreateApiKey(deps);
  }

  async execute(input: EnsureAdminInput = {}): Promise<EnsureAdminOutput> {
    if ((await this.deps.users.count()) > 0) return { created: false };
    if (input.apiKey !== undefined && !isApiKeyFormat(input.apiKey)) {
      throw new CatwalkError('invalid_config', `CATWALK_ADMIN_API_KEY must be ${API_KEY_PREFIX} followed by 43 base64url characters.`, {
        variable: 'CATWALK_ADMIN_API_KEY',
      });
    }
    const user = await this.#createUser.execute({ name: input.name ?? 'admin', role: 'admin' });
    const { apiKey, key } = await this.#createApiKey.execute({ userId: user.id, name: 'admin', apiKey: input.apiKey });
    return input.apiKey === undefined ? { created: true, user, keyId: key.id, apiKey } : { created: true, user, keyId: key.id };
  }
}
