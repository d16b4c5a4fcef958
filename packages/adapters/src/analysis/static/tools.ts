import type { SnapshotFile } from '@catwalk/core';
import type { McpSignal, ToolFinding } from './findings.js';
import type { LineIndex } from './text.js';
import { inComment, isPython, locate } from './text.js';

const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Tools a file registers, plus signals that it is MCP server code. */
export function scanTools(file: SnapshotFile, index: LineIndex): { tools: ToolFinding[]; signals: McpSignal[] } {
  return isPython(file.path) ? scanPython(file, index) : scanJs(file, index);
}

function scanJs(file: SnapshotFile, index: LineIndex): { tools: ToolFinding[]; signals: McpSignal[] } {
  const content = file.content;
  const tools: ToolFinding[] = [];
  const signals: McpSignal[] = [];
  const sdk = /from\s+['"]@modelcontextprotocol\/sdk[^'"]*['"]|require\(\s*['"]@modelcontextprotocol\/sdk[^'"]*['"]\s*\)|from\s+['"]fastmcp['"]/.exec(content);
  if (sdk !== null) signals.push({ what: 'imports an MCP SDK', file: file.path, ...locate(index, sdk.index) });
  const serverCtor = /new\s+(?:McpServer|FastMCP)\s*\(/.exec(content);
  if (serverCtor !== null) signals.push({ what: 'creates an MCP server', file: file.path, ...locate(index, serverCtor.index) });

  if (!content.includes('ool(') && !/inputSchema|parameters/.test(content)) return { tools, signals };
  // server.tool('name', 'description'?, …) and server.registerTool('name', { description, … })
  for (const m of content.matchAll(/\.(tool|registerTool)\(\s*(['"`])([^'"`\n]{1,128})\2\s*(,\s*(['"`])((?:\\.|(?!\5)[^\\])*)\5)?/g)) {
    const name = m[3]!;
    if (!TOOL_NAME.test(name) || inComment(content, m.index, false)) continue;
    let description = m[6];
    if (description === undefined && m[1] === 'registerTool') {
      const window = content.slice(m.index, m.index + 1500);
      description = /\bdescription\s*:\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/.exec(window)?.[2];
    }
    tools.push({ name, ...(description === undefined ? {} : { description: unescape(description) }), confidence: 'high', file: file.path, ...locate(index, m.index) });
  }

  // { name: 'x', description: …, inputSchema: … } objects in tool lists (low-level Server, FastMCP addTool).
  if (/inputSchema|parameters/.test(content)) {
    const objects = matchBraces(content);
    for (const m of content.matchAll(/\bname\s*:\s*(['"`])([^'"`\n]{1,128})\1/g)) {
      const name = m[2]!;
      if (!TOOL_NAME.test(name)) continue;
      const object = innermost(objects, m.index);
      if (object === undefined) continue;
      const body = content.slice(object.open, object.close + 1);
      const topLevel = topLevelKeys(body);
      const isTool = topLevel.has('inputSchema') || (topLevel.has('parameters') && topLevel.has('execute'));
      if (!isTool) continue;
      const description = topLevel.has('description') ? /\bdescription\s*:\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/.exec(body)?.[2] : undefined;
      tools.push({ name, ...(description === undefined ? {} : { description: unescape(description) }), confidence: 'medium', file: file.path, ...locate(index, m.index) });
    }
  }
  return { tools, signals };
}

function unescape(text: string): string {
  return text.replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, ' ').trim().slice(0, 4000);
}

/** Brace pairs of a JS/TS text, skipping strings, template literals and comments. */
function matchBraces(content: string): { open: number; close: number }[] {
  const pairs: { open: number; close: number }[] = [];
  const stack: number[] = [];
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (c === '/' && content[i + 1] === '/') {
      const end = content.indexOf('\n', i);
      i = end < 0 ? content.length : end;
    } else if (c === '/' && content[i + 1] === '*') {
      const end = content.indexOf('*/', i + 2);
      i = end < 0 ? content.length : end + 1;
    } else if (c === '"' || c === "'" || c === '`') {
      i = skipString(content, i, c);
    } else if (c === '{') {
      stack.push(i);
    } else if (c === '}') {
      const open = stack.pop();
      if (open !== undefined) pairs.push({ open, close: i });
    }
  }
  return pairs.sort((a, b) => a.open - b.open);
}

function skipString(content: string, start: number, quote: string): number {
  for (let i = start + 1; i < content.length; i++) {
    const c = content[i];
    if (c === '\\') i++;
    else if (c === quote) return i;
    else if (c === '\n' && quote !== '`') return i;
  }
  return content.length;
}

function innermost(pairs: readonly { open: number; close: number }[], at: number): { open: number; close: number } | undefined {
  let best: { open: number; close: number } | undefined;
  for (const pair of pairs) {
    if (pair.open > at) break;
    if (pair.close > at && (best === undefined || pair.open > best.open)) best = pair;
  }
  return best;
}

/** Keys at depth 1 of an object literal's text (`{ a: 1, b: { c } , d }` → a, b, d). */
function topLevelKeys(body: string): Set<string> {
  const keys = new Set<string>();
  let depth = 0;
  let expectKey = true;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = skipString(body, i, c);
      if (depth === 1 && expectKey && body.slice(end + 1).trimStart().startsWith(':')) keys.add(body.slice(i + 1, end));
      i = end;
      expectKey = false;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') {
      depth++;
      continue;
    }
    if (c === '}' || c === ']' || c === ')') {
      depth--;
      continue;
    }
    if (depth !== 1) continue;
    if (c === ',') {
      expectKey = true;
      continue;
    }
    if (expectKey && /[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][\w$]*/.exec(body.slice(i))!;
      keys.add(match[0]);
      i += match[0].length - 1;
      expectKey = false;
    }
  }
  return keys;
}

function scanPython(file: SnapshotFile, index: LineIndex): { tools: ToolFinding[]; signals: McpSignal[] } {
  const content = file.content;
  const tools: ToolFinding[] = [];
  const signals: McpSignal[] = [];
  const imports = /^\s*(?:from\s+(?:mcp|fastmcp)(?:\.[\w.]+)?\s+import\b|import\s+(?:mcp|fastmcp)\b)/m.exec(content);
  if (imports !== null) signals.push({ what: 'imports an MCP SDK', file: file.path, ...locate(index, imports.index) });
  const ctor = /\b(?:FastMCP|Server)\(\s*['"]/.exec(content);
  if (ctor !== null && imports !== null) signals.push({ what: 'creates an MCP server', file: file.path, ...locate(index, ctor.index) });

  // @mcp.tool(), @mcp.tool, @server.tool(name="x"), @mcp.tool("x")
  for (const m of content.matchAll(/^[ \t]*@\w+\.tool\b(\(([^)]*)\))?[^\n]*\n((?:[ \t]*@[^\n]*\n)*)[ \t]*(?:async\s+)?def\s+(\w+)\s*\(/gm)) {
    const args = m[2] ?? '';
    const explicit = /\bname\s*=\s*(['"])([^'"\n]{1,128})\1/.exec(args)?.[2] ?? /^\s*(['"])([^'"\n]{1,128})\1/.exec(args)?.[2];
    const name = explicit ?? m[4]!;
    if (!TOOL_NAME.test(name) || inComment(content, m.index + m[0].search(/@/), true)) continue;
    const after = content.slice(m.index + m[0].length, m.index + m[0].length + 2000);
    const doc = /^[^)]*\)[^:]*:\s*\n\s*(?:[rR])?("""|''')\s*([^\n]*?)\s*(?:\1|\n)/.exec(after)?.[2];
    const described = /\bdescription\s*=\s*(['"])([^'"\n]*)\1/.exec(args)?.[2] ?? (doc === undefined || doc === '' ? undefined : doc);
    tools.push({ name, ...(described === undefined ? {} : { description: described }), confidence: explicit === undefined ? 'medium' : 'high', file: file.path, ...locate(index, m.index) });
  }
  // types.Tool(name="x", description="…", inputSchema=…) in a list_tools handler.
  for (const m of content.matchAll(/\bTool\(\s*name\s*=\s*(['"])([^'"\n]{1,128})\1/g)) {
    const name = m[2]!;
    if (!TOOL_NAME.test(name)) continue;
    const window = content.slice(m.index, m.index + 1500);
    const description = /description\s*=\s*(['"])([^'"\n]*)\1/.exec(window)?.[2];
    tools.push({ name, ...(description === undefined ? {} : { description }), confidence: 'high', file: file.path, ...locate(index, m.index) });
  }
  return { tools, signals };
}
