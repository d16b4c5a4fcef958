import { ApiError, api } from './api.mjs';
import { renderCredentialForm } from './credentialForm.mjs';
import { alertBox, announce, h, replace } from './dom.mjs';
import { renderTokenPanel } from './tokenPanel.mjs';
import type { AnalysisView, CatalogEntryView, Evidence, IssuedTokenView } from './types.mjs';

const SOURCE_HELP = 'A GitHub URL (https://github.com/owner/repo), npm:<package>[@version], pypi:<package>[==version], or a package name.';

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong.';
}

/** The source to analyse for a catalogue entry: its own source, else its first package. */
function sourceOf(entry: CatalogEntryView): string | undefined {
  if (entry.source !== undefined) return entry.source;
  const pkg = entry.packages[0];
  if (pkg === undefined) return entry.repositoryUrl;
  return pkg.runtime === 'python' ? `pypi:${pkg.name}` : `npm:${pkg.name}`;
}

function evidenceRows(evidence: readonly Evidence[]): HTMLElement {
  if (evidence.length === 0) return h('p', { class: 'muted' }, 'The analysers recorded no evidence.');
  return h(
    'table',
    { class: 'responsive', id: 'evidence' },
    h('caption', { class: 'visually-hidden' }, 'Evidence for each finding'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Finding'), h('th', { scope: 'col' }, 'Where'), h('th', { scope: 'col' }, 'Analyser'), h('th', { scope: 'col' }, 'Confidence'))),
    h(
      'tbody',
      {},
      ...evidence.map((item) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': 'Finding', class: 'mono' }, item.field),
          h('td', { 'data-label': 'Where', class: 'wrap' }, h('span', { class: 'mono' }, item.line === undefined ? item.file : `${item.file}:${item.line}`), item.snippet === undefined ? null : h('pre', {}, item.snippet)),
          h('td', { 'data-label': 'Analyser' }, item.analyzer),
          h('td', { 'data-label': 'Confidence' }, item.confidence),
        ),
      ),
    ),
  );
}

function summary(analysis: AnalysisView): HTMLElement {
  const { config } = analysis;
  const pkg = config.package === null ? 'not identified' : `${config.package.runtime} ${config.package.name}${config.package.version === undefined ? '' : `@${config.package.version}`}`;
  return h(
    'section',
    { class: 'card', id: 'analysis', 'aria-labelledby': 'analysis-title' },
    h('h2', { id: 'analysis-title', tabindex: '-1' }, config.name),
    config.description !== '' ? h('p', {}, config.description) : null,
    config.notMcpServer !== undefined ? alertBox(`No MCP server found: ${config.notMcpServer}`, 'warn') : null,
    h(
      'dl',
      { class: 'kv' },
      h('dt', {}, 'Source'),
      h('dd', { class: 'mono' }, analysis.source),
      h('dt', {}, 'Package'),
      h('dd', { class: 'mono' }, pkg),
      h('dt', {}, 'Transport'),
      h('dd', {}, config.transport),
      h('dt', {}, 'Analysers'),
      h('dd', { id: 'analyzers' }, config.analyzers.length === 0 ? 'none' : config.analyzers.join(', ')),
      h('dt', {}, 'Cached'),
      h('dd', {}, analysis.cached ? 'yes (an earlier analysis of the same source)' : 'no'),
    ),
    h('h3', {}, `Tools (${config.tools.length})`),
    config.tools.length === 0 ? h('p', { class: 'muted' }, 'None found statically; the list is read from the server once it runs.') : h('ul', {}, ...config.tools.map((tool) => h('li', {}, h('span', { class: 'mono' }, tool.name), tool.description === undefined ? null : ` — ${tool.description}`))),
    h('h3', {}, 'Evidence'),
    evidenceRows(config.evidence),
  );
}

/**
 * The analyse view: search the catalogue or paste a source, see the analysis with its evidence, fill in the
 * generated credential form and deploy; the created deployment's token panel replaces the form.
 */
export function renderAnalyze(openDeployment: (id: string) => void): HTMLElement {
  const results = h('div', { id: 'search-results', 'aria-live': 'polite' });
  const output = h('div', { id: 'analysis-output' });
  const searchInput = h('input', { id: 'search-query', type: 'search', name: 'q', maxlength: '200', autocomplete: 'off', 'aria-describedby': 'search-help' });
  const sourceInput = h('input', { id: 'source', type: 'text', name: 'source', maxlength: '2048', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'source-help source-error', 'aria-required': 'true' });
  const sourceError = h('p', { id: 'source-error', class: 'field-error', hidden: true });

  const searchForm = h(
    'form',
    { class: 'card', id: 'search-form', role: 'search', 'aria-labelledby': 'search-title' },
    h('h2', { id: 'search-title' }, 'Search the catalogue'),
    h('label', { for: 'search-query' }, 'Search MCP servers'),
    h('p', { id: 'search-help', class: 'help' }, 'The official MCP registry and Glama.'),
    h('div', { class: 'input-row' }, searchInput, h('button', { type: 'submit', class: 'button' }, 'Search')),
    results,
  );
  const sourceForm = h(
    'form',
    { class: 'card', id: 'source-form', novalidate: true, 'aria-labelledby': 'source-title' },
    h('h2', { id: 'source-title' }, 'Or analyse a source'),
    h('label', { for: 'source' }, 'Source', h('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*')),
    h('p', { id: 'source-help', class: 'help' }, SOURCE_HELP),
    h('div', { class: 'input-row' }, sourceInput, h('button', { type: 'submit', class: 'button', id: 'analyze-submit' }, 'Analyse')),
    sourceError,
  );

  const showCreated = (issued: IssuedTokenView): void => {
    const panel = renderTokenPanel(issued, `Deployed: ${issued.deployment.name}`, () => openDeployment(issued.deployment.id));
    replace(output, panel);
    panel.querySelector<HTMLElement>('h2')?.focus();
  };

  async function analyze(source: string): Promise<void> {
    sourceError.hidden = true;
    sourceInput.removeAttribute('aria-invalid');
    if (source === '') {
      sourceError.textContent = 'Enter a source to analyse.';
      sourceError.hidden = false;
      sourceInput.setAttribute('aria-invalid', 'true');
      sourceInput.focus();
      return;
    }
    replace(output, alertBox(`Analysing ${source}…`, 'info'));
    output.setAttribute('aria-busy', 'true');
    try {
      const analysis = await api.analyze(source);
      replace(output, summary(analysis), renderCredentialForm(analysis, showCreated));
      announce(`Analysis of ${analysis.source} ready`);
      output.querySelector<HTMLElement>('#analysis-title')?.focus();
    } catch (error) {
      replace(output, alertBox(messageOf(error)));
      if (error instanceof ApiError && error.status === 400) {
        sourceError.textContent = error.message;
        sourceError.hidden = false;
        sourceInput.setAttribute('aria-invalid', 'true');
      }
    } finally {
      output.removeAttribute('aria-busy');
    }
  }

  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = searchInput.value.trim();
    if (query === '') return searchInput.focus();
    replace(results, h('p', { class: 'muted' }, 'Searching…'));
    void api
      .searchCatalog(query)
      .then((found) => {
        const degraded = found.degraded.map((item) => alertBox(`${item.catalog} did not answer: ${item.reason}`, 'warn'));
        if (found.entries.length === 0) return replace(results, ...degraded, h('p', {}, `No servers match “${query}”.`));
        const list = h(
          'ul',
          { class: 'results', 'aria-label': 'Catalogue results' },
          ...found.entries.map((entry) => {
            const source = sourceOf(entry);
            const pick = h('button', { type: 'button', class: 'button secondary', disabled: source === undefined, 'aria-label': `Analyse ${entry.name}` }, 'Analyse');
            pick.addEventListener('click', () => {
              if (source === undefined) return;
              sourceInput.value = source;
              void analyze(source);
            });
            return h(
              'li',
              {},
              h('div', {}, h('strong', {}, entry.name), h('p', { class: 'muted small' }, entry.description), h('p', { class: 'small mono' }, [source ?? 'no deployable source', `listed by ${entry.catalogs.join(', ')}`].join(' · '))),
              pick,
            );
          }),
        );
        replace(results, ...degraded, list);
      })
      .catch((error: unknown) => replace(results, alertBox(messageOf(error))));
  });
  sourceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void analyze(sourceInput.value.trim());
  });

  return h('div', {}, h('h1', {}, 'Analyse & deploy'), searchForm, sourceForm, output);
}
