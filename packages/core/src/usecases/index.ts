export { ValidatePackage } from './ValidatePackage.js';
export type { ValidatePackageInput, ValidatePackageOutput, ValidatePackageOptions, ValidatePackageDeps } from './ValidatePackage.js';
export { AnalyzeSource } from './AnalyzeSource.js';
export type { AnalyzeSourceInput, AnalyzeSourceOutput, AnalyzeSourceDeps, AnalyzeSourceOptions } from './AnalyzeSource.js';
export { BuildCredentialForm, ValidateCredentials } from './credentials.js';
export type { ValidateCredentialsInput } from './credentials.js';
export { CreateDeployment } from './CreateDeployment.js';
export type { CreateDeploymentInput, CreateDeploymentOutput, CreateDeploymentDeps } from './CreateDeployment.js';
export { RunDeployment } from './RunDeployment.js';
export type { RunDeploymentInput, RunDeploymentResult, RunDeploymentDeps, RunDeploymentOptions } from './RunDeployment.js';
export { StopDeployment } from './StopDeployment.js';
export type { StopDeploymentInput, StopDeploymentDeps } from './StopDeployment.js';
export { StartDeployment } from './StartDeployment.js';
export type { StartDeploymentInput, StartDeploymentOutput, StartDeploymentDeps } from './StartDeployment.js';
export { RedeployDeployment } from './RedeployDeployment.js';
export { DeleteDeployment } from './DeleteDeployment.js';
export type { DeleteDeploymentInput, DeleteDeploymentOutput, DeleteDeploymentDeps } from './DeleteDeployment.js';
export { RotateAccessToken } from './RotateAccessToken.js';
export type { RotateAccessTokenInput, RotateAccessTokenOutput, RotateAccessTokenDeps } from './RotateAccessToken.js';
export { UpdateCredentials } from './UpdateCredentials.js';
export type { UpdateCredentialsInput, UpdateCredentialsOutput, UpdateCredentialsDeps } from './UpdateCredentials.js';
export { GetDeployment, ListDeployments, GetDeploymentEvents, GetDeploymentLogs } from './queries.js';
export type { GetDeploymentInput, ListDeploymentsInput, GetDeploymentEventsInput, GetDeploymentLogsInput } from './queries.js';
export { AuthorizeGatewayRequest, GATEWAY_UNAUTHORIZED_MESSAGE } from './AuthorizeGatewayRequest.js';
export type { AuthorizeGatewayRequestInput, AuthorizeGatewayRequestOutput } from './AuthorizeGatewayRequest.js';
export { SearchCatalog } from './SearchCatalog.js';
export type { SearchCatalogInput, SearchCatalogOptions } from './SearchCatalog.js';
export { Reconcile } from './Reconcile.js';
export type { ReconcileOptions, ReconcileReport, ReconcileDeps } from './Reconcile.js';
export { RotateCipherKey } from './RotateCipherKey.js';
export type { RotateCipherKeyInput, RotateCipherKeyOutput } from './RotateCipherKey.js';
export { CreateUser, CreateApiKey, ListApiKeys, RevokeApiKey, AuthenticateApiKey, EnsureAdmin, API_KEY_UNAUTHORIZED_MESSAGE } from './users.js';
export type {
  ApiKeyView,
  ApiKeyDeps,
  CreateUserInput,
  CreateApiKeyInput,
  CreateApiKeyOutput,
  AuthenticateApiKeyOutput,
  EnsureAdminInput,
  EnsureAdminOutput,
} from './users.js';
export { INTERNAL_FAILURE_MESSAGE } from './support.js';
export { createUseCases } from './wire.js';
export type { CorePorts, UseCaseOptions, UseCases } from './wire.js';
export { assertMayAddUser, UNSANDBOXED_MULTIUSER_MESSAGE } from './sandboxPolicy.js';
export type { MultiuserPolicy } from './sandboxPolicy.js';
