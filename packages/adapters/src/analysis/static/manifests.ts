import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { normalizePypiName, parseNpmName, parsePypiName } from '@catwalk/core';
import type { SnapshotFile } from '@catwalk/core';
import type { EnvFinding, McpSignal, PackageFinding } from './findings.js';
import { STRENGTH } from './findings.js';
import { LineIndex, baseName, snippetOf } from './text.js';

/** npm packages whose presence as a dependency makes a package an MCP server. */
const NPM_MCP_DEPS = ['@modelcontextprotocol/sdk', 'fastmcp', 'mcp-framework', '@mastra/mcp', 'mcp-use', '@modelcontextprotocol/server'];
/** PyPI distributions that make a project an MCP server (PEP 503 normalised). */
const PY_MCP_DEPS = ['mcp', 'fastmcp', 'mcp-server', 'fastapi-mcp'];

/** What the manifests of a snapshot say. */
export interface ManifestFindings {
  readonly packages: PackageFinding[];
  readonly signals: McpSignal[];
  readonly env: EnvFinding[];
  readonly description?: string;
  /** `stdio` / `streamable-http` when a manifest says so (smithery `startCommand.type`). */
  readonly transport?: { readonly value: 'stdio' | 'streamable-http'; readonly file: string; readonly line?: number; readonly snippet?: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineOfText(file: SnapshotFile, needle: string): { line?: number; snippet?: string } {
  const at = file.content.indexOf(needle);
  if (at < 0) return {};
  const index = new LineIndex(file.content);
  const line = index.lineOf(at);
  return { line, snippet: snippetOf(index.line(line)) };
}

function validNpm(name: string): boolean {
  try {
    parseNpmName(name);
    return true;
  } catch {
    return false;
  }
}

function validPypi(name: string): string | undefined {
  try {
    return parsePypiName(name);
  } catch {
    return undefined;
  }
}

/** The PEP 503 name of a PEP 508 requirement string (`mcp[cli]>=1.2` → `mcp`). */
export function requirementName(requirement: string): string {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return match === null ? '' : normalizePypiName(match[1]!);
}

/** Reads `package.json` files: name, bin, mcpName, MCP SDK dependencies, description. */
export function readPackageJson(file: SnapshotFile, depth: number): Partial<ManifestFindings> & { packages: PackageFinding[]; signals: McpSignal[] } {
  let json: unknown;
  try {
    json = JSON.parse(file.content);
  } catch {
    return { packages: [], signals: [] };
  }
  if (!isObject(json)) return { packages: [], signals: [] };
  const signals: McpSignal[] = [];
  const deps = { ...(isObject(json['dependencies']) ? json['dependencies'] : {}), ...(isObject(json['peerDependencies']) ? json['peerDependencies'] : {}) };
  for (const dep of NPM_MCP_DEPS) {
    if (dep in deps) signals.push({ what: `depends on ${dep}`, file: file.path, ...lineOfText(file, `"${dep}"`) });
  }
  const mcpName = typeof json['mcpName'] === 'string' ? json['mcpName'] : undefined;
  if (mcpName !== undefined) signals.push({ what: 'declares mcpName', file: file.path, ...lineOfText(file, '"mcpName"') });
  const packages: PackageFinding[] = [];
  const name = typeof json['name'] === 'string' ? json['name'] : undefined;
  const bin = json['bin'];
  const runnable = typeof bin === 'string' || (isObject(bin) && Object.keys(bin).length > 0);
  if (name !== undefined && json['private'] !== true && validNpm(name)) {
    packages.push({
      runtime: 'npm',
      name,
      runnable,
      mcp: signals.length > 0,
      priority: depth === 0 ? 10 : 40 + depth,
      confidence: depth === 0 && runnable ? 'high' : 'medium',
      file: file.path,
      ...lineOfText(file, '"name"'),
    });
  }
  const description = typeof json['description'] === 'string' ? json['description'] : undefined;
  return { packages, signals, ...(description === undefined ? {} : { description }) };
}

/** Reads `pyproject.toml`: `[project]` (PEP 621) or `[tool.poetry]` name, scripts and MCP dependencies. */
export function readPyproject(file: SnapshotFile, depth: number): { packages: PackageFinding[]; signals: McpSignal[]; description?: string } {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(file.content) as Record<string, unknown>;
  } catch {
    return { packages: [], signals: [] };
  }
  const project = isObject(doc['project']) ? doc['project'] : undefined;
  const tool = isObject(doc['tool']) ? doc['tool'] : undefined;
  const poetry = tool !== undefined && isObject(tool['poetry']) ? tool['poetry'] : undefined;
  const signals: McpSignal[] = [];
  const requirements: string[] = [];
  if (project !== undefined && Array.isArray(project['dependencies'])) {
    requirements.push(...project['dependencies'].filter((d): d is string => typeof d === 'string'));
  }
  if (poetry !== undefined && isObject(poetry['dependencies'])) requirements.push(...Object.keys(poetry['dependencies']));
  for (const requirement of requirements) {
    const dep = requirementName(requirement);
    if (PY_MCP_DEPS.includes(dep)) signals.push({ what: `depends on ${dep}`, file: file.path, ...lineOfText(file, requirement) });
  }
  const rawName = typeof project?.['name'] === 'string' ? project['name'] : typeof poetry?.['name'] === 'string' ? poetry['name'] : undefined;
  const scripts = isObject(project?.['scripts']) ? project['scripts'] : isObject(poetry?.['scripts']) ? poetry['scripts'] : undefined;
  const runnable = scripts !== undefined && Object.keys(scripts).length > 0;
  const packages: PackageFinding[] = [];
  const name = rawName === undefined ? undefined : validPypi(rawName);
  if (name !== undefined) {
    packages.push({
      runtime: 'python',
      name,
      runnable,
      mcp: signals.length > 0,
      priority: depth === 0 ? 11 : 41 + depth,
      confidence: depth === 0 && runnable ? 'high' : 'medium',
      file: file.path,
      ...lineOfText(file, 'name'),
    });
  }
  const description = typeof project?.['description'] === 'string' ? project['description'] : typeof poetry?.['description'] === 'string' ? poetry['description'] : undefined;
  return { packages, signals, ...(description === undefined ? {} : { description }) };
}

/** Reads `setup.py` (by pattern, never executed) and `setup.cfg`. */
export function readSetup(file: SnapshotFile, depth: number): { packages: PackageFinding[]; signals: McpSignal[] } {
  const isCfg = baseName(file.path) === 'setup.cfg';
  const nameMatch = isCfg ? /^\s*name\s*=\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*$/m.exec(file.content) : /\bname\s*=\s*['"]([A-Za-z0-9][A-Za-z0-9._-]*)['"]/.exec(file.content);
  const signals: McpSignal[] = [];
  const requiresBlock = isCfg
    ? (/install_requires\s*=\s*((?:\n[ \t]+.*)+)/.exec(file.content)?.[1] ?? '')
    : (/install_requires\s*=\s*\[([^\]]*)\]/.exec(file.content)?.[1] ?? '');
  for (const raw of requiresBlock.split(/[\n,]/)) {
    const dep = requirementName(raw.replace(/['"]/g, ''));
    if (PY_MCP_DEPS.includes(dep)) signals.push({ what: `depends on ${dep}`, file: file.path, ...lineOfText(file, raw.trim()) });
  }
  const runnable = /console_scripts/.test(file.content);
  const packages: PackageFinding[] = [];
  const name = nameMatch === null ? undefined : validPypi(nameMatch[1]!);
  if (name !== undefined && nameMatch !== null) {
    packages.push({
      runtime: 'python',
      name,
      runnable,
      mcp: signals.length > 0,
      priority: depth === 0 ? 12 : 42 + depth,
      confidence: depth === 0 && runnable ? 'high' : 'medium',
      file: file.path,
      ...lineOfText(file, nameMatch[0]),
    });
  }
  return { packages, signals };
}

/** Reads `PKG-INFO` (core metadata, as the PyPI source writes it): Name and Requires-Dist. */
export function readPkgInfo(file: SnapshotFile): { packages: PackageFinding[]; signals: McpSignal[] } {
  const name = /^Name:\s*(.+)$/m.exec(file.content)?.[1]?.trim();
  const signals: McpSignal[] = [];
  for (const match of file.content.matchAll(/^Requires-Dist:\s*(.+)$/gm)) {
    const requirement = match[1]!;
    // Extras-only requirements (`; extra == "dev"`) are not what the server runs with.
    if (/extra\s*==/.test(requirement)) continue;
    const dep = requirementName(requirement);
    if (PY_MCP_DEPS.includes(dep)) signals.push({ what: `depends on ${dep}`, file: file.path, ...lineOfText(file, match[0]) });
  }
  const normalised = name === undefined ? undefined : validPypi(name);
  const packages: PackageFinding[] =
    normalised === undefined
      ? []
      : [{ runtime: 'python', name: normalised, runnable: false, mcp: signals.length > 0, priority: 13, confidence: 'medium', file: file.path, ...lineOfText(file, 'Name:') }];
  return { packages, signals };
}

/** Reads `requirements.txt` for MCP dependencies (a signal only: it names no package). */
export function readRequirements(file: SnapshotFile): McpSignal[] {
  const signals: McpSignal[] = [];
  for (const raw of file.content.split('\n')) {
    const dep = requirementName(raw);
    if (PY_MCP_DEPS.includes(dep)) signals.push({ what: `requires ${dep}`, file: file.path, ...lineOfText(file, raw) });
  }
  return signals;
}

/**
 * Reads `smithery.yaml`: `startCommand.type`, the `configSchema` (required, defaults, descriptions) and the
 * `commandFunction`'s `env: { NAME: config.prop }` mapping, which ties env var names to schema properties.
 */
export function readSmithery(file: SnapshotFile): Pick<ManifestFindings, 'env' | 'signals' | 'transport'> {
  let doc: unknown;
  try {
    doc = parseYaml(file.content, { maxAliasCount: 50 });
  } catch {
    return { env: [], signals: [] };
  }
  if (!isObject(doc)) return { env: [], signals: [] };
  const signals: McpSignal[] = [{ what: 'has smithery.yaml', file: file.path, line: 1 }];
  const start = isObject(doc['startCommand']) ? doc['startCommand'] : undefined;
  if (start === undefined) return { env: [], signals };
  const type = start['type'];
  const transport =
    type === 'stdio' || type === 'http'
      ? { value: type === 'stdio' ? ('stdio' as const) : ('streamable-http' as const), file: file.path, ...lineOfText(file, 'type:') }
      : undefined;
  const schema = isObject(start['configSchema']) ? start['configSchema'] : {};
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'].filter((r): r is string => typeof r === 'string') : [];
  const fn = typeof start['commandFunction'] === 'string' ? start['commandFunction'] : '';
  const env: EnvFinding[] = [];
  const mapping = /env\s*:\s*\{([^}]*)\}/s.exec(fn)?.[1] ?? '';
  for (const match of mapping.matchAll(/['"]?([A-Z_][A-Z0-9_]*)['"]?\s*:\s*config(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/g)) {
    const name = match[1]!;
    const prop = match[2] ?? match[3]!;
    const spec = isObject(properties[prop]) ? properties[prop] : {};
    const description = typeof spec['description'] === 'string' ? spec['description'] : undefined;
    const dflt = spec['default'];
    const defaultValue = typeof dflt === 'string' || typeof dflt === 'number' || typeof dflt === 'boolean' ? String(dflt) : undefined;
    const choices = Array.isArray(spec['enum']) ? spec['enum'].filter((c): c is string => typeof c === 'string') : undefined;
    const isRequired = required.includes(prop) && defaultValue === undefined;
    env.push({
      name,
      kind: 'manifest',
      requirement: { required: isRequired, strength: STRENGTH.manifest },
      ...(description === undefined ? {} : { description }),
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      ...(choices === undefined || choices.length === 0 ? {} : { choices }),
      ...(spec['type'] === 'number' || spec['type'] === 'integer' ? { format: 'number' as const } : spec['type'] === 'boolean' ? { format: 'boolean' as const } : {}),
      confidence: 'high',
      file: file.path,
      ...lineOfText(file, name),
    });
  }
  return transport === undefined ? { env, signals } : { env, signals, transport };
}
