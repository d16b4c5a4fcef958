import { z } from 'zod';
import { CatwalkError } from '@catwalk/core';
import type { ApiKeyView } from '@catwalk/core';
import type { RouteDefinition } from '../route.js';
import { defineRoute } from '../route.js';
import { emptyBody, noQuery } from '../schemas.js';
import type { ApiContext } from '../services.js';
import { errorResponses } from './common.js';

const TAG = 'keys';
const nameField = z.string().trim().min(1).max(100).describe('A name to tell keys (or users) apart');

/** `POST /api/keys` body. */
export const createApiKeyBody = z.strictObject({ name: nameField });
/** `POST /api/users` body. */
export const createUserBody = z.strictObject({ name: nameField });

/** An API key as the API shows it: a display prefix, never the key nor its hash. */
export const apiKeyView = z.object({
  id: z.string(),
  userId: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  name: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
/** A key created now: the key itself is in `apiKey`, shown this once. */
export const createdApiKeyView = z.object({ apiKey: z.string().describe('The key (cwa_…), shown only in this answer'), key: apiKeyView });
const apiKeyListView = z.object({ keys: z.array(apiKeyView) });
const createdUserView = z.object({
  user: z.object({ id: z.string(), name: z.string(), role: z.enum(['admin', 'user']), createdAt: z.string() }),
  apiKey: z.string().describe('The new user’s first API key, shown only in this answer'),
  key: apiKeyView,
});

/** Picks the fields of a key view explicitly, so nothing else (a hash) can ever leak into a response. */
function presentKey(key: ApiKeyView): z.infer<typeof apiKeyView> {
  const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());
  return {
    id: key.id,
    userId: key.userId,
    prefix: key.prefix,
    name: key.name,
    createdAt: new Date(key.createdAt).toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

/** The routes of `/api/keys` (the caller's own keys) and the admin-only `POST /api/users`. */
export function keyRoutes(api: ApiContext): RouteDefinition[] {
  const { services } = api;
  return [
    defineRoute({
      method: 'post',
      path: '/api/keys',
      operationId: 'createApiKey',
      summary: 'Create an API key for the caller. The key is in the answer this once; only its hash is stored.',
      tag: TAG,
      auth: true,
      body: createApiKeyBody,
      query: noQuery,
      responses: { 201: { description: 'Created', schema: createdApiKeyView }, ...errorResponses(400, 401, 413, 429) },
      async handle({ body, caller }) {
        const created = await services.createApiKey.execute({ userId: caller.user.id, name: body.name });
        return { status: 201, body: { apiKey: created.apiKey, key: presentKey(created.key) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/keys',
      operationId: 'listApiKeys',
      summary: 'List the caller’s API keys (revoked ones included), newest first: prefixes only, never keys or hashes.',
      tag: TAG,
      auth: true,
      body: emptyBody,
      query: noQuery,
      responses: { 200: { description: 'The caller’s keys', schema: apiKeyListView }, ...errorResponses(400, 401, 429) },
      async handle({ caller }) {
        const keys = await services.listApiKeys.execute({ userId: caller.user.id });
        return { body: { keys: keys.map(presentKey) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/keys/:id',
      operationId: 'revokeApiKey',
      summary: 'Revoke one of the caller’s API keys; it stops working at once. Another user’s key answers 404.',
      tag: TAG,
      auth: true,
      body: emptyBody,
      query: noQuery,
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 404, 429) },
      async handle({ params, caller }) {
        const keyId = params['id'];
        if (keyId === undefined) throw new CatwalkError('not_found', 'API key not found.', {});
        await services.revokeApiKey.execute({ userId: caller.user.id, keyId });
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users',
      operationId: 'createUser',
      summary:
        'Admin only: create a user and its first API key (shown this once). Refused (403) while local MCP servers run ' +
        'unsandboxed, unless CATWALK_ALLOW_UNSANDBOXED_MULTIUSER=1.',
      tag: 'users',
      auth: true,
      body: createUserBody,
      query: noQuery,
      responses: { 201: { description: 'Created', schema: createdUserView }, ...errorResponses(400, 401, 403, 413, 429) },
      async handle({ body, caller }) {
        if (caller.user.role !== 'admin') throw new CatwalkError('forbidden', 'Only an admin may create users.', {});
        const user = await services.createUser.execute({ name: body.name });
        const created = await services.createApiKey.execute({ userId: user.id, name: 'first key' });
        return {
          status: 201,
          body: {
            user: { id: user.id, name: user.name, role: user.role, createdAt: new Date(user.createdAt).toISOString() },
            apiKey: created.apiKey,
            key: presentKey(created.key),
          },
        };
      },
    }),
  ];
}
