import { ApiError, api } from './api.mjs';
import { alertBox, announce, badge, confirmAction, copyButton, h, replace, when } from './dom.mjs';
import { renderTokenPanel } from './tokenPanel.mjs';
import type { DeploymentView } from './types.mjs';

/** How often status badges, events and logs are refreshed while a view is open. */
export const POLL_MS = 2000;

/** A view with background work to stop when it is left. */
export interface LiveView {
  readonly element: HTMLElement;
  dispose(): void;
}

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong.';
}

/** Runs `tick` now and every POLL_MS until disposed (no overlapping runs). */
function poll(tick: () => Promise<void>): () => void {
  let stopped = false;
  let timer: number | undefined;
  const loop = async (): Promise<void> => {
    if (stopped) return;
    await tick().catch(() => undefined);
    if (!stopped) timer = window.setTimeout(() => void loop(), POLL_MS);
  };
  void loop();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

/** The list of the caller's deployments with live status badges. */
export function renderDeploymentList(open: (id: string) => void): LiveView {
  const body = h('div', { id: 'deployment-list', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading…'));
  const element = h('div', {}, h('h1', {}, 'Deployments'), h('section', { class: 'card' }, body));
  const show = (items: readonly DeploymentView[], more: boolean): void => {
    body.removeAttribute('aria-busy');
    if (items.length === 0) {
      replace(body, h('p', {}, 'No deployments yet. ', h('a', { href: '#/analyze' }, 'Analyse a server'), ' to create one.'));
      return;
    }
    const rows = items.map((item) => {
      const link = h('a', { href: `#/deployments/${encodeURIComponent(item.id)}` }, item.name);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        open(item.id);
      });
      return h(
        'tr',
        { 'data-id': item.id },
        h('td', { 'data-label': 'Name' }, link),
        h('td', { 'data-label': 'Status' }, badge(item.status)),
        h('td', { 'data-label': 'Package', class: 'mono wrap' }, `${item.package.name}@${item.package.version}`),
        h('td', { 'data-label': 'Created' }, when(item.createdAt)),
      );
    });
    replace(
      body,
      h(
        'table',
        { class: 'responsive' },
        h('caption', { class: 'visually-hidden' }, 'Your deployments'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Package'), h('th', { scope: 'col' }, 'Created'))),
        h('tbody', {}, ...rows),
      ),
      more ? h('p', { class: 'muted small' }, 'Showing the newest 100 deployments; `catwalk ls` lists them all.') : null,
    );
  };
  const stop = poll(async () => {
    try {
      const page = await api.listDeployments();
      show(page.items, page.nextCursor !== null);
    } catch (error) {
      replace(body, alertBox(messageOf(error)));
    }
  });
  return { element, dispose: stop };
}

type Action = 'stop' | 'start' | 'redeploy' | 'token' | 'delete';

/** Which actions make sense in a status (the server refuses the others with 409 anyway). */
function allowed(action: Action, status: DeploymentView['status']): boolean {
  switch (action) {
    case 'stop':
      return status === 'running' || status === 'deploying';
    case 'start':
      return status === 'stopped' || status === 'failed';
    case 'redeploy':
      return status === 'running' || status === 'stopped' || status === 'failed';
    case 'token':
    case 'delete':
      return true;
  }
}

const CONFIRMATIONS: Readonly<Record<Action, { title: string; text: string; label: string }>> = {
  stop: { title: 'Stop this deployment?', text: 'Its endpoint answers 503 until you start it again.', label: 'Stop' },
  start: { title: 'Start this deployment?', text: 'It is deployed again with its stored credentials.', label: 'Start' },
  redeploy: { title: 'Redeploy this deployment?', text: 'It moves to a fresh machine; sessions in progress are cut.', label: 'Redeploy' },
  token: { title: 'Rotate the access token?', text: 'The current token stops working at once. Every client must be given the new one.', label: 'Rotate token' },
  delete: { title: 'Delete this deployment?', text: 'The machine, the credentials and the events are destroyed. This cannot be undone.', label: 'Delete' },
};

/** One deployment: status, endpoint, actions with confirmation, events and the log tail, refreshed live. */
export function renderDeploymentDetail(id: string, back: () => void): LiveView {
  const notices = h('div', { id: 'detail-notices' });
  const tokenSlot = h('div', { id: 'token-slot' });
  const heading = h('h1', { id: 'detail-title', tabindex: '-1' }, 'Deployment');
  const statusSlot = h('p', { id: 'detail-status', 'aria-live': 'polite' });
  const facts = h('dl', { class: 'kv', id: 'detail-facts' });
  const events = h('div', { id: 'detail-events' });
  const logs = h('pre', { id: 'detail-logs', class: 'log', tabindex: '0', 'aria-label': 'Log tail' }, '…');
  const buttons = new Map<Action, HTMLButtonElement>();
  const actionBar = h('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' });
  let current: DeploymentView | undefined;
  let busy = false;

  const endpointText = h('span', { class: 'mono', id: 'detail-endpoint' });
  const refreshButtons = (): void => {
    for (const [action, button] of buttons) button.disabled = busy || current === undefined || !allowed(action, current.status);
  };

  for (const action of ['stop', 'start', 'redeploy', 'token', 'delete'] as const) {
    const label = CONFIRMATIONS[action].label;
    const button = h('button', { type: 'button', class: action === 'delete' ? 'button danger' : 'button secondary', id: `action-${action}`, disabled: true }, label);
    button.addEventListener('click', () => void run(action));
    buttons.set(action, button);
    actionBar.append(button);
  }

  async function run(action: Action): Promise<void> {
    const confirmation = CONFIRMATIONS[action];
    if (!(await confirmAction(confirmation.title, confirmation.text, confirmation.label))) return;
    busy = true;
    refreshButtons();
    replace(notices);
    try {
      if (action === 'delete') {
        await api.remove(id);
        announce('Deployment deleted');
        back();
        return;
      }
      if (action === 'token') {
        const issued = await api.rotateToken(id);
        const panel = renderTokenPanel(issued, 'New access token', () => undefined);
        replace(tokenSlot, panel);
        panel.querySelector<HTMLElement>('h2')?.focus();
        announce('Token rotated; the old one no longer works');
        show(issued.deployment);
      } else {
        show(await api.action(id, action));
        announce(`${confirmation.label}: requested`);
      }
    } catch (error) {
      replace(notices, alertBox(messageOf(error)));
    } finally {
      busy = false;
      refreshButtons();
    }
  }

  function show(deployment: DeploymentView): void {
    current = deployment;
    heading.textContent = deployment.name;
    replace(statusSlot, 'Status: ', badge(deployment.status));
    endpointText.textContent = deployment.endpoint;
    replace(
      facts,
      h('dt', {}, 'Endpoint'),
      h('dd', {}, endpointText),
      h('dt', {}, 'Package'),
      h('dd', { class: 'mono' }, `${deployment.package.runtime} ${deployment.package.name}@${deployment.package.version}`),
      h('dt', {}, 'Source'),
      h('dd', { class: 'mono' }, deployment.source),
      h('dt', {}, 'Credentials'),
      h('dd', {}, deployment.credentialNames.length === 0 ? 'none' : deployment.credentialNames.join(', ')),
      h('dt', {}, 'Tools'),
      h('dd', {}, deployment.tools.length === 0 ? 'not known yet' : deployment.tools.map((tool) => tool.name).join(', ')),
      h('dt', {}, 'Created'),
      h('dd', {}, when(deployment.createdAt)),
      h('dt', {}, 'Updated'),
      h('dd', {}, when(deployment.updatedAt)),
      deployment.errorMessage === null ? null : h('dt', {}, 'Error'),
      deployment.errorMessage === null ? null : h('dd', { class: 'field-error' }, deployment.errorMessage),
    );
    refreshButtons();
  }

  const stop = poll(async () => {
    try {
      const [deployment, eventList, logList] = await Promise.all([api.getDeployment(id), api.events(id), api.logs(id).catch(() => ({ lines: [] }))]);
      show(deployment);
      replace(
        events,
        eventList.events.length === 0
          ? h('p', { class: 'muted' }, 'No events yet.')
          : h(
              'ol',
              { class: 'small' },
              ...eventList.events
                .slice(-50)
                .reverse()
                .map((event) => h('li', {}, h('span', { class: 'muted' }, when(event.at)), ' ', event.type, event.from !== undefined || event.to !== undefined ? ` ${event.from ?? '·'} → ${event.to ?? '·'}` : '', event.message === undefined ? '' : ` — ${event.message}`)),
            ),
      );
      logs.textContent = logList.lines.length === 0 ? 'No log lines yet.' : logList.lines.map((line) => `${line.at} ${line.stream} ${line.line}`).join('\n');
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        stop();
        replace(notices, alertBox('This deployment no longer exists.'));
        return;
      }
      replace(notices, alertBox(messageOf(error)));
    }
  });

  const backLink = h('a', { href: '#/deployments' }, '← All deployments');
  const element = h(
    'div',
    {},
    h('p', {}, backLink),
    heading,
    statusSlot,
    notices,
    tokenSlot,
    h('section', { class: 'card', 'aria-label': 'Details' }, facts, h('div', { class: 'actions' }, copyButton('Copy endpoint', () => current?.endpoint ?? '', 'detail-endpoint')), actionBar),
    h('section', { class: 'card', 'aria-labelledby': 'events-title' }, h('h2', { id: 'events-title' }, 'Events (newest first)'), events),
    h('section', { class: 'card', 'aria-labelledby': 'logs-title' }, h('h2', { id: 'logs-title' }, 'Log tail'), logs),
  );
  return { element, dispose: stop };
}
