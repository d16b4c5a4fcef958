import type { z } from 'zod';
import type { User } from '@catwalk/core';

/** Who is calling, once the API key checked out. */
export interface Caller {
  readonly user: User;
  readonly keyId: string;
}

/** A documented response of a route (for OpenAPI). */
export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
}

/** What a handler receives: the validated body, query and path parameters, and the caller. */
export interface RouteInput<B, Q> {
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: Caller;
}

/** What a handler answers: a status (default 200) and a JSON body, or text with its content type. */
export interface RouteResult {
  readonly status?: number;
  readonly body: unknown;
  readonly contentType?: string;
}

/**
 * One API route: method, path, the zod schemas of its body and query (the single source of validation and of
 * the OpenAPI document), its documented responses, and the handler. Routes without `auth` are public.
 */
export interface RouteDefinition<B = unknown, Q = unknown> {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Koa-style path (`/api/deployments/:id`). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: boolean;
  readonly body?: z.ZodType<B>;
  readonly query?: z.ZodType<Q>;
  readonly responses: Readonly<Record<number, RouteResponse>>;
  handle(input: RouteInput<B, Q>): Promise<RouteResult>;
}

/** Declares a route with its types inferred from its schemas. */
export function defineRoute<B = undefined, Q = Record<string, never>>(definition: RouteDefinition<B, Q>): RouteDefinition<B, Q> {
  return definition;
}
