import { z } from 'zod';
import { CatwalkError } from '../errors/index.js';
import type { EnvVarFormat, EnvVarSpec, Evidence, McpConfig } from '../domain/mcpConfig.js';
import { ENV_NAME, envVarFormatSchema, toolSpecSchema } from '../domain/mcpConfig.js';
import { parseMcpConfig } from '../domain/parseMcpConfig.js';
import type { Runtime } from '../domain/packageRef.js';
import { isExactNpmVersion, isExactPypiVersion, parseNpmName, parsePypiName } from '../domain/packageRef.js';
import { quoteForMessage } from '../domain/text.js';
import { parseWith } from '../domain/validation.js';
import type { ServerJson, ServerJsonArgument, ServerJsonKeyValueInput, ServerJsonPackage } from './schema.js';
import { CATWALK_META_KEY, PUBLISHER_META_KEY, serverJsonSchema } from './schema.js';

/** Something in a `server.json` that an McpConfig cannot hold; kept so callers can show or log it. */
export interface UnrepresentedField {
  /** JSON path in the document, e.g. `packages[0].packageArguments[1]`. */
  readonly path: string;
  /** Why it was not imported. */
  readonly reason: string;
}

/** The result of reading a `server.json`: the config plus everything that did not fit in it. */
export interface ServerJsonImport {
  readonly config: McpConfig;
  readonly unrepresented: readonly UnrepresentedField[];
  /** The chosen package's index in `packages`, or undefined when none is runnable by Catwalk. */
  readonly packageIndex?: number;
}

const REGISTRY_RUNTIMES: Readonly<Record<string, Runtime>> = { npm: 'npm', pypi: 'python' };
const FILE = 'server.json';

const capabilitiesSchema = z.object({
  tools: z.array(toolSpecSchema).max(500).optional(),
  resources: z.array(z.object({ uri: z.string().max(2000), name: z.string().max(200).optional() })).max(500).optional(),
  prompts: z.array(z.object({ name: z.string().max(200), description: z.string().max(2000).optional() })).max(500).optional(),
});

/**
 * Imports an official MCP registry `server.json` into an McpConfig (analyser `server.json`, high confidence).
 * The first package whose `registryType` is `npm` or `pypi` is the one Catwalk runs; its identifier and version go
 * through the same parsers as user input, so a hostile catalogue entry cannot smuggle a spec trick.
 * @throws CatwalkError `invalid_input` (shape, with `details.issues`) or `invalid_package_name` (identifier/version).
 */
export function importServerJson(json: unknown): McpConfig {
  return readServerJson(json).config;
}

/** Like {@link importServerJson}, and also lists what the config could not represent. */
export function readServerJson(json: unknown): ServerJsonImport {
  const doc = parseWith(serverJsonSchema, json, 'invalid_input', 'server.json');
  const unrepresented: UnrepresentedField[] = [];
  const evidence: Evidence[] = [];
  const note = (path: string, reason: string) => unrepresented.push({ path, reason });
  const packages = doc.packages ?? [];
  const packageIndex = packages.findIndex((p) => REGISTRY_RUNTIMES[p.registryType] !== undefined);
  packages.forEach((p, i) => {
    if (i !== packageIndex) note(`packages[${i}]`, `package of registry type ${quoteForMessage(p.registryType)} not used`);
  });
  if (doc.remotes !== undefined && doc.remotes.length > 0) note('remotes', 'remote endpoints are not deployed by Catwalk');
  if (doc.repository !== undefined) note('repository', 'kept by the catalogue entry, not by the config');
  if (doc.websiteUrl !== undefined) note('websiteUrl', 'not part of an MCP config');
  if (doc.title !== undefined) note('title', 'not part of an MCP config');

  const chosen = packageIndex >= 0 ? packages[packageIndex] : undefined;
  const base = `packages[${packageIndex}]`;
  const capabilities = readCapabilities(doc, note);
  const config = parseMcpConfig({
    name: doc.name,
    description: doc.description,
    package: chosen === undefined ? null : readPackage(chosen, base, evidence),
    transport: chosen === undefined ? 'stdio' : readTransport(chosen, base, note, evidence),
    envVars: chosen === undefined ? [] : readEnvVars(chosen.environmentVariables ?? [], `${base}.environmentVariables`, note, evidence),
    args: chosen === undefined ? [] : readArguments(chosen.packageArguments ?? [], `${base}.packageArguments`, note),
    tools: capabilities.tools ?? [],
    resources: capabilities.resources ?? [],
    prompts: capabilities.prompts ?? [],
    evidence,
    analyzers: ['server.json'],
  });
  if (chosen !== undefined) {
    if (chosen.runtimeArguments !== undefined && chosen.runtimeArguments.length > 0) {
      note(`${base}.runtimeArguments`, 'runtime arguments (for npx/uvx) are chosen by Catwalk, not by the package');
    }
    if (chosen.registryBaseUrl !== undefined) note(`${base}.registryBaseUrl`, 'Catwalk uses its configured registry');
    if (chosen.runtimeHint !== undefined && !['npx', 'uvx', 'node', 'python', 'pipx'].includes(chosen.runtimeHint)) {
      note(`${base}.runtimeHint`, `runtime hint ${quoteForMessage(chosen.runtimeHint)} ignored`);
    }
  }
  return packageIndex >= 0 ? { config, unrepresented, packageIndex } : { config, unrepresented };
}

function readPackage(pkg: ServerJsonPackage, base: string, evidence: Evidence[]): McpConfig['package'] {
  const runtime = REGISTRY_RUNTIMES[pkg.registryType] as Runtime;
  const name = runtime === 'npm' ? parseNpmName(pkg.identifier) : parsePypiName(pkg.identifier);
  if (pkg.version !== undefined) {
    const exact = runtime === 'npm' ? isExactNpmVersion(pkg.version) : isExactPypiVersion(pkg.version);
    if (!exact) {
      throw new CatwalkError(
        'invalid_package_name',
        `Invalid version ${quoteForMessage(pkg.version)} in server.json: packages must name an exact version.`,
        { input: quoteForMessage(pkg.version), reason: 'not an exact version', path: `${base}.version` },
      );
    }
  }
  const snippet = `"identifier": ${JSON.stringify(pkg.identifier)}${pkg.version === undefined ? '' : `, "version": ${JSON.stringify(pkg.version)}`}`;
  evidence.push(
    { field: 'package', file: FILE, snippet: snippet.slice(0, 500), analyzer: 'server.json', confidence: 'high' },
    { field: 'runtime', file: FILE, snippet: `"registryType": ${JSON.stringify(pkg.registryType)}`, analyzer: 'server.json', confidence: 'high' },
  );
  return pkg.version === undefined ? { runtime, name } : { runtime, name, version: pkg.version };
}

function readTransport(
  pkg: ServerJsonPackage,
  base: string,
  note: (path: string, reason: string) => void,
  evidence: Evidence[],
): McpConfig['transport'] {
  const transport = pkg.transport;
  evidence.push({ field: 'transport', file: FILE, snippet: `"type": ${JSON.stringify(transport.type)}`, analyzer: 'server.json', confidence: 'high' });
  if (transport.type === 'stdio') return 'stdio';
  note(`${base}.transport.url`, 'the URL template of a local HTTP transport is decided by the orchestrator');
  if (transport.headers !== undefined && transport.headers.length > 0) note(`${base}.transport.headers`, 'transport headers are not supported');
  if (transport.type === 'sse') {
    note(`${base}.transport.type`, 'the legacy SSE transport is imported as streamable-http');
  }
  return 'streamable-http';
}

function readEnvVars(
  inputs: readonly ServerJsonKeyValueInput[],
  base: string,
  note: (path: string, reason: string) => void,
  evidence: Evidence[],
): EnvVarSpec[] {
  const specs: EnvVarSpec[] = [];
  inputs.forEach((input, i) => {
    const path = `${base}[${i}]`;
    if (!ENV_NAME.test(input.name) || input.name.length > 128) {
      note(path, `env var name ${quoteForMessage(input.name)} is not upper case letters, digits and _`);
      return;
    }
    if (specs.some((s) => s.name === input.name)) {
      note(path, `duplicate env var ${input.name}`);
      return;
    }
    if (input.value !== undefined) note(`${path}.value`, 'fixed values are not imported; the user is asked instead');
    if (input.placeholder !== undefined) note(`${path}.placeholder`, 'placeholders are not part of an env var spec');
    if (input.variables !== undefined) note(`${path}.variables`, 'input variables are not supported');
    const format = readFormat(input.format, `${path}.format`, note);
    const spec: EnvVarSpec = {
      name: input.name,
      description: (input.description ?? '').slice(0, 2000),
      required: input.isRequired ?? false,
      secret: input.isSecret ?? false,
      ...(input.default === undefined ? {} : { default: input.default }),
      ...(format === undefined ? {} : { format }),
      ...(input.choices === undefined ? {} : { choices: input.choices }),
    };
    specs.push(spec);
    evidence.push({
      field: `env.${input.name}`,
      file: FILE,
      snippet: `"name": ${JSON.stringify(input.name)}, "isRequired": ${spec.required}, "isSecret": ${spec.secret}`,
      analyzer: 'server.json',
      confidence: 'high',
    });
  });
  return specs;
}

function readFormat(format: string | undefined, path: string, note: (path: string, reason: string) => void): EnvVarFormat | undefined {
  if (format === undefined) return undefined;
  const parsed = envVarFormatSchema.safeParse(format);
  if (parsed.success) return parsed.data;
  note(path, `format ${quoteForMessage(format)} is unknown`);
  return undefined;
}

/**
 * packageArguments → argv. A positional argument contributes its `value` (else `default`); a named one contributes
 * `name` and then its value. Arguments whose value must come from the user (only a `valueHint`) cannot be fixed
 * in argv and are reported instead. Values stay plain argv strings: nothing is ever interpreted by a shell.
 */
function readArguments(args: readonly ServerJsonArgument[], base: string, note: (path: string, reason: string) => void): string[] {
  const argv: string[] = [];
  args.forEach((arg, i) => {
    const path = `${base}[${i}]`;
    if (arg.variables !== undefined) note(`${path}.variables`, 'argument variables are not substituted');
    const value = arg.value ?? arg.default;
    if (arg.type === 'positional') {
      if (value === undefined) note(path, 'a positional argument the user must fill in');
      else argv.push(value);
      return;
    }
    if (value === undefined) {
      note(path, `named argument ${quoteForMessage(arg.name)} has no value`);
      return;
    }
    argv.push(arg.name, value);
  });
  return argv;
}

function readCapabilities(doc: ServerJson, note: (path: string, reason: string) => void): z.infer<typeof capabilitiesSchema> {
  const publisher = doc._meta?.[PUBLISHER_META_KEY];
  if (publisher === null || typeof publisher !== 'object') return {};
  const raw = (publisher as Record<string, unknown>)[CATWALK_META_KEY];
  if (raw === undefined) return {};
  const parsed = capabilitiesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  note(`_meta.${PUBLISHER_META_KEY}.${CATWALK_META_KEY}`, 'malformed capabilities ignored');
  return {};
}
