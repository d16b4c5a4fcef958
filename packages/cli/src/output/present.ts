import type { AnalysisView, CreatedDeploymentView, DeploymentView, EventView, LogLineView } from '../client/views.js';
import type { Style } from './style.js';
import { renderPairs, renderTable } from './table.js';

/** The status word, coloured by what it means. */
export function statusText(status: string, style: Style): string {
  if (status === 'running') return style.green(status);
  if (status === 'failed') return style.red(status);
  if (status === 'pending' || status === 'deploying') return style.yellow(status);
  return style.dim(status);
}

function packageText(pkg: { runtime: string; name: string; version?: string | undefined } | null): string {
  if (pkg === null) return '(unknown)';
  const separator = pkg.runtime === 'python' ? '==' : '@';
  return `${pkg.runtime === 'python' ? 'pypi' : 'npm'}:${pkg.name}${pkg.version === undefined ? '' : separator + pkg.version}`;
}

/** `catwalk ls`: one line per deployment. */
export function deploymentTable(items: readonly DeploymentView[], style: Style): string {
  if (items.length === 0) return 'No deployments yet. Create one with: catwalk deploy npm:@modelcontextprotocol/server-memory\n';
  return renderTable(
    ['ID', 'NAME', 'STATUS', 'TOOLS', 'PACKAGE', 'CREATED'],
    items.map((d) => [d.id, d.name, statusText(d.status, style), String(d.tools.length), packageText(d.package), d.createdAt.slice(0, 19).replace('T', ' ')]),
  );
}

/** `catwalk status`: one deployment in full. */
export function deploymentDetails(d: DeploymentView, style: Style): string {
  const pairs: [string, string][] = [
    ['id', d.id],
    ['name', d.name],
    ['status', statusText(d.status, style)],
    ['source', d.source],
    ['package', packageText(d.package)],
    ['endpoint', d.endpoint],
    ['credentials', d.credentialNames.length === 0 ? '(none)' : d.credentialNames.join(', ')],
    ['created', d.createdAt],
    ['updated', d.updatedAt],
  ];
  if (d.errorMessage !== null) pairs.push(['error', style.red(d.errorMessage)]);
  let text = renderPairs(pairs);
  if (d.tools.length > 0) text += `\nTools (${d.tools.length}):\n` + d.tools.map((t) => `  ${style.bold(t.name)}${t.description === undefined ? '' : style.dim(` — ${firstLine(t.description)}`)}`).join('\n') + '\n';
  return text;
}

function firstLine(text: string, max = 90): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `catwalk events`. */
export function eventLines(events: readonly EventView[], style: Style): string {
  if (events.length === 0) return 'No events.\n';
  return (
    events
      .map((e) => {
        const what = e.type === 'status_changed' ? `${e.from ?? '?'} → ${e.to ?? '?'}` : e.type === 'created' ? 'created' : e.type.replace(/_/g, ' ');
        return `${style.dim(e.at)}  ${what}${e.message === undefined ? '' : `  ${e.message}`}`;
      })
      .join('\n') + '\n'
  );
}

/** `catwalk logs`. */
export function logLines(lines: readonly LogLineView[], style: Style): string {
  return lines.map((l) => `${style.dim(l.at)} ${l.stream === 'stderr' ? style.yellow('err') : 'out'} ${l.line}\n`).join('');
}

/** `catwalk analyze`: the config, the form and the evidence, readable. */
export function analysisText(a: AnalysisView, style: Style): string {
  const c = a.config;
  let text = renderPairs([
    ['source', a.source + (a.cached ? style.dim(' (cached)') : '')],
    ['name', c.name],
    ['package', packageText(c.package)],
    ['transport', c.transport ?? 'stdio'],
    ...(c.args !== undefined && c.args.length > 0 ? [['args', c.args.join(' ')] as [string, string]] : []),
    ['analysers', (c.analyzers ?? []).join(', ') || '(none)'],
  ]);
  if (c.description !== undefined && c.description !== '') text += `\n${c.description}\n`;
  if (c.notMcpServer !== undefined) text += `\n${style.red('Not an MCP server:')} ${c.notMcpServer}\n`;
  text += `\n${style.bold('Credentials')}\n`;
  text +=
    a.form.fields.length === 0
      ? '  (none needed)\n'
      : renderTable(
          ['  NAME', 'REQUIRED', 'SECRET', 'DEFAULT', 'DESCRIPTION'],
          a.form.fields.map((f) => [`  ${f.name}`, f.required ? 'yes' : 'no', f.secret ? 'yes' : 'no', f.default ?? '', firstLine(f.help ?? '', 60)]),
        );
  for (const ex of a.form.excluded) text += style.dim(`  ${ex.name}: not asked (${ex.reason})\n`);
  text += `\n${style.bold(`Tools (${c.tools.length})`)}\n`;
  text += c.tools.length === 0 ? '  (none found statically; listed once deployed)\n' : c.tools.map((t) => `  ${t.name}${t.description === undefined ? '' : style.dim(` — ${firstLine(t.description, 70)}`)}\n`).join('');
  const evidence = c.evidence ?? [];
  if (evidence.length > 0) {
    text += `\n${style.bold('Evidence')}\n`;
    text += renderTable(
      ['  FIELD', 'WHERE', 'BY', 'CONFIDENCE'],
      evidence.slice(0, 40).map((e) => [`  ${e.field}`, `${e.file}${e.line === undefined ? '' : `:${e.line}`}`, e.analyzer, e.confidence]),
    );
    if (evidence.length > 40) text += style.dim(`  … and ${evidence.length - 40} more (use --json)\n`);
  }
  return text;
}

/** The end of `deploy` and `token rotate`: endpoint, the token once, and snippets to paste. */
export function connectionText(created: Pick<CreatedDeploymentView, 'endpoint' | 'accessToken' | 'snippets'>, style: Style): string {
  return (
    renderPairs([
      ['Endpoint', style.bold(created.endpoint)],
      ['Token', `${style.bold(created.accessToken)}  ${style.yellow('(shown this once: store it now)')}`],
    ]) +
    `\n${style.bold('Claude Code:')}\n  ${created.snippets.claudeCode}\n` +
    `\n${style.bold('mcpServers JSON:')}\n${JSON.stringify({ mcpServers: created.snippets.mcpServers }, null, 2)}\n`
  );
}
