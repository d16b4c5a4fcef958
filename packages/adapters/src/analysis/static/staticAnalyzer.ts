import { CatwalkError, isCatwalkError, parseMcpConfig, readServerJson } from '@catwalk/core';
import type { Analyzer, Confidence, EnvVarFormat, EnvVarSpec, Evidence, McpConfig, Snapshot, SnapshotFile, ToolSpec } from '@catwalk/core';
import { isUserEnvName, looksSecret, scanCodeEnv, scanConfigBlocks, scanDocs, scanEnvExample } from './env.js';
import type { EnvFinding, McpSignal, PackageFinding, ToolFinding } from './findings.js';
import { readPackageJson, readPkgInfo, readPyproject, readRequirements, readSetup, readSmithery } from './manifests.js';
import { LineIndex, baseName, isDoc, isReadme, isScannableSource } from './text.js';
import { scanTools } from './tools.js';

/** The message of a config whose source is not an MCP server. */
export const NOT_MCP_SERVER =
  'No MCP server found: no dependency on an MCP SDK (@modelcontextprotocol/sdk, mcp, fastmcp), no MCP server code, ' +
  'no tools, and no server.json, smithery.yaml or mcpServers configuration.';

const ENV_EXAMPLE = /^\.env\.(?:example|sample|template|dist)$|^env\.example$|^example\.env$/i;

/** Everything the scanners found, before it is merged into a config. */
interface Findings {
  packages: PackageFinding[];
  signals: McpSignal[];
  env: EnvFinding[];
  tools: ToolFinding[];
  description?: string;
  transport?: { value: 'stdio' | 'streamable-http'; file: string; line?: number; snippet?: string };
  serverJson?: McpConfig;
  serverJsonFile?: string;
}

/**
 * The static analyser: reads manifests, README config blocks and docs, `.env.example`, and code, with evidence
 * (file, line, snippet, confidence) for every field. It never guesses: a field no file supports is left unknown
 * (`package: null`, `required: false` with low confidence). A source with no sign of MCP is answered with a
 * config whose `notMcpServer` says why (not an error: the answer is valid and cacheable; deploying it is refused
 * upstream because its package is null).
 */
export class StaticAnalyzer implements Analyzer {
  readonly name = 'static' as const;

  async analyze(snapshot: Snapshot): Promise<McpConfig> {
    assertAnalyzable(snapshot);
    return analyzeStatically(snapshot);
  }
}

/** Synchronous core of {@link StaticAnalyzer} (benchmarks call it directly). */
export function analyzeStatically(snapshot: Snapshot): McpConfig {
  const findings = collect(snapshot);
  const evidence: Evidence[] = [];
  const pkg = choosePackage(snapshot, findings, evidence);
  const tools = mergeTools(findings, evidence);
  const envVars = mergeEnv(findings, evidence);
  const isMcp = findings.signals.length > 0 || tools.length > 0 || findings.serverJson !== undefined || pkg?.mcp === true;
  const name = findings.serverJson?.name ?? pkg?.name ?? originName(snapshot);
  const description = findings.serverJson?.description || findings.description || readmeSummary(snapshot) || '';
  if (!isMcp) {
    const manifest = snapshot.files.find((f) => /^(?:package\.json|pyproject\.toml|setup\.py|setup\.cfg|PKG-INFO)$/.test(f.path)) ?? snapshot.files[0];
    return parseMcpConfig({
      name,
      description: description.slice(0, 4000),
      package: null,
      notMcpServer: NOT_MCP_SERVER,
      evidence: manifest === undefined ? [] : [{ field: 'notMcpServer', file: manifest.path, analyzer: 'static', confidence: 'medium' }],
      analyzers: ['static'],
    });
  }
  const transport = chooseTransport(findings, evidence);
  const usedServerJson = findings.serverJson !== undefined;
  return parseMcpConfig({
    name: name.slice(0, 200),
    description: description.slice(0, 4000),
    package: pkg === undefined ? null : { runtime: pkg.runtime, name: pkg.name, ...(pkg.version === undefined ? {} : { version: pkg.version }) },
    transport,
    envVars: envVars.slice(0, 64),
    args: findings.serverJson?.args ?? [],
    tools: tools.slice(0, 500),
    evidence: evidence.slice(0, 2000),
    analyzers: usedServerJson ? ['static', 'server.json'] : ['static'],
  });
}

function collect(snapshot: Snapshot): Findings {
  const findings: Findings = { packages: [], signals: [], env: [], tools: [] };
  for (const file of snapshot.files) {
    const base = baseName(file.path);
    const depth = file.path.split('/').length - 1;
    if (base === 'package.json' && depth <= 2) {
      const read = readPackageJson(file, depth);
      findings.packages.push(...read.packages);
      findings.signals.push(...read.signals);
      if (depth === 0 && read.description !== undefined) findings.description ??= read.description;
      continue;
    }
    if (base === 'pyproject.toml' && depth <= 2) {
      const read = readPyproject(file, depth);
      findings.packages.push(...read.packages);
      findings.signals.push(...read.signals);
      if (depth === 0 && read.description !== undefined) findings.description ??= read.description;
      continue;
    }
    if ((base === 'setup.py' || base === 'setup.cfg') && depth <= 1) {
      const read = readSetup(file, depth);
      findings.packages.push(...read.packages);
      findings.signals.push(...read.signals);
      continue;
    }
    if (base === 'PKG-INFO' && depth === 0) {
      const read = readPkgInfo(file);
      findings.packages.push(...read.packages);
      findings.signals.push(...read.signals);
      continue;
    }
    if (base === 'requirements.txt' && depth === 0) {
      findings.signals.push(...readRequirements(file));
      continue;
    }
    if (base === 'server.json' && depth === 0) {
      readServerJsonFile(file, findings);
      continue;
    }
    if ((base === 'smithery.yaml' || base === 'smithery.yml') && depth === 0) {
      const read = readSmithery(file);
      findings.env.push(...read.env);
      findings.signals.push(...read.signals);
      if (read.transport !== undefined) findings.transport = read.transport;
      continue;
    }
    if (ENV_EXAMPLE.test(base)) {
      findings.env.push(...scanEnvExample(file));
      continue;
    }
    if (isDoc(file.path)) {
      const index = new LineIndex(file.content);
      const blocks = scanConfigBlocks(file, index);
      findings.env.push(...blocks.env);
      // README commands name a package only for the snapshot's own README (a docs page may show other servers).
      if (isReadme(file.path) && depth === 0) findings.packages.push(...blocks.packages);
      if (blocks.blocks > 0 && isReadme(file.path)) findings.signals.push({ what: 'documents an mcpServers configuration', file: file.path });
      findings.env.push(...scanDocs(file, index));
      continue;
    }
    if (isScannableSource(file.path)) {
      const index = new LineIndex(file.content);
      findings.env.push(...scanCodeEnv(file, index));
      const tools = scanTools(file, index);
      findings.tools.push(...tools.tools);
      findings.signals.push(...tools.signals);
      const http = /StreamableHTTPServerTransport|transport\s*=\s*['"](?:streamable-http|http)['"]/.exec(file.content);
      const stdio = /StdioServerTransport|stdio_server\(|transport\s*=\s*['"]stdio['"]|\.run\(\s*\)/.exec(file.content);
      if (http !== null && stdio === null && findings.transport === undefined) {
        findings.transport = { value: 'streamable-http', file: file.path, line: index.lineOf(http.index), snippet: index.line(index.lineOf(http.index)).trim().slice(0, 200) };
      }
    }
  }
  return findings;
}

function readServerJsonFile(file: SnapshotFile, findings: Findings): void {
  let json: unknown;
  try {
    json = JSON.parse(file.content);
  } catch {
    return;
  }
  try {
    const read = readServerJson(json);
    findings.serverJson = read.config;
    findings.serverJsonFile = file.path;
    findings.signals.push({ what: 'has server.json', file: file.path, line: 1 });
  } catch (error) {
    // A malformed server.json is not a fact; the other files still speak.
    if (!isCatwalkError(error)) throw error;
  }
}

interface ChosenPackage {
  runtime: 'npm' | 'python';
  name: string;
  version?: string;
  mcp: boolean;
}

function choosePackage(snapshot: Snapshot, findings: Findings, evidence: Evidence[]): ChosenPackage | undefined {
  const known = snapshot.knownPackage;
  const hasMcpSignal = findings.signals.length > 0;
  if (known !== undefined) {
    const file = known.runtime === 'npm' ? 'package.json' : snapshot.files.some((f) => f.path === 'PKG-INFO') ? 'PKG-INFO' : (snapshot.files[0]?.path ?? snapshot.origin);
    const snippet = `${snapshot.origin}`;
    evidence.push(
      { field: 'package', file, snippet, analyzer: 'static', confidence: 'high' },
      { field: 'runtime', file, snippet: `runtime ${known.runtime}`, analyzer: 'static', confidence: 'high' },
    );
    return { runtime: known.runtime, name: known.name, ...(known.version === undefined ? {} : { version: known.version }), mcp: hasMcpSignal };
  }
  const fromServerJson = findings.serverJson?.package;
  if (fromServerJson !== undefined && fromServerJson !== null) {
    evidence.push(...(findings.serverJson?.evidence.filter((e) => e.field === 'package' || e.field === 'runtime') ?? []));
    const { runtime, name, version } = fromServerJson;
    return { runtime, name, ...(version === undefined ? {} : { version }), mcp: true };
  }
  // Prefer a manifest that itself declares MCP, then runnable ones, then the shallowest.
  const ranked = [...findings.packages].sort(
    (a, b) => Number(b.mcp) - Number(a.mcp) || a.priority - b.priority || Number(b.runnable) - Number(a.runnable),
  );
  const top = ranked[0];
  if (top === undefined) return undefined;
  // A nested manifest without its own MCP signal is one of many packages of a monorepo: naming it would be a guess.
  if (top.priority >= 40 && top.priority < 60 && !top.mcp) return undefined;
  const confidence: Confidence = top.mcp || hasMcpSignal ? top.confidence : 'low';
  evidence.push(
    { field: 'package', file: top.file, ...(top.line === undefined ? {} : { line: top.line }), ...(top.snippet === undefined ? {} : { snippet: top.snippet }), analyzer: 'static', confidence },
    { field: 'runtime', file: top.file, ...(top.line === undefined ? {} : { line: top.line }), snippet: `${baseName(top.file)} → ${top.runtime}`, analyzer: 'static', confidence },
  );
  return { runtime: top.runtime, name: top.name, mcp: top.mcp };
}

function mergeTools(findings: Findings, evidence: Evidence[]): ToolSpec[] {
  const byName = new Map<string, ToolSpec>();
  for (const tool of findings.serverJson?.tools ?? []) {
    byName.set(tool.name, tool);
    evidence.push({ field: `tool.${tool.name}`, file: findings.serverJsonFile ?? 'server.json', analyzer: 'server.json', confidence: 'high' });
  }
  const rank: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
  const sorted = [...findings.tools].sort((a, b) => rank[a.confidence] - rank[b.confidence]);
  for (const tool of sorted) {
    const known = byName.get(tool.name);
    if (known !== undefined) {
      if (known.description === undefined && tool.description !== undefined) byName.set(tool.name, { ...known, description: tool.description });
      continue;
    }
    byName.set(tool.name, { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }) });
    evidence.push({ field: `tool.${tool.name}`, file: tool.file, ...(tool.line === undefined ? {} : { line: tool.line }), ...(tool.snippet === undefined ? {} : { snippet: tool.snippet }), analyzer: 'static', confidence: tool.confidence });
  }
  return [...byName.values()];
}

/** Which format a name (and default) suggests. */
export function formatFor(name: string, defaultValue?: string): EnvVarFormat | undefined {
  if (/(?:_URL|_URI|_ENDPOINT|_WEBHOOK|^URL|^ENDPOINT)$/.test(name) || /^https?:\/\//i.test(defaultValue ?? '')) return 'url';
  if (/(?:_PATH|_FILE|_DIR|_DIRECTORY|_FOLDER)$/.test(name)) return 'filepath';
  if (/(?:_PORT|_TIMEOUT|_MS|_SECONDS|_LIMIT|_COUNT|_SIZE|_RETRIES)$/.test(name) && (defaultValue === undefined || /^\d+$/.test(defaultValue))) return 'number';
  if (defaultValue === 'true' || defaultValue === 'false') return 'boolean';
  return undefined;
}

const KIND_CONFIDENCE_ORDER: Record<EnvFinding['kind'], number> = { manifest: 0, code: 1, docs: 2, 'env-example': 3, 'config-block': 4 };

function mergeEnv(findings: Findings, evidence: Evidence[]): EnvVarSpec[] {
  const specs = new Map<string, EnvVarSpec>();
  for (const spec of findings.serverJson?.envVars ?? []) {
    specs.set(spec.name, spec);
    evidence.push(...(findings.serverJson?.evidence.filter((e) => e.field === `env.${spec.name}`) ?? []));
  }
  const groups = new Map<string, EnvFinding[]>();
  for (const finding of findings.env) {
    if (!isUserEnvName(finding.name) || specs.has(finding.name)) continue;
    const group = groups.get(finding.name) ?? [];
    group.push(finding);
    groups.set(finding.name, group);
  }
  for (const [name, group] of groups) {
    // Documentation alone (a README that mentions a backticked name) is weak: keep it only when it is a real
    // definition (a bullet or table row with wording) or something else reads the variable.
    const onlyLooseDocs = group.every((f) => f.kind === 'docs' && f.requirement === undefined && f.description === undefined);
    if (onlyLooseDocs) continue;
    const decisive = group
      .filter((f) => f.requirement !== undefined)
      .sort((a, b) => b.requirement!.strength - a.requirement!.strength || Number(a.requirement!.required) - Number(b.requirement!.required))[0];
    const withDefault = group.find((f) => f.default !== undefined && (f.kind === 'manifest' || f.kind === 'code')) ?? group.find((f) => f.default !== undefined);
    const required = decisive?.requirement?.required ?? false;
    const describedBy = [...group].sort((a, b) => KIND_CONFIDENCE_ORDER[a.kind] - KIND_CONFIDENCE_ORDER[b.kind]).find((f) => f.description !== undefined && f.description.length > 0);
    const secret = looksSecret(name) || group.some((f) => f.secretHint === true);
    const defaultValue = required || secret ? undefined : withDefault?.default;
    const format = group.find((f) => f.format !== undefined)?.format ?? formatFor(name, defaultValue);
    const choices = group.find((f) => f.choices !== undefined)?.choices;
    specs.set(name, {
      name,
      description: (describedBy?.description ?? '').slice(0, 2000),
      required,
      secret,
      ...(defaultValue === undefined ? {} : { default: defaultValue.slice(0, 8192) }),
      ...(format === undefined ? {} : { format }),
      ...(choices === undefined ? {} : { choices: [...choices] }),
    });
    const strongest = decisive ?? [...group].sort((a, b) => KIND_CONFIDENCE_ORDER[a.kind] - KIND_CONFIDENCE_ORDER[b.kind])[0]!;
    const confidence: Confidence = decisive === undefined ? 'low' : decisive.requirement!.strength >= 60 ? 'high' : decisive.requirement!.strength >= 40 ? 'medium' : 'low';
    evidence.push({
      field: `env.${name}`,
      file: strongest.file,
      ...(strongest.line === undefined ? {} : { line: strongest.line }),
      ...(strongest.snippet === undefined ? {} : { snippet: strongest.snippet.slice(0, 500) }),
      analyzer: 'static',
      confidence,
    });
  }
  return [...specs.values()].sort((a, b) => Number(b.required) - Number(a.required) || (a.name < b.name ? -1 : 1));
}

function chooseTransport(findings: Findings, evidence: Evidence[]): 'stdio' | 'streamable-http' {
  if (findings.serverJson !== undefined) {
    evidence.push(...findings.serverJson.evidence.filter((e) => e.field === 'transport'));
    return findings.serverJson.transport;
  }
  const found = findings.transport;
  if (found === undefined) return 'stdio';
  evidence.push({ field: 'transport', file: found.file, ...(found.line === undefined ? {} : { line: found.line }), ...(found.snippet === undefined ? {} : { snippet: found.snippet }), analyzer: 'static', confidence: 'medium' });
  return found.value;
}

function originName(snapshot: Snapshot): string {
  const trimmed = snapshot.origin.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1) || snapshot.key;
  return last.slice(0, 200) || 'unknown';
}

/** The first prose paragraph of the root README (headings, badges and HTML skipped). */
function readmeSummary(snapshot: Snapshot): string | undefined {
  const readme = snapshot.files.find((f) => isReadme(f.path) && !f.path.includes('/'));
  if (readme === undefined) return undefined;
  for (const paragraph of readme.content.split(/\n\s*\n/)) {
    const text = paragraph.trim();
    if (text === '' || /^(?:#|!\[|\[!\[|<|```|\||-{3,}|={3,})/.test(text)) continue;
    return text.replace(/\s+/g, ' ').slice(0, 500);
  }
  return undefined;
}

/** Thrown when a snapshot has no files at all (nothing to analyse is not "not an MCP server"). */
export function assertAnalyzable(snapshot: Snapshot): void {
  if (snapshot.files.length === 0) {
    throw new CatwalkError('analysis_failed', 'The source has no readable text files to analyse.', { source: snapshot.key, skipped: snapshot.skipped.length });
  }
}
