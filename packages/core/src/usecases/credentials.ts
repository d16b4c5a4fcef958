import { buildCredentialForm, validateCredentials } from '../credentials/index.js';
import type { CredentialForm } from '../credentials/index.js';
import type { EnvVarSpec, McpConfig } from '../domain/mcpConfig.js';

/** Builds the credential form (fields, JSON Schema, validator) of a config's env vars. */
export class BuildCredentialForm {
  execute(input: { readonly config: Pick<McpConfig, 'envVars'> }): CredentialForm {
    return buildCredentialForm(input.config.envVars);
  }
}

/** Submitted credentials and the env vars they answer. */
export interface ValidateCredentialsInput {
  readonly envVars: readonly EnvVarSpec[];
  /** Untrusted: whatever the client sent. */
  readonly submitted: unknown;
}

/**
 * Checks submitted credentials against the declared env vars: the values to run with (defaults applied), or
 * `missing_credentials` (details.missing), `unknown_credential`, `invalid_credential`, `payload_too_large`.
 */
export class ValidateCredentials {
  execute(input: ValidateCredentialsInput): Record<string, string> {
    return validateCredentials(input.envVars, input.submitted);
  }
}
