import { CatwalkError } from '../errors/index.js';
import { isAccessTokenFormat } from '../domain/secrets.js';
import type { DeploymentRepository, TokenHasher } from '../ports/index.js';
import { isPlausibleId } from './support.js';

/** A request at `/mcp/:deploymentId` and the token it presented (without `Bearer `). */
export interface AuthorizeGatewayRequestInput {
  readonly deploymentId: string;
  readonly token: string | undefined;
}

/** Where to send the request. */
export interface AuthorizeGatewayRequestOutput {
  readonly deploymentId: string;
  readonly ownerId: string;
  readonly upstreamUrl: string;
}

/** The one answer for every authentication failure, so none tells an attacker more than another. */
export const GATEWAY_UNAUTHORIZED_MESSAGE = 'Invalid or missing access token.';

// A well-formed hash that no token produces in practice, compared when the deployment does not exist so the
// unknown-id path costs what the wrong-token path costs.
const DECOY_HASH = '0'.repeat(64);

/**
 * Checks a gateway request: the token's format, then the deployment and its token hash (constant-time). An
 * unknown deployment and a wrong token both answer `unauthorized` with the same message. Only then is the
 * status checked: a deployment that is not running answers `deployment_unavailable` with `details.status`.
 */
export class AuthorizeGatewayRequest {
  constructor(private readonly deps: { readonly deployments: DeploymentRepository; readonly hasher: TokenHasher }) {}

  async execute(input: AuthorizeGatewayRequestInput): Promise<AuthorizeGatewayRequestOutput> {
    const token = input.token;
    if (token === undefined || !isAccessTokenFormat(token) || !isPlausibleId(input.deploymentId)) throw unauthorized();
    const deployment = await this.deps.deployments.get(input.deploymentId);
    const matches = this.deps.hasher.matches(token, deployment?.state.accessTokenHash ?? DECOY_HASH);
    if (deployment === undefined || !matches) throw unauthorized();
    const state = deployment.state;
    if (state.status !== 'running' || state.upstreamUrl === null) {
      throw new CatwalkError('deployment_unavailable', `The deployment is ${state.status}, not running.`, { status: state.status });
    }
    return { deploymentId: state.id, ownerId: state.ownerId, upstreamUrl: state.upstreamUrl };
  }
}

function unauthorized(): CatwalkError {
  return new CatwalkError('unauthorized', GATEWAY_UNAUTHORIZED_MESSAGE, {});
}
