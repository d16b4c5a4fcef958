import { ApiError, api, apiKeyStore } from './api.mjs';
import { alertBox, h, replace } from './dom.mjs';

/** The sign-in view: an API key checked against the API, then kept in sessionStorage for this tab only. */
export function renderSignIn(onSignedIn: () => void, notice?: string): HTMLElement {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-required': 'true', 'aria-describedby': 'api-key-help api-key-error' });
  const toggle = h('button', { type: 'button', class: 'button secondary', 'aria-pressed': 'false', 'aria-controls': 'api-key', 'aria-label': 'Show API key' }, 'Show');
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(show));
    toggle.setAttribute('aria-label', `${show ? 'Hide' : 'Show'} API key`);
    toggle.textContent = show ? 'Hide' : 'Show';
  });
  const error = h('p', { id: 'api-key-error', class: 'field-error', hidden: true });
  input.addEventListener('input', () => {
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  });
  const status = h('div', {}, notice === undefined ? null : alertBox(notice, 'info'));
  const submit = h('button', { type: 'submit', class: 'button', id: 'sign-in-submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card', id: 'sign-in', novalidate: true, 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to Catwalk'),
    status,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'api-key' }, 'API key', h('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*')),
      h('p', { id: 'api-key-help', class: 'help' }, 'Starts with cwa_. The admin key is printed once when the service first starts; create more with “catwalk keys create”. It is kept in this tab only.'),
      h('div', { class: 'input-row' }, input, toggle),
      error,
    ),
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    const fail = (message: string): void => {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    };
    if (key === '') return fail('Enter your API key.');
    submit.disabled = true;
    void api
      .checkKey(key)
      .then(() => {
        apiKeyStore.set(key);
        input.value = '';
        onSignedIn();
      })
      .catch((caught: unknown) => {
        const message = caught instanceof ApiError ? caught.message : 'Signing in failed.';
        replace(status);
        fail(caught instanceof ApiError && caught.status === 401 ? `This key was refused: ${message}` : message);
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
