import type {
  AnalysisView,
  CatalogSearchView,
  DeploymentEventView,
  DeploymentView,
  IssuedTokenView,
  LogLineView,
} from './types.mjs';

const KEY_STORAGE = 'catwalk.apiKey';

/** The API's error shape (`{ error, message, details }`), with the HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** The API key of this tab: sessionStorage only (gone with the tab), sent as a Bearer header, never in a URL. */
export const apiKeyStore = {
  get(): string | null {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set(key: string): void {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Listeners told when the API refuses the key (401), so the shell can go back to sign-in. */
const unauthorizedListeners: (() => void)[] = [];
export function onUnauthorized(listener: () => void): void {
  unauthorizedListeners.push(listener);
}

/**
 * Calls the API with the stored key. Resolves with the parsed JSON body (undefined for 204); rejects with an
 * {@link ApiError} carrying the server's code, message and details, or a `network` one when the server is unreachable.
 */
export async function request<T>(method: string, path: string, body?: unknown, key: string | null = apiKeyStore.get()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'Catwalk could not be reached. Check that the service is running.', {});
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as T;
  if (response.status === 401) for (const listener of unauthorizedListeners) listener();
  if (isRecord(parsed) && typeof parsed['error'] === 'string' && typeof parsed['message'] === 'string') {
    throw new ApiError(response.status, parsed['error'], parsed['message'], isRecord(parsed['details']) ? parsed['details'] : {});
  }
  throw new ApiError(response.status, 'internal', `The server answered ${response.status}.`, {});
}

const id = (deploymentId: string): string => encodeURIComponent(deploymentId);

/** The API routes the console uses. */
export const api = {
  /** Checks a key without storing it (any authenticated read will do). */
  checkKey: (key: string) => request<unknown>('GET', '/api/deployments?limit=1', undefined, key),
  searchCatalog: (query: string) => request<CatalogSearchView>('GET', `/api/catalog/search?${new URLSearchParams({ q: query, limit: '20' })}`),
  analyze: (source: string) => request<AnalysisView>('POST', '/api/analyze', { source }),
  createDeployment: (body: { name: string; source: string; credentials: Record<string, string> }) => request<IssuedTokenView>('POST', '/api/deployments', body),
  listDeployments: () => request<{ items: DeploymentView[]; nextCursor: string | null }>('GET', '/api/deployments?limit=100'),
  getDeployment: (deploymentId: string) => request<DeploymentView>('GET', `/api/deployments/${id(deploymentId)}`),
  events: (deploymentId: string) => request<{ events: DeploymentEventView[] }>('GET', `/api/deployments/${id(deploymentId)}/events?limit=200`),
  logs: (deploymentId: string) => request<{ lines: LogLineView[] }>('GET', `/api/deployments/${id(deploymentId)}/logs?tail=200`),
  action: (deploymentId: string, action: 'stop' | 'start' | 'redeploy') => request<DeploymentView>('POST', `/api/deployments/${id(deploymentId)}/${action}`),
  rotateToken: (deploymentId: string) => request<IssuedTokenView>('POST', `/api/deployments/${id(deploymentId)}/token`),
  remove: (deploymentId: string) => request<undefined>('DELETE', `/api/deployments/${id(deploymentId)}`),
};
