import { z } from 'zod';
import { CatwalkError, parseSource } from '@catwalk/core';
import type { CredentialForm } from '@catwalk/core';
import type { RouteDefinition } from '../route.js';
import { defineRoute } from '../route.js';
import { noQuery, searchQuery, sourceBody, validateCredentialsBody, validatePackageBody } from '../schemas.js';
import type { ApiContext } from '../services.js';
import { errorResponses } from './common.js';

/** The form as JSON: fields, excluded variables and the JSON Schema (the zod validator stays on the server). */
export function presentForm(form: CredentialForm) {
  return { fields: form.fields, excluded: form.excluded, jsonSchema: form.jsonSchema };
}

/**
 * Refuses local-directory sources over HTTP unless the operator allowed them: a remote user must never make
 * the server read its own disk.
 */
export function assertRemoteSource(source: string, allowLocalSources: boolean): void {
  if (allowLocalSources) return;
  if (parseSource(source).kind === 'local') {
    throw new CatwalkError('invalid_source', 'Local directories cannot be analysed or deployed over the API.', { reason: 'local sources are disabled (CATWALK_ALLOW_LOCAL_SOURCES)' });
  }
}

const formView = z.object({ fields: z.array(z.record(z.string(), z.unknown())), excluded: z.array(z.object({ name: z.string(), reason: z.string() })), jsonSchema: z.record(z.string(), z.unknown()) });
const analysisView = z.object({ source: z.string(), cached: z.boolean(), config: z.record(z.string(), z.unknown()), form: formView });

/** `/api/analyze`, `/api/forms`, `/api/validate/*` and `/api/catalog/search`. */
export function analysisRoutes(api: ApiContext): RouteDefinition[] {
  const { services } = api;
  const analyze = async (source: string) => {
    assertRemoteSource(source, api.allowLocalSources);
    return services.analyzeSource.execute({ source });
  };
  return [
    defineRoute({
      method: 'post',
      path: '/api/analyze',
      operationId: 'analyze',
      summary: 'Analyse a source: the MCP config (package, runtime, env vars, tools, evidence) and its credential form.',
      tag: 'analysis',
      auth: true,
      body: sourceBody,
      query: noQuery,
      responses: { 200: { description: 'The analysis', schema: analysisView }, ...errorResponses(400, 401, 404, 413, 422, 429, 502) },
      async handle({ body }) {
        const analysis = await analyze(body.source);
        return { body: { source: analysis.source.key, cached: analysis.cached, config: analysis.config, form: presentForm(analysis.form) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/forms',
      operationId: 'credentialForm',
      summary: 'The credential form of a source only (fields and JSON Schema).',
      tag: 'analysis',
      auth: true,
      body: sourceBody,
      query: noQuery,
      responses: { 200: { description: 'The form', schema: formView }, ...errorResponses(400, 401, 404, 413, 422, 429, 502) },
      async handle({ body }) {
        const analysis = await analyze(body.source);
        return { body: presentForm(services.buildCredentialForm.execute({ config: analysis.config })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/validate/package',
      operationId: 'validatePackage',
      summary: 'Check that a package exists on npm or PyPI and pin its exact version (runtime auto-detected by default).',
      tag: 'analysis',
      auth: true,
      body: validatePackageBody,
      query: noQuery,
      responses: {
        200: {
          description: 'The package, pinned',
          schema: z.object({
            package: z.object({ runtime: z.string(), name: z.string(), version: z.string() }),
            latestVersion: z.string(),
            description: z.string().optional(),
            detectedRuntime: z.boolean(),
            deprecated: z.string().nullable(),
            yanked: z.boolean(),
            warnings: z.array(z.string()),
          }),
        },
        ...errorResponses(400, 401, 413, 422, 429, 502),
      },
      async handle({ body }) {
        const result = await services.validatePackage.execute({ runtime: body.runtime ?? 'auto', name: body.name, version: body.version });
        return {
          body: {
            package: result.package,
            latestVersion: result.info.latestVersion,
            ...(result.info.description === undefined ? {} : { description: result.info.description }),
            detectedRuntime: result.detectedRuntime,
            deprecated: result.deprecated,
            yanked: result.yanked,
            warnings: result.warnings,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/validate/credentials',
      operationId: 'validateCredentials',
      summary: "Check credentials against a source's form without storing anything. Values are never echoed.",
      tag: 'analysis',
      auth: true,
      body: validateCredentialsBody,
      query: noQuery,
      responses: {
        200: { description: 'Valid: the names that will be set (defaults applied)', schema: z.object({ valid: z.literal(true), names: z.array(z.string()) }) },
        ...errorResponses(400, 401, 413, 422, 429, 502),
      },
      async handle({ body }) {
        const analysis = await analyze(body.source);
        const values = services.validateCredentials.execute({ envVars: analysis.config.envVars, submitted: body.credentials });
        return { body: { valid: true, names: Object.keys(values).sort() } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/catalog/search',
      operationId: 'searchCatalog',
      summary: 'Search MCP servers in the official MCP registry and Glama.',
      tag: 'catalog',
      auth: true,
      query: searchQuery,
      responses: {
        200: { description: 'Matches; `degraded` names catalogues that did not answer', schema: z.object({ entries: z.array(z.record(z.string(), z.unknown())), degraded: z.array(z.object({ catalog: z.string(), reason: z.string() })) }) },
        ...errorResponses(400, 401, 429, 502),
      },
      async handle({ query }) {
        const result = await services.searchCatalog.execute({ query: query.q, limit: query.limit });
        return { body: { entries: result.entries, degraded: result.degraded } };
      },
    }),
  ];
}
