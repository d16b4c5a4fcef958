import { ENV_NAME } from '@catwalk/core';
import type { SnapshotFile } from '@catwalk/core';
import type { EnvFinding, PackageFinding } from './findings.js';
import { STRENGTH } from './findings.js';
import type { LineIndex } from './text.js';
import { inComment, isPython, locate, snippetOf } from './text.js';

/**
 * Variables every process sees or that runtimes and shells own: never something a user configures for a server,
 * so never asked for in a credential form.
 */
const SYSTEM_VARS = new Set([
  'NODE_ENV', 'HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'USERNAME', 'LOGNAME', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  'PROGRAMDATA', 'PROGRAMFILES', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'TMPDIR', 'TMP', 'TEMP', 'SHELL', 'LANG', 'LANGUAGE',
  'TERM', 'CI', 'HOSTNAME', 'NODE_OPTIONS', 'NODE_DEBUG', 'NODE_PATH', 'NODE_EXTRA_CA_CERTS', 'PYTHONPATH',
  'PYTHONUNBUFFERED', 'PYTHONIOENCODING', 'PYTHONHOME', 'VIRTUAL_ENV', 'DEBUG', 'PORT', 'FORCE_COLOR', 'NO_COLOR',
  'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'TZ', 'DISPLAY', 'EDITOR', 'VISUAL', 'PAGER', 'GITHUB_ACTIONS',
  'JEST_WORKER_ID', 'VITEST', 'MOCHA', 'npm_package_version',
]);

/** Whether `name` is an env var a user could be asked for. */
export function isUserEnvName(name: string): boolean {
  return ENV_NAME.test(name) && name.length <= 128 && !SYSTEM_VARS.has(name) && !/^(?:XDG_|LC_|NPM_CONFIG_|npm_|RUNNER_|GITHUB_ACTION|UV_|PIP_|CONDA_)/.test(name);
}

const LITERAL = /^\s*(?:(['"`])((?:\\.|(?!\1)[^\\\n])*)\1|(-?\d+(?:\.\d+)?)\b|(true|false|True|False)\b)/;

/** A literal default value at the start of `rest` (a string, number or boolean), or undefined. */
function literalAt(rest: string): string | undefined {
  const match = LITERAL.exec(rest);
  if (match === null) return undefined;
  if (match[1] === '`' && match[2]?.includes('${')) return undefined;
  return match[2] ?? match[3] ?? match[4]?.toLowerCase();
}

/** Lines after a read that abort when the value is missing (`if (!X) throw`, `if not X: raise`). */
function checkedAsRequired(index: LineIndex, line: number, names: readonly string[], python: boolean): boolean {
  const escaped = names.filter((n) => n.length > 0).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (escaped.length === 0) return false;
  const negated = python
    ? new RegExp(`\\bif\\s+(?:not\\s+(?:${escaped.join('|')})\\b|(?:${escaped.join('|')})\\s+is\\s+None)`)
    : new RegExp(`!\\s*(?:${escaped.join('|')})\\b(?!\\s*[.(])`);
  const end = Math.min(index.lineCount, line + 8);
  for (let l = line; l <= end; l++) {
    if (!negated.test(index.line(l))) continue;
    const window = [index.line(l), index.line(l + 1), index.line(l + 2), index.line(l + 3)].join('\n');
    if (/\bthrow\b|process\.exit\(|\braise\b|sys\.exit\(|\brequired\b/i.test(window)) return true;
  }
  return false;
}

/** The variable a read is assigned to (`const apiKey = process.env.X`, `API_KEY = os.getenv("X")`). */
function assignedName(lineText: string, matchStartInLine: number): string | undefined {
  const before = lineText.slice(0, matchStartInLine);
  const match = /(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*(?::\s*[\w<>| ]+)?\s*=\s*$/.exec(before);
  return match?.[1];
}

/** Scans JS/TS and Python code for env reads, with required/optional from defaults and checks. */
export function scanCodeEnv(file: SnapshotFile, index: LineIndex): EnvFinding[] {
  const findings: EnvFinding[] = [];
  const content = file.content;
  const python = isPython(file.path);
  const add = (name: string, offset: number, matchLength: number, extra: Partial<EnvFinding> = {}): void => {
    if (!isUserEnvName(name) || inComment(content, offset, python)) return;
    const { line, snippet } = locate(index, offset);
    const rest = content.slice(offset + matchLength, offset + matchLength + 200);
    let finding: EnvFinding = { name, kind: 'code', file: file.path, line, snippet, confidence: 'high', ...extra };
    if (finding.requirement === undefined) finding = { ...finding, ...classifyRead(rest, index.line(line), name, content, offset, index, line, python) };
    findings.push(finding);
  };

  if (python) {
    if (!content.includes('environ') && !content.includes('getenv') && !content.includes('BaseSettings')) return findings;
    for (const m of content.matchAll(/os\.environ\[\s*(['"])([A-Z_][A-Z0-9_]*)\1\s*\]/g)) {
      add(m[2]!, m.index, m[0].length, { requirement: { required: true, strength: STRENGTH.codeRequired } });
    }
    for (const m of content.matchAll(/os\.(?:environ\.get|getenv)\(\s*(['"])([A-Z_][A-Z0-9_]*)\1\s*(,\s*)?/g)) {
      const name = m[2]!;
      if (m[3] !== undefined) {
        // A second argument is a default: the server runs without the variable.
        const value = literalAt(content.slice(m.index + m[0].length, m.index + m[0].length + 200));
        add(name, m.index, m[0].length, {
          requirement: { required: false, strength: STRENGTH.codeDefault },
          ...(value === undefined ? {} : { default: value }),
        });
        continue;
      }
      add(name, m.index, m[0].length);
    }
    findings.push(...scanPydanticSettings(file, index));
    return findings;
  }

  if (!content.includes('process.env')) return findings;
  for (const m of content.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)\b|process\.env\[\s*(['"`])([A-Z_][A-Z0-9_]*)\2\s*\]/g)) {
    add(m[1] ?? m[3]!, m.index, m[0].length);
  }
  if (!/\}\s*=\s*process\.env\b/.test(content)) return findings;
  for (const m of content.matchAll(/(?:const|let|var)\s*\{([^}]{1,2000})\}\s*=\s*process\.env\b/g)) {
    const body = m[1]!;
    let cursor = 0;
    for (const part of body.split(',')) {
      const member = /^\s*([A-Z_][A-Z0-9_]*)\s*(?::\s*[A-Za-z_$][\w$]*)?\s*(?:=\s*(.*))?$/s.exec(part);
      const offset = m.index + m[0].indexOf(body) + cursor;
      cursor += part.length + 1;
      if (member === null) continue;
      const value = member[2] === undefined ? undefined : literalAt(member[2]);
      add(
        member[1]!,
        offset,
        0,
        member[2] === undefined
          ? {}
          : { requirement: { required: false, strength: STRENGTH.codeDefault }, ...(value === undefined ? {} : { default: value }) },
      );
    }
  }
  return findings;
}

function classifyRead(
  rest: string,
  lineText: string,
  name: string,
  content: string,
  offset: number,
  index: LineIndex,
  line: number,
  python: boolean,
): Partial<EnvFinding> {
  const fallback = (python ? /^\s*\)?\s*or\s+/ : /^\s*(\|\||\?\?)\s*/).exec(rest);
  if (fallback !== null) {
    const value = literalAt(rest.slice(fallback[0].length));
    return { requirement: { required: false, strength: STRENGTH.codeDefault }, ...(value === undefined || value === '' ? {} : { default: value }) };
  }
  if (/^\s*!(?!=)/.test(rest)) return { requirement: { required: true, strength: STRENGTH.codeRequired - 5 } };
  const lineStart = content.lastIndexOf('\n', offset) + 1;
  const before = content.slice(lineStart, offset);
  const variable = assignedName(lineText, offset - lineStart);
  if (checkedAsRequired(index, line, [variable ?? '', python ? '' : `process.env.${name}`], python)) {
    return { requirement: { required: true, strength: STRENGTH.codeRequired } };
  }
  if (/\bif\s*\(\s*(?:!\s*)?$/.test(before) || /^\s*(?:&&|\?(?!\?)|\)\s*\{|\)\s*return)/.test(rest) || /\bif\s*\(\s*$/.test(before)) {
    return { requirement: { required: false, strength: STRENGTH.codeConditional } };
  }
  // os.getenv('X') without a default returns None: the author handles absence.
  if (python) return { requirement: { required: false, strength: STRENGTH.codeOptionalRead } };
  return {};
}

/** pydantic `BaseSettings` fields: `api_key: str` (required), `timeout: int = 30` (optional), env_prefix honoured. */
function scanPydanticSettings(file: SnapshotFile, index: LineIndex): EnvFinding[] {
  const findings: EnvFinding[] = [];
  const content = file.content;
  for (const cls of content.matchAll(/^class\s+\w+\s*\(\s*(?:[\w.]*\.)?BaseSettings\s*\)\s*:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/gm)) {
    const body = cls[1]!;
    const bodyOffset = cls.index + cls[0].indexOf(body);
    const prefix = /env_prefix\s*=\s*['"]([A-Za-z0-9_]*)['"]/.exec(body)?.[1]?.toUpperCase() ?? '';
    for (const field of body.matchAll(/^([ \t]+)([a-z_][a-z0-9_]*)\s*:\s*([^=\n]+?)\s*(?:=\s*(.+))?$/gm)) {
      const indent = field[1]!;
      if (indent.length > 4 && indent !== '\t') continue;
      const attr = field[2]!;
      if (attr === 'model_config') continue;
      const name = `${prefix}${attr.toUpperCase()}`;
      if (!isUserEnvName(name)) continue;
      const annotation = field[3]!;
      const assigned = field[4]?.trim();
      let required = assigned === undefined;
      let value: string | undefined;
      let description: string | undefined;
      if (assigned !== undefined) {
        const fieldCall = /^Field\((.*)\)\s*(?:#.*)?$/.exec(assigned);
        if (fieldCall !== null) {
          const args = fieldCall[1]!;
          required = /^\s*\.\.\./.test(args) || (!/default\s*=|default_factory\s*=/.test(args) && !/^\s*[^=,]+(?:,|$)/.test(args));
          const dflt = /default\s*=\s*(.+?)(?:,\s*\w+\s*=|$)/.exec(args)?.[1] ?? (/^\s*([^=,]+)(?:,|$)/.exec(args)?.[1]);
          if (dflt !== undefined && !/^\s*\.\.\./.test(dflt)) value = literalAt(dflt);
          description = /description\s*=\s*(['"])(.*?)\1/.exec(args)?.[2];
        } else {
          value = literalAt(assigned);
        }
      }
      if (/Optional\[|\|\s*None/.test(annotation) && assigned !== undefined) required = false;
      const offset = bodyOffset + field.index + indent.length;
      const { line, snippet } = locate(index, offset);
      findings.push({
        name,
        kind: 'code',
        requirement: { required, strength: required ? STRENGTH.codeRequired : STRENGTH.codeDefault },
        ...(value === undefined ? {} : { default: value }),
        ...(description === undefined ? {} : { description }),
        ...(/\bSecretStr\b/.test(annotation) ? { secretHint: true } : {}),
        confidence: 'high',
        file: file.path,
        line,
        snippet,
      });
    }
  }
  return findings;
}

/** Whether an example value is only a placeholder (never a default). */
function isPlaceholder(value: string): boolean {
  return (
    value === '' ||
    /^(?:<.*>|\[.*\]|\{.*\}|x{3,}|\.{3}|changeme|change[-_]?me|todo|replace[-_ ]?me|none|null)$/i.test(value) ||
    /your|here|example|replace|insert|xxx|\*\*\*/i.test(value)
  );
}

/** `.env.example`: active lines (`X=`) and commented ones (`# X=`, optional), with the comment above as description. */
export function scanEnvExample(file: SnapshotFile): EnvFinding[] {
  const findings: EnvFinding[] = [];
  const lines = file.content.split('\n');
  let comment: string[] = [];
  lines.forEach((raw, i) => {
    const text = raw.replace(/\r$/, '');
    const active = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(text);
    const commented = active === null ? /^\s*#+\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(text) : null;
    const match = active ?? commented;
    if (match === null) {
      const note = /^\s*#+\s*(.*)$/.exec(text);
      comment = note === null ? [] : [...comment, note[1]!.trim()];
      return;
    }
    const name = match[1]!;
    let value = match[2]!.replace(/\s+#.*$/, '').trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    const description = comment.join(' ').trim();
    const inline = /\s#\s*(.*)$/.exec(match[2]!)?.[1] ?? '';
    const wording = `${description} ${inline}`;
    comment = [];
    if (!isUserEnvName(name)) return;
    let requirement: EnvFinding['requirement'];
    if (/\brequired\b/i.test(wording) && !/\bnot required\b/i.test(wording)) requirement = { required: true, strength: STRENGTH.docsWording };
    else if (/\boptional\b|\bdefaults?\b/i.test(wording)) requirement = { required: false, strength: STRENGTH.docsWording };
    else if (commented !== null) requirement = { required: false, strength: STRENGTH.envExampleCommented };
    else if (isPlaceholder(value)) requirement = { required: true, strength: STRENGTH.envExampleEmpty };
    else requirement = { required: false, strength: STRENGTH.envExampleValue };
    const keepDefault = !requirement.required && !isPlaceholder(value) && !looksSecret(name);
    findings.push({
      name,
      kind: 'env-example',
      requirement,
      ...(description === '' && inline === '' ? {} : { description: (description || inline).slice(0, 500) }),
      ...(keepDefault ? { default: value } : {}),
      ...(/\b(?:api key|secret|password|token)\b/i.test(wording) ? { secretHint: true } : {}),
      confidence: 'medium',
      file: file.path,
      line: i + 1,
      snippet: snippetOf(looksSecret(name) ? `${name}=…` : text),
    });
  });
  return findings;
}

/** Secret-looking names: never shown with example values, never given defaults. */
export function looksSecret(name: string): boolean {
  if (/(?:_PATH|_FILE|_DIR|_DIRECTORY|_ID|_NAME|_ENDPOINT|_HOST|_PORT|_REGION|_ENABLED|_MODE|_LEVEL|_TYPE)$/.test(name)) return false;
  if (/^(?:DATABASE_URL|DB_URL|REDIS_URL|MONGODB_URI|MONGO_URI|POSTGRES_URL|CONNECTION_STRING|DSN)$|_DSN$|_CONNECTION_STRING$/.test(name)) return true;
  return /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|COOKIE|(?:^|_)KEY$|(?:^|_)PAT$|(?:^|_)AUTH$/.test(name);
}

const FENCE = /```[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)```/g;

/** Loose JSON: comments and trailing commas stripped (READMEs often carry them). */
function parseLooseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const cleaned = text
      .replace(/^\s*\/\/.*$/gm, '')
      .replace(/,\s*([}\]])/g, '$1')
      .trim();
    try {
      return JSON.parse(cleaned.startsWith('"') ? `{${cleaned}}` : cleaned);
    } catch {
      return undefined;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `mcpServers` entries anywhere in a parsed config block (Claude Desktop, VS Code `servers`, Cursor). */
function serverEntries(doc: unknown): Record<string, unknown>[] {
  if (!isObject(doc)) return [];
  const out: Record<string, unknown>[] = [];
  for (const key of ['mcpServers', 'servers', 'mcp']) {
    const group = doc[key];
    if (!isObject(group)) continue;
    if (key === 'mcp' && isObject(group['servers'])) {
      for (const entry of Object.values(group['servers'])) if (isObject(entry)) out.push(entry);
      continue;
    }
    for (const entry of Object.values(group)) if (isObject(entry)) out.push(entry);
  }
  return out;
}

/** What README config blocks say: env vars, and the package the `command`/`args` run. */
export interface ConfigBlockFindings {
  readonly env: EnvFinding[];
  readonly packages: PackageFinding[];
  /** Whether any `mcpServers` block was found (a signal that the source documents an MCP server). */
  readonly blocks: number;
}

const NPM_SPEC = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:@[\w.-]+)?$/;

/** Reads ```json blocks with `mcpServers` → `env` keys, `-e NAME` docker args, and the `npx`/`uvx` package. */
export function scanConfigBlocks(file: SnapshotFile, index: LineIndex): ConfigBlockFindings {
  const env: EnvFinding[] = [];
  const packages: PackageFinding[] = [];
  let blocks = 0;
  for (const fence of file.content.matchAll(FENCE)) {
    const body = fence[2]!;
    if (!/mcpServers|"servers"|"command"/.test(body)) continue;
    const doc = parseLooseJson(body);
    const entries = serverEntries(doc);
    if (entries.length === 0) continue;
    blocks++;
    const bodyOffset = fence.index + fence[0].indexOf(body);
    const at = (needle: string) => {
      const i = body.indexOf(needle);
      return locate(index, bodyOffset + Math.max(0, i));
    };
    for (const entry of entries) {
      const vars = isObject(entry['env']) ? entry['env'] : {};
      for (const name of Object.keys(vars)) {
        if (!isUserEnvName(name)) continue;
        const where = at(`"${name}"`);
        env.push({ name, kind: 'config-block', requirement: { required: true, strength: STRENGTH.configBlock }, confidence: 'medium', file: file.path, line: where.line, snippet: looksSecret(name) ? `"${name}": …` : where.snippet });
      }
      const args = Array.isArray(entry['args']) ? entry['args'].filter((a): a is string => typeof a === 'string') : [];
      args.forEach((arg, i) => {
        const next = args[i + 1];
        if ((arg === '-e' || arg === '--env') && next !== undefined && isUserEnvName(next.split('=')[0]!)) {
          const name = next.split('=')[0]!;
          if (!env.some((e) => e.name === name)) {
            const where = at(`"${next}"`);
            env.push({ name, kind: 'config-block', requirement: { required: true, strength: STRENGTH.configBlock }, confidence: 'medium', file: file.path, line: where.line, snippet: where.snippet });
          }
        }
      });
      const command = typeof entry['command'] === 'string' ? entry['command'] : '';
      const spec = command === 'npx' ? args.find((a) => !a.startsWith('-')) : command === 'uvx' ? args.find((a) => !a.startsWith('-')) : undefined;
      if (spec !== undefined) {
        const where = at(`"${spec}"`);
        if (command === 'npx' && NPM_SPEC.test(spec)) {
          const at2 = spec.lastIndexOf('@');
          const name = at2 > 0 ? spec.slice(0, at2) : spec;
          packages.push({ runtime: 'npm', name, runnable: true, mcp: true, priority: 60, confidence: 'medium', file: file.path, line: where.line, snippet: where.snippet });
        } else if (command === 'uvx' && /^[A-Za-z0-9][A-Za-z0-9._-]*(?:==[\w.]+)?$/.test(spec)) {
          const name = spec.split('==')[0]!.toLowerCase().replace(/[-_.]+/g, '-');
          packages.push({ runtime: 'python', name, runnable: true, mcp: true, priority: 61, confidence: 'medium', file: file.path, line: where.line, snippet: where.snippet });
        }
      }
    }
  }
  return { env, packages, blocks };
}

/**
 * README and docs prose: bullets and table rows that name an env var (`` `NAME` `` or a table cell), with
 * required/optional/default wording, the description after the name, and secret wording.
 */
export function scanDocs(file: SnapshotFile, index: LineIndex): EnvFinding[] {
  const findings: EnvFinding[] = [];
  let header: string[] | undefined;
  for (let l = 1; l <= index.lineCount; l++) {
    const text = index.line(l);
    if (/^\s*\|/.test(text)) {
      const cells = text.split('|').slice(1, -1).map((c) => c.trim());
      if (cells.every((c) => /^:?-{2,}:?$/.test(c))) continue;
      const first = cells[0]?.replace(/`/g, '') ?? '';
      if (header === undefined || !ENV_NAME.test(first)) {
        if (!ENV_NAME.test(first)) header = cells.map((c) => c.toLowerCase());
        if (!ENV_NAME.test(first)) continue;
      }
      if (!isUserEnvName(first) || !(first.includes('_') || (header ?? []).some((h) => /variable|env/.test(h)))) continue;
      findings.push(tableFinding(first, cells, header ?? [], file.path, l, text));
      continue;
    }
    header = undefined;
    for (const m of text.matchAll(/`([A-Z_][A-Z0-9_]*)`/g)) {
      const name = m[1]!;
      if (!name.includes('_') || !isUserEnvName(name)) continue;
      const after = text.slice(m.index + m[0].length).replace(/^\s*(?:[:\-–—=]|\(|is)\s*/, '').trim();
      const isDefinition = /^\s*(?:[-*+]|\d+\.)\s+/.test(text) || /^\s*\*\*?`/.test(text);
      const wording = text;
      let requirement: EnvFinding['requirement'];
      if (/\brequired\b|\bmust be set\b|\bmandatory\b/i.test(wording) && !/\bnot required\b|\boptional\b/i.test(wording)) requirement = { required: true, strength: STRENGTH.docsWording };
      else if (/\boptional\b|\(default|\bdefaults? (?:to|is)\b|\bdefault:|\bif (?:not )?set\b/i.test(wording)) requirement = { required: false, strength: STRENGTH.docsWording };
      findings.push({
        name,
        kind: 'docs',
        ...(requirement === undefined ? {} : { requirement }),
        ...(isDefinition && after.length > 0 ? { description: cleanDescription(after) } : {}),
        ...(/\b(?:api key|secret|password|access token|personal access token|private key)\b/i.test(wording) ? { secretHint: true } : {}),
        confidence: 'medium',
        file: file.path,
        line: l,
        snippet: snippetOf(text),
      });
    }
  }
  return findings;
}

function tableFinding(name: string, cells: string[], header: string[], file: string, line: number, text: string): EnvFinding {
  const column = (pattern: RegExp) => header.findIndex((h) => pattern.test(h));
  const requiredAt = column(/required|mandatory/);
  const defaultAt = column(/default/);
  const descriptionAt = column(/description|purpose|meaning|what/);
  const requiredCell = requiredAt >= 0 ? (cells[requiredAt] ?? '').toLowerCase() : '';
  const defaultCell = defaultAt >= 0 ? (cells[defaultAt] ?? '').replace(/`/g, '').trim() : '';
  const description = descriptionAt >= 0 ? cells[descriptionAt] : cells.slice(1).find((c) => c.length > 12);
  let requirement: EnvFinding['requirement'];
  if (/^(?:yes|y|true|required|✅|✓|x)$/.test(requiredCell)) requirement = { required: true, strength: STRENGTH.docsWording };
  else if (/^(?:no|n|false|optional|❌|-)$/.test(requiredCell)) requirement = { required: false, strength: STRENGTH.docsWording };
  else if (defaultCell !== '' && !/^(?:-|none|n\/a|—)$/i.test(defaultCell)) requirement = { required: false, strength: STRENGTH.docsWording };
  else if (/\boptional\b/i.test(text)) requirement = { required: false, strength: STRENGTH.docsWording };
  else if (/\brequired\b/i.test(text)) requirement = { required: true, strength: STRENGTH.docsWording };
  const hasDefault = defaultCell !== '' && !/^(?:-|none|n\/a|—)$/i.test(defaultCell) && !looksSecret(name);
  return {
    name,
    kind: 'docs',
    ...(requirement === undefined ? {} : { requirement }),
    ...(description === undefined || description === '' ? {} : { description: cleanDescription(description) }),
    ...(hasDefault ? { default: defaultCell } : {}),
    ...(/\b(?:api key|secret|password|access token|personal access token|private key)\b/i.test(text) ? { secretHint: true } : {}),
    confidence: 'medium',
    file,
    line,
    snippet: snippetOf(text),
  };
}

function cleanDescription(text: string): string {
  return text
    .replace(/\*\*|__/g, '')
    .replace(/^[\s:\-–—]+/, '')
    .trim()
    .slice(0, 500);
}
