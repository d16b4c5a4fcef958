import { errorResponse } from '../schemas.js';
import type { RouteResponse } from '../route.js';

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid input (details.issues says where)',
  401: 'Missing or invalid API key',
  403: 'Forbidden',
  404: 'Not found (or not yours: the two look the same)',
  409: 'Conflicts with the current state (invalid_transition, conflict)',
  413: 'Body larger than 1 MiB',
  422: 'Understood but not possible (package_not_found, analysis_failed)',
  429: 'Rate limited (Retry-After says when to come back)',
  502: 'An upstream (registry, source, orchestrator) failed',
  503: 'Temporarily unavailable (storage, timeout)',
};

/** The documented error responses of a route, all with the one error shape. */
export function errorResponses(...statuses: number[]): Record<number, RouteResponse> {
  const out: Record<number, RouteResponse> = {};
  for (const status of statuses) out[status] = { description: DESCRIPTIONS[status] ?? 'Error', schema: errorResponse };
  return out;
}
