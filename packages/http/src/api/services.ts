import type {
  AnalyzeSource,
  AuthenticateApiKey,
  BuildCredentialForm,
  CreateApiKey,
  CreateDeployment,
  CreateUser,
  ListApiKeys,
  RevokeApiKey,
  UpdateCredentials,
  ValidateCredentials,
  DeleteDeployment,
  GetDeployment,
  GetDeploymentEvents,
  GetDeploymentLogs,
  ListDeployments,
  RedeployDeployment,
  RotateAccessToken,
  SearchCatalog,
  StartDeployment,
  StopDeployment,
  ValidatePackage,
} from '@catwalk/core';

/** The use cases the API calls (resolved from the container once, at start-up). */
export interface ApiServices {
  readonly authenticateApiKey: AuthenticateApiKey;
  readonly analyzeSource: AnalyzeSource;
  readonly buildCredentialForm: BuildCredentialForm;
  readonly validateCredentials: ValidateCredentials;
  readonly createDeployment: CreateDeployment;
  readonly updateCredentials: UpdateCredentials;
  readonly validatePackage: ValidatePackage;
  readonly searchCatalog: SearchCatalog;
  readonly listDeployments: ListDeployments;
  readonly getDeployment: GetDeployment;
  readonly getDeploymentEvents: GetDeploymentEvents;
  readonly getDeploymentLogs: GetDeploymentLogs;
  readonly stopDeployment: StopDeployment;
  readonly startDeployment: StartDeployment;
  readonly redeployDeployment: RedeployDeployment;
  readonly deleteDeployment: DeleteDeployment;
  readonly rotateAccessToken: RotateAccessToken;
  readonly createApiKey: CreateApiKey;
  readonly listApiKeys: ListApiKeys;
  readonly revokeApiKey: RevokeApiKey;
  readonly createUser: CreateUser;
}

/** What routes need besides the use cases. */
export interface ApiContext {
  readonly services: ApiServices;
  /** Base URL of the endpoints handed out. */
  readonly publicUrl: string;
  /** Whether `./dir` sources are allowed over HTTP (CATWALK_ALLOW_LOCAL_SOURCES); never by default. */
  readonly allowLocalSources: boolean;
  /** Called after anything about a deployment changed, so the gateway forgets what it cached. */
  readonly deploymentChanged: (deploymentId: string) => void;
  /** Called after a deployment was stored (pending), so a worker can pick it up without waiting for its poll. */
  readonly deploymentCreated: (deploymentId: string) => void;
}
