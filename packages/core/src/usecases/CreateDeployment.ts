import { z } from 'zod';
import { CatwalkError } from '../errors/index.js';
import { validateCredentials } from '../credentials/index.js';
import { Deployment } from '../domain/deployment.js';
import type { DeploymentState } from '../domain/deployment.js';
import { mcpConfigSchema, packageArgsSchema } from '../domain/mcpConfig.js';
import type { McpConfig } from '../domain/mcpConfig.js';
import type { ResolvedPackage } from '../domain/packageRef.js';
import { packageKey, parseSource } from '../domain/source.js';
import type { Source } from '../domain/source.js';
import { hasControlCharacter } from '../domain/text.js';
import { parseWith } from '../domain/validation.js';
import type { Cipher, Clock, Ids, SecretGenerator, TokenHasher, UnitOfWork } from '../ports/index.js';
import type { AnalyzeSource } from './AnalyzeSource.js';
import type { ValidatePackage } from './ValidatePackage.js';
import { newAccessToken, sealCredentials } from './support.js';

/** A deployment request, as untrusted as it arrives. */
export interface CreateDeploymentInput {
  readonly ownerId: string;
  /** Where the server comes from (the same grammar as AnalyzeSource). */
  readonly source: string;
  /** Display name (≤ 100 characters); defaults to the config's name. */
  readonly name?: string | undefined;
  /** Env var name → value; checked against the config's env vars. */
  readonly credentials?: unknown;
  /** A config the caller already has (edited analysis, a catalogue's server.json); otherwise the source is analysed. */
  readonly config?: unknown;
  /** Package arguments (argv after the package); default: the config's. */
  readonly args?: unknown;
  /** `none` cuts a local deployment's network (loopback only); default: the config's, else `shared`. */
  readonly network?: unknown;
}

/** The stored deployment (pending) and its access token, shown this once. */
export interface CreateDeploymentOutput {
  readonly deployment: DeploymentState;
  readonly accessToken: string;
  /** Registry warnings (deprecated, yanked, not latest). */
  readonly warnings: readonly string[];
}

/** Ports CreateDeployment needs. */
export interface CreateDeploymentDeps {
  readonly analyzeSource: AnalyzeSource;
  readonly validatePackage: ValidatePackage;
  readonly unitOfWork: UnitOfWork;
  readonly cipher: Cipher;
  readonly ids: Ids;
  readonly clock: Clock;
  readonly secrets: SecretGenerator;
  readonly hasher: TokenHasher;
}

const requestSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Names may not be empty')
    .max(100, 'Names are at most 100 characters')
    .refine((name) => !hasControlCharacter(name), 'Names may not contain control characters')
    .optional(),
  args: packageArgsSchema.optional(),
  network: z.enum(['shared', 'none']).optional(),
});

/**
 * Creates a deployment. Everything is validated before anything is stored: the source and its config, the
 * package (it must exist; the version is pinned), the credentials, the arguments. Then one unit of work writes
 * the deployment (pending), its sealed credentials and its `created` event: all or nothing. The worker
 * (RunDeployment) takes it from there.
 */
export class CreateDeployment {
  constructor(private readonly deps: CreateDeploymentDeps) {}

  async execute(input: CreateDeploymentInput): Promise<CreateDeploymentOutput> {
    const request = parseWith(requestSchema, { name: input.name, args: input.args, network: input.network });
    const { source, config } = await this.#config(input);
    if (config.notMcpServer !== undefined) {
      throw new CatwalkError('analysis_failed', `No MCP server found: ${config.notMcpServer}`, { reason: config.notMcpServer });
    }
    if (config.package === null) {
      throw new CatwalkError('analysis_required', 'The analysis could not tell which package to run; send a config that names one.', {});
    }
    const validated = await this.deps.validatePackage.execute(config.package);
    const values = validateCredentials(config.envVars, input.credentials ?? {});
    const args = request.args ?? config.args;

    const accessToken = newAccessToken(this.deps.secrets);
    const box = await sealCredentials(this.deps.cipher, values);
    const now = this.deps.clock.now();
    const resolved = validated.package;
    const deployment = Deployment.create({
      id: this.deps.ids.newId(),
      ownerId: input.ownerId,
      name: request.name ?? config.name.slice(0, 100),
      source: canonicalSource(source, resolved),
      package: resolved,
      config: { ...config, package: { ...resolved }, args, ...(request.network === undefined ? {} : { network: request.network }) },
      accessTokenHash: this.deps.hasher.hash(accessToken),
      createdAt: now,
    });
    await this.deps.unitOfWork.run(async (repos) => {
      await repos.deployments.insert(deployment);
      await repos.credentials.put(deployment.id, box);
    });
    return { deployment: deployment.state, accessToken, warnings: validated.warnings };
  }

  async #config(input: CreateDeploymentInput): Promise<{ source: Source; config: McpConfig }> {
    if (input.config === undefined) {
      const analysis = await this.deps.analyzeSource.execute({ source: input.source });
      return { source: analysis.source, config: analysis.config };
    }
    return { source: parseSource(input.source), config: parseWith(mcpConfigSchema, input.config, 'invalid_input', 'config') };
  }
}

/** The source as stored: the normalised URL, or the package key with the runtime that was detected. */
function canonicalSource(source: Source, resolved: ResolvedPackage): string {
  switch (source.kind) {
    case 'repo':
      return source.repo.url;
    case 'auto':
      return packageKey({ runtime: resolved.runtime, name: resolved.name, ...(source.version === undefined ? {} : { version: source.version }) });
    default:
      return source.key;
  }
}
