import { apiKeyStore, onUnauthorized } from './api.mjs';
import { renderAnalyze } from './analyze.mjs';
import { renderDeploymentDetail, renderDeploymentList } from './deployments.mjs';
import type { LiveView } from './deployments.mjs';
import { byId, replace } from './dom.mjs';
import { renderSignIn } from './signIn.mjs';

// The console's shell: hash routes (#/analyze, #/deployments, #/deployments/<id>) so no secret ever sits in a
// URL, one live view at a time (its polling stops when it is left), sign-in whenever there is no usable key.

let live: LiveView | undefined;

function mount(view: LiveView, title: string): void {
  live?.dispose();
  live = view;
  const main = byId('main');
  replace(main, view.element);
  document.title = `${title} · Catwalk`;
}

function staticView(element: HTMLElement): LiveView {
  return { element, dispose: () => undefined };
}

function setNav(signedIn: boolean, current: 'analyze' | 'deployments' | undefined): void {
  byId('nav').hidden = !signedIn;
  byId('sign-out').hidden = !signedIn;
  for (const name of ['analyze', 'deployments'] as const) {
    const link = byId(`nav-${name}`);
    if (name === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function go(hash: string): void {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function render(notice?: string): void {
  if (apiKeyStore.get() === null) {
    setNav(false, undefined);
    mount(staticView(renderSignIn(() => go('#/analyze'), notice)), 'Sign in');
    byId<HTMLInputElement>('api-key').focus();
    return;
  }
  const route = location.hash.replace(/^#\/?/, '');
  const detail = /^deployments\/([^/]+)$/.exec(route);
  if (detail?.[1] !== undefined) {
    setNav(true, 'deployments');
    mount(renderDeploymentDetail(decodeURIComponent(detail[1]), () => go('#/deployments')), 'Deployment');
  } else if (route === 'deployments') {
    setNav(true, 'deployments');
    mount(renderDeploymentList((id) => go(`#/deployments/${encodeURIComponent(id)}`)), 'Deployments');
  } else {
    setNav(true, 'analyze');
    mount(staticView(renderAnalyze((id) => go(`#/deployments/${encodeURIComponent(id)}`))), 'Analyse & deploy');
  }
  byId('main').focus();
}

function start(): void {
  byId('sign-out').addEventListener('click', () => {
    apiKeyStore.clear();
    render('Signed out.');
  });
  onUnauthorized(() => {
    if (apiKeyStore.get() === null) return;
    apiKeyStore.clear();
    render('Your API key was refused (revoked or mistyped): sign in again.');
  });
  window.addEventListener('hashchange', () => render());
  render();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
