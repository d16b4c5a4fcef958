/**
 * @catwalk/http — Catwalk's HTTP service: the control-plane API (Koa) and the authenticated MCP gateway (raw
 * node:http), on one listening server.
 */
export { createApp, DEFAULT_HTTP_OPTIONS } from './app.js';
export type { CatwalkApp, HttpOptions } from './app.js';
export { startServer } from './server.js';
export type { RunningServer, StartServerOptions } from './server.js';
export { McpGateway } from './gateway/gateway.js';
export type { GatewayOptions, GatewayObserver, GatewayOutcome } from './gateway/gateway.js';
export { CachingGatewayAuthority } from './gateway/authCache.js';
export type { AuthCacheOptions } from './gateway/authCache.js';
export type { GatewayAuthority, GatewayTarget, InProcessMcpHandler } from './gateway/target.js';
export { STATUS_BY_CODE, statusFor } from './errors/statusTable.js';
export { toErrorResponse, RequestTimeoutError } from './errors/errorBody.js';
export type { ErrorBody, ErrorResponse } from './errors/errorBody.js';
export { parseJsonSafely, readJsonBody, readRawBody } from './body/readBody.js';
export { RateLimiter } from './security/rateLimiter.js';
export type { RateLimit, RateDecision } from './security/rateLimiter.js';
export { AuthFailureThrottle, DEFAULT_AUTH_FAILURE_LIMIT, clientIpOf, throttleAuthFailures } from './security/authFailureThrottle.js';
export type { AuthFailureLimit } from './security/authFailureThrottle.js';
export { redactUrl, redactText, redactHeaders } from './observability/redact.js';
export { buildOpenApiDocument } from './api/openapi.js';
export type { RouteDefinition } from './api/route.js';
export { parseUpstream } from './gateway/target.js';
export type { UpstreamAddress } from './gateway/target.js';
