import type { DeploymentState } from '@catwalk/core';
import { CatwalkError } from '@catwalk/core';
import { clientSnippets, endpointOf, presentDeployment } from '../presenters.js';
import type { RouteDefinition } from '../route.js';
import { defineRoute } from '../route.js';
import { createDeploymentBody, createdDeploymentView, deploymentListView, deploymentView, emptyBody, eventsQuery, listQuery, logsQuery, noQuery, updateCredentialsBody } from '../schemas.js';
import { assertRemoteSource } from './analysis.js';
import { z } from 'zod';
import type { ApiContext } from '../services.js';
import { errorResponses } from './common.js';

const TAG = 'deployments';

function idOf(params: Readonly<Record<string, string>>): string {
  const id = params['id'];
  if (id === undefined) throw new CatwalkError('not_found', 'Deployment not found.', {});
  return id;
}

/** The routes of `/api/deployments`: list, read, lifecycle actions, token rotation, logs and events. */
export function deploymentRoutes(api: ApiContext): RouteDefinition[] {
  const { services, publicUrl } = api;
  const show = (state: DeploymentState) => presentDeployment(state, publicUrl);
  /** Runs a lifecycle action, forgets cached routes now and again when the background run settles. */
  const lifecycle = async (id: string, run: () => Promise<{ deployment: DeploymentState; completion: Promise<unknown> }>) => {
    const started = await run();
    api.deploymentChanged(id);
    void started.completion.then(
      () => api.deploymentChanged(id),
      () => api.deploymentChanged(id),
    );
    return { status: 202, body: show(started.deployment) };
  };

  return [
    defineRoute({
      method: 'post',
      path: '/api/deployments',
      operationId: 'createDeployment',
      summary:
        'Create a deployment: validates source, package and credentials before storing anything, then deploys in the background. ' +
        'Answers the endpoint, the access token (shown this once) and client snippets.',
      tag: TAG,
      auth: true,
      body: createDeploymentBody,
      query: noQuery,
      responses: { 201: { description: 'Created (pending; watch its status)', schema: createdDeploymentView }, ...errorResponses(400, 401, 409, 413, 422, 429, 502) },
      async handle({ body, caller }) {
        assertRemoteSource(body.source, api.allowLocalSources);
        let config: unknown = body.config;
        if (config === undefined && body.package !== undefined) {
          // A package override keeps the analysed env vars and tools, and runs the named package instead.
          const analysis = await services.analyzeSource.execute({ source: body.source });
          config = { ...analysis.config, package: body.package };
        }
        const created = await services.createDeployment.execute({
          ownerId: caller.user.id,
          source: body.source,
          name: body.name,
          credentials: body.credentials,
          ...(config === undefined ? {} : { config }),
          ...(body.args === undefined ? {} : { args: body.args }),
          ...(body.network === undefined ? {} : { network: body.network }),
        });
        const id = created.deployment.id;
        api.deploymentChanged(id);
        api.deploymentCreated(id);
        const endpoint = endpointOf(publicUrl, id);
        return {
          status: 201,
          body: {
            deployment: show(created.deployment),
            endpoint,
            accessToken: created.accessToken,
            warnings: created.warnings,
            snippets: clientSnippets(created.deployment.name, endpoint, created.accessToken),
          },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/deployments/:id/credentials',
      operationId: 'updateCredentials',
      summary: 'Replace the credentials (validated, re-sealed); a running deployment is redeployed with them.',
      tag: TAG,
      auth: true,
      body: updateCredentialsBody,
      query: noQuery,
      responses: { 200: { description: 'The deployment (deploying when it was running)', schema: deploymentView }, ...errorResponses(400, 401, 404, 409, 413, 429) },
      async handle({ params, body, caller }) {
        const id = idOf(params);
        const updated = await services.updateCredentials.execute({ ownerId: caller.user.id, deploymentId: id, credentials: body.credentials });
        api.deploymentChanged(id);
        void updated.redeploy?.then(
          () => api.deploymentChanged(id),
          () => api.deploymentChanged(id),
        );
        return { body: show(updated.deployment) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/deployments',
      operationId: 'listDeployments',
      summary: "List the caller's deployments, newest first (cursor pagination).",
      tag: TAG,
      auth: true,
      query: listQuery,
      responses: { 200: { description: 'A page of deployments', schema: deploymentListView }, ...errorResponses(400, 401, 429) },
      async handle({ query, caller }) {
        const page = await services.listDeployments.execute({ ownerId: caller.user.id, limit: query.limit, cursor: query.cursor });
        return { body: { items: page.items.map(show), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/deployments/:id',
      operationId: 'getDeployment',
      summary: 'Read one deployment.',
      tag: TAG,
      auth: true,
      query: noQuery,
      responses: { 200: { description: 'The deployment', schema: deploymentView }, ...errorResponses(401, 404, 429) },
      async handle({ params, caller }) {
        return { body: show(await services.getDeployment.execute({ ownerId: caller.user.id, deploymentId: idOf(params) })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/deployments/:id/stop',
      operationId: 'stopDeployment',
      summary: 'Stop a running deployment (its endpoint answers 503 until started).',
      tag: TAG,
      auth: true,
      body: emptyBody,
      query: noQuery,
      responses: { 200: { description: 'The stopped deployment', schema: deploymentView }, ...errorResponses(400, 401, 404, 409, 429, 502) },
      async handle({ params, caller }) {
        const id = idOf(params);
        api.deploymentChanged(id);
        const state = await services.stopDeployment.execute({ ownerId: caller.user.id, deploymentId: id });
        api.deploymentChanged(id);
        return { body: show(state) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/deployments/:id/start',
      operationId: 'startDeployment',
      summary: 'Start a stopped deployment, or retry a failed one. Answers at once; the deployment goes deploying → running.',
      tag: TAG,
      auth: true,
      body: emptyBody,
      query: noQuery,
      responses: { 202: { description: 'The deployment, now deploying', schema: deploymentView }, ...errorResponses(400, 401, 404, 409, 429) },
      async handle({ params, caller }) {
        const id = idOf(params);
        return lifecycle(id, () => services.startDeployment.execute({ ownerId: caller.user.id, deploymentId: id }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/deployments/:id/redeploy',
      operationId: 'redeployDeployment',
      summary: 'Deploy again on a fresh machine (running, stopped or failed deployments).',
      tag: TAG,
      auth: true,
      body: emptyBody,
      query: noQuery,
      responses: { 202: { description: 'The deployment, now deploying', schema: deploymentView }, ...errorResponses(400, 401, 404, 409, 429) },
      async handle({ params, caller }) {
        const id = idOf(params);
        return lifecycle(id, () => services.redeployDeployment.execute({ ownerId: caller.user.id, deploymentId: id }));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/deployments/:id',
      operationId: 'deleteDeployment',
      summary: 'Destroy the machine and delete the deployment with its credentials and events.',
      tag: TAG,
      auth: true,
      query: noQuery,
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 404, 429, 502) },
      async handle({ params, caller }) {
        const id = idOf(params);
        api.deploymentChanged(id);
        const { deleted } = await services.deleteDeployment.execute({ ownerId: caller.user.id, deploymentId: id });
        api.deploymentChanged(id);
        if (!deleted) throw new CatwalkError('not_found', 'Deployment not found.', {});
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/deployments/:id/token',
      operationId: 'rotateAccessToken',
      summary: 'Issue a new access token; the old one stops working at once. The token is shown this once.',
      tag: TAG,
      auth: true,
      body: emptyBody,
      query: noQuery,
      responses: {
        200: { description: 'The new token and snippets', schema: createdDeploymentView },
        ...errorResponses(400, 401, 404, 409, 429),
      },
      async handle({ params, caller }) {
        const id = idOf(params);
        const rotated = await services.rotateAccessToken.execute({ ownerId: caller.user.id, deploymentId: id });
        api.deploymentChanged(id);
        const endpoint = endpointOf(publicUrl, id);
        return {
          body: { deployment: show(rotated.deployment), endpoint, accessToken: rotated.accessToken, snippets: clientSnippets(rotated.deployment.name, endpoint, rotated.accessToken) },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/deployments/:id/logs',
      operationId: 'getDeploymentLogs',
      summary: "The last log lines of the deployment's server (credential values masked by the orchestrator).",
      tag: TAG,
      auth: true,
      query: logsQuery,
      responses: {
        200: { description: 'Log lines, oldest first', schema: z.object({ lines: z.array(z.object({ at: z.string(), stream: z.string(), line: z.string() })) }) },
        ...errorResponses(400, 401, 404, 429, 502),
      },
      async handle({ params, query, caller }) {
        const lines = await services.getDeploymentLogs.execute({ ownerId: caller.user.id, deploymentId: idOf(params), tail: query.tail });
        return { body: { lines: lines.map((line) => ({ at: line.at.toISOString(), stream: line.stream, line: line.line })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/deployments/:id/events',
      operationId: 'getDeploymentEvents',
      summary: 'The deployment’s event log (created, status changes, token rotations, progress), oldest first.',
      tag: TAG,
      auth: true,
      query: eventsQuery,
      responses: {
        200: {
          description: 'Events, oldest first',
          schema: z.object({
            events: z.array(z.object({ type: z.string(), at: z.string(), from: z.string().optional(), to: z.string().optional(), message: z.string().optional() })),
          }),
        },
        ...errorResponses(400, 401, 404, 429),
      },
      async handle({ params, query, caller }) {
        const events = await services.getDeploymentEvents.execute({ ownerId: caller.user.id, deploymentId: idOf(params), limit: query.limit });
        return {
          body: {
            events: events.map((event) => ({
              type: event.type,
              at: event.at.toISOString(),
              ...(event.from === undefined ? {} : { from: event.from }),
              ...(event.to === undefined ? {} : { to: event.to }),
              ...(event.message === undefined ? {} : { message: event.message }),
            })),
          },
        };
      },
    }),
  ];
}
