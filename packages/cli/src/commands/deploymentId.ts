import type { ApiClient } from '../client/apiClient.js';
import type { DeploymentListView, DeploymentView } from '../client/views.js';
import { userError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every deployment of the caller, following the cursor. */
export async function listAll(client: ApiClient): Promise<DeploymentView[]> {
  const items: DeploymentView[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const answer = await client.get<DeploymentListView>('/api/deployments', { limit: 100, cursor });
    items.push(...answer.items);
    if (answer.nextCursor === null || answer.nextCursor === undefined) break;
    cursor = answer.nextCursor;
  }
  return items;
}

/**
 * The id of a deployment named by id or by name: ids are used as given; a name is looked up among the caller's
 * deployments and must match exactly one.
 */
export async function resolveDeploymentId(client: ApiClient, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const matches = (await listAll(client)).filter((d) => d.name === idOrName || d.id === idOrName);
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) throw userError(`No deployment with id or name "${idOrName}".`, 'not_found');
  throw userError(`Several deployments are named "${idOrName}"; use the id (catwalk ls).`, 'ambiguous');
}

/** `/api/deployments/<id>` with the id escaped. */
export function deploymentPath(id: string, suffix = ''): string {
  return `/api/deployments/${encodeURIComponent(id)}${suffix}`;
}
