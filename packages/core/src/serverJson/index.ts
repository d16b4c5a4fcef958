export { importServerJson, readServerJson } from './import.js';
export type { ServerJsonImport, UnrepresentedField } from './import.js';
export { exportServerJson } from './export.js';
export type { ExportServerJsonOptions } from './export.js';
export {
  SERVER_JSON_SCHEMA_URL,
  PUBLISHER_META_KEY,
  CATWALK_META_KEY,
  serverJsonSchema,
  packageSchema as serverJsonPackageSchema,
  argumentSchema as serverJsonArgumentSchema,
  keyValueInputSchema as serverJsonKeyValueInputSchema,
  transportSchema as serverJsonTransportSchema,
} from './schema.js';
export type { ServerJson, ServerJsonPackage, ServerJsonArgument, ServerJsonKeyValueInput, ServerJsonTransport } from './schema.js';
