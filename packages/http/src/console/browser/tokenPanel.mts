import { copyButton, h } from './dom.mjs';
import type { IssuedTokenView } from './types.mjs';

/**
 * The endpoint, the access token (shown this once: only its hash is kept) and ready-to-paste client snippets.
 * The panel lives only until the user dismisses it or leaves the view; nothing of it is stored.
 */
export function renderTokenPanel(issued: IssuedTokenView, heading: string, onDone: () => void): HTMLElement {
  const mcpServers = JSON.stringify({ mcpServers: issued.snippets.mcpServers }, null, 2);
  const done = h('button', { type: 'button', class: 'button', id: 'token-done' }, 'I have saved the token');
  const panel = h(
    'section',
    { class: 'card secret-once', id: 'token-panel', 'aria-labelledby': 'token-panel-title' },
    h('h2', { id: 'token-panel-title', tabindex: '-1' }, heading),
    h('p', {}, h('strong', {}, 'Copy the access token now: it is shown this once and cannot be read again.'), ' Rotate it to get a new one.'),
    ...(issued.warnings ?? []).map((warning) => h('div', { class: 'alert warn', role: 'note' }, warning)),
    h('p', { class: 'label', id: 'endpoint-label' }, 'MCP endpoint (Streamable HTTP)'),
    h('pre', { id: 'created-endpoint', 'aria-labelledby': 'endpoint-label' }, issued.endpoint),
    h('div', { class: 'actions' }, copyButton('Copy endpoint', () => issued.endpoint, 'endpoint-label')),
    h('p', { class: 'label', id: 'token-label' }, 'Access token (send as Authorization: Bearer …)'),
    h('pre', { id: 'created-token', 'aria-labelledby': 'token-label' }, issued.accessToken),
    h('div', { class: 'actions' }, copyButton('Copy token', () => issued.accessToken, 'token-label')),
    h('h3', { id: 'snippet-claude-label' }, 'Claude Code'),
    h('pre', { id: 'snippet-claude', 'aria-labelledby': 'snippet-claude-label' }, issued.snippets.claudeCode),
    h('div', { class: 'actions' }, copyButton('Copy command', () => issued.snippets.claudeCode, 'snippet-claude-label')),
    h('h3', { id: 'snippet-json-label' }, 'mcpServers JSON (Claude Desktop, Cursor, …)'),
    h('pre', { id: 'snippet-json', 'aria-labelledby': 'snippet-json-label' }, mcpServers),
    h('div', { class: 'actions' }, copyButton('Copy JSON', () => mcpServers, 'snippet-json-label'), done),
  );
  done.addEventListener('click', () => {
    panel.remove();
    onDone();
  });
  return panel;
}
