import { z } from 'zod';

/**
 * zod schemas for the official MCP registry `server.json` (schema 2025-12-11,
 * https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json). Only the parts Catwalk reads are
 * typed strictly; unknown keys are tolerated (`looseObject`) because the format grows and a catalogue must not
 * break when it does. Every string is bounded so a hostile document cannot make us hold megabytes per field.
 */

/** The `$schema` URL Catwalk writes on export. */
export const SERVER_JSON_SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';

/** Where tools/resources/prompts travel inside `_meta` (server.json has no field for them). */
export const PUBLISHER_META_KEY = 'io.modelcontextprotocol.registry/publisher-provided';
/** Catwalk's own key inside the publisher-provided `_meta` block. */
export const CATWALK_META_KEY = 'ai.catwalk/capabilities';

const text = (max: number) => z.string().max(max);

/** `Input` of the schema: the common part of arguments and key-value inputs. */
const inputShape = {
  description: text(4000).optional(),
  isRequired: z.boolean().optional(),
  format: text(32).optional(),
  value: text(8192).optional(),
  isSecret: z.boolean().optional(),
  default: text(8192).optional(),
  placeholder: text(2000).optional(),
  choices: z.array(text(512)).max(100).optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
};

export const keyValueInputSchema = z.looseObject({ ...inputShape, name: text(256) });
export type ServerJsonKeyValueInput = z.infer<typeof keyValueInputSchema>;

export const positionalArgumentSchema = z.looseObject({
  ...inputShape,
  type: z.literal('positional'),
  valueHint: text(256).optional(),
  isRepeated: z.boolean().optional(),
});
export const namedArgumentSchema = z.looseObject({
  ...inputShape,
  type: z.literal('named'),
  name: text(256),
  isRepeated: z.boolean().optional(),
});
export const argumentSchema = z.discriminatedUnion('type', [positionalArgumentSchema, namedArgumentSchema]);
export type ServerJsonArgument = z.infer<typeof argumentSchema>;

export const transportSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('stdio') }),
  z.looseObject({ type: z.literal('streamable-http'), url: text(2000), headers: z.array(keyValueInputSchema).max(64).optional() }),
  z.looseObject({ type: z.literal('sse'), url: text(2000), headers: z.array(keyValueInputSchema).max(64).optional() }),
]);
export type ServerJsonTransport = z.infer<typeof transportSchema>;

export const packageSchema = z.looseObject({
  registryType: text(64),
  registryBaseUrl: text(2000).optional(),
  identifier: text(2000),
  version: text(255).optional(),
  fileSha256: text(64).optional(),
  runtimeHint: text(64).optional(),
  transport: transportSchema,
  runtimeArguments: z.array(argumentSchema).max(64).optional(),
  packageArguments: z.array(argumentSchema).max(64).optional(),
  environmentVariables: z.array(keyValueInputSchema).max(64).optional(),
});
export type ServerJsonPackage = z.infer<typeof packageSchema>;

export const repositorySchema = z.looseObject({
  url: text(2000),
  source: text(64),
  id: text(256).optional(),
  subfolder: text(1000).optional(),
});

/** A whole `server.json` document (`ServerDetail`). */
export const serverJsonSchema = z.looseObject({
  $schema: text(2000).optional(),
  name: text(200).regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/, 'Server names are reverse-DNS: namespace/name'),
  title: text(200).optional(),
  description: text(4000),
  version: text(255),
  repository: repositorySchema.optional(),
  websiteUrl: text(2000).optional(),
  packages: z.array(packageSchema).max(32).optional(),
  remotes: z.array(z.unknown()).max(32).optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
/** A validated `server.json` document. */
export type ServerJson = z.infer<typeof serverJsonSchema>;
