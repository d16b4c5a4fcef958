import { ApiError, api } from './api.mjs';
import { alertBox, announce, h, replace } from './dom.mjs';
import type { AnalysisView, CredentialField, CredentialFormView, IssuedTokenView } from './types.mjs';
import { serverFieldErrors, validateForm } from './validation.mjs';

/** One rendered input with where its error goes. */
interface FieldControl {
  readonly field: CredentialField | undefined;
  readonly name: string;
  readonly input: HTMLInputElement | HTMLSelectElement;
  readonly error: HTMLParagraphElement;
}

const inputId = (name: string): string => `cred-${name}`;

function setError(control: FieldControl, message: string | undefined): void {
  control.error.textContent = message ?? '';
  control.error.hidden = message === undefined;
  if (message === undefined) control.input.removeAttribute('aria-invalid');
  else control.input.setAttribute('aria-invalid', 'true');
}

/** A show/hide toggle for a password input (the value stays in the input; only its masking changes). */
function revealToggle(input: HTMLInputElement, label: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button secondary', 'aria-pressed': 'false', 'aria-controls': input.id, 'aria-label': `Show ${label}` }, 'Show');
  button.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    button.setAttribute('aria-pressed', String(show));
    button.setAttribute('aria-label', `${show ? 'Hide' : 'Show'} ${label}`);
    button.textContent = show ? 'Hide' : 'Show';
  });
  return button;
}

function selectFor(field: CredentialField, options: readonly string[], id: string): HTMLSelectElement {
  const select = h('select', { id, name: field.name, required: field.required && field.default === undefined });
  const blank = field.default !== undefined ? `(default: ${field.default})` : field.required ? 'Choose…' : '(not set)';
  select.append(h('option', { value: '' }, blank));
  for (const option of options) select.append(h('option', { value: option }, option));
  return select;
}

/** The input of one field, by its form type: password (with toggle), url, number, select, boolean select, text. */
function renderField(field: CredentialField, form: CredentialFormView): { row: HTMLElement; control: FieldControl } {
  const id = inputId(field.name);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const mustType = field.required && field.default === undefined;
  const describedBy = [field.help !== '' || field.default !== undefined ? helpId : '', errorId].filter(Boolean).join(' ');
  let input: HTMLInputElement | HTMLSelectElement;
  const extras: HTMLElement[] = [];
  if (field.input === 'select') input = selectFor(field, field.choices ?? [], id);
  else if (field.input === 'checkbox') input = selectFor(field, form.jsonSchema.properties[field.name]?.enum ?? ['true', 'false'], id);
  else {
    const type = field.input === 'password' ? 'password' : field.input === 'url' ? 'url' : 'text';
    input = h('input', {
      id,
      name: field.name,
      type,
      autocomplete: field.secret ? 'new-password' : 'off',
      spellcheck: 'false',
      autocapitalize: 'off',
      inputmode: field.input === 'number' ? 'decimal' : field.input === 'url' ? 'url' : undefined,
      placeholder: field.default !== undefined ? field.default : field.input === 'url' ? 'https://…' : undefined,
      required: mustType,
      'data-secret': field.secret ? 'true' : undefined,
    });
    if (field.input === 'password') extras.push(revealToggle(input as HTMLInputElement, field.label));
  }
  input.setAttribute('aria-describedby', describedBy);
  if (mustType) input.setAttribute('aria-required', 'true');
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const help = [field.help, field.default !== undefined ? `Default: ${field.default}` : ''].filter(Boolean).join(' — ');
  const row = h(
    'div',
    { class: 'field', 'data-field': field.name },
    h(
      'label',
      { for: id },
      field.label,
      mustType ? h('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*') : null,
      h('span', { class: 'name mono' }, field.name),
      mustType ? h('span', { class: 'visually-hidden' }, ' (required)') : null,
      field.secret ? h('span', { class: 'visually-hidden' }, ' (secret)') : null,
    ),
    help !== '' ? h('p', { id: helpId, class: 'help' }, help) : null,
    h('div', { class: 'input-row' }, input, ...extras),
    error,
  );
  return { row, control: { field, name: field.name, input, error } };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'my-server'
  );
}

/**
 * Renders the credential form of an analysis: the deployment name, one input per credential, the excluded
 * variables, and a Deploy button. Submission is checked locally first (same messages as the server), then
 * `POST /api/deployments`; secret inputs are emptied as soon as the values are sent.
 */
export function renderCredentialForm(analysis: AnalysisView, onCreated: (issued: IssuedTokenView) => void): HTMLElement {
  const { form, config } = analysis;
  const status = h('div', { id: 'form-status' });
  const nameInput = h('input', { id: 'deploy-name', name: 'name', type: 'text', required: true, maxlength: '100', autocomplete: 'off', 'aria-describedby': 'deploy-name-help deploy-name-error', 'aria-required': 'true' });
  nameInput.value = slug(config.name !== '' ? config.name : (config.package?.name ?? 'server'));
  const nameError = h('p', { id: 'deploy-name-error', class: 'field-error', hidden: true });
  const controls: FieldControl[] = [{ field: undefined, name: 'name', input: nameInput, error: nameError }];
  const rows: HTMLElement[] = [];
  for (const field of form.fields) {
    const rendered = renderField(field, form);
    rows.push(rendered.row);
    controls.push(rendered.control);
  }
  // An edited field loses its old complaint; the next submit checks it again.
  for (const control of controls) control.input.addEventListener('input', () => setError(control, undefined));
  const submit = h('button', { type: 'submit', class: 'button', id: 'deploy-submit' }, 'Deploy');
  const element = h(
    'form',
    { class: 'card', id: 'credential-form', novalidate: true, 'aria-labelledby': 'credential-form-title' },
    h('h2', { id: 'credential-form-title' }, 'Credentials and deployment'),
    h('p', { class: 'muted small' }, 'Fields marked * are required. Secret values are sent once, sealed on the server and never shown again.'),
    status,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'deploy-name' }, 'Deployment name', h('span', { class: 'required-mark', 'aria-hidden': 'true' }, '*'), h('span', { class: 'visually-hidden' }, ' (required)')),
      h('p', { id: 'deploy-name-help', class: 'help' }, 'Shown in your list and used as the server name in client snippets.'),
      nameInput,
      nameError,
    ),
    form.fields.length === 0 ? h('p', { class: 'muted' }, 'This server declares no credentials.') : null,
    ...rows,
    form.excluded.length > 0
      ? h('div', { class: 'alert warn', role: 'note' }, h('strong', {}, 'Not settable: '), h('ul', {}, ...form.excluded.map((item) => h('li', {}, item.reason))))
      : null,
    h('div', { class: 'actions' }, submit),
  );

  element.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitForm();
  });

  async function submitForm(): Promise<void> {
    const values = new Map<string, string>();
    for (const control of controls) if (control.field !== undefined) values.set(control.name, control.input.value);
    const problems = validateForm(form, values);
    const name = nameInput.value.trim();
    if (name === '') problems.byField.set('name', 'name is required.');
    for (const control of controls) setError(control, problems.byField.get(control.name));
    if (problems.byField.size > 0) {
      replace(status, alertBox(problems.summary ?? 'Some values need fixing: see the fields marked below.'));
      controls.find((control) => problems.byField.has(control.name))?.input.focus();
      return;
    }
    const credentials: Record<string, string> = {};
    for (const [key, value] of values) if (value !== '') credentials[key] = value;
    // The values now live only in this request: no secret stays in the page once it is sent.
    for (const control of controls) if (control.field?.secret === true) control.input.value = '';
    values.clear();
    submit.disabled = true;
    element.setAttribute('aria-busy', 'true');
    replace(status, alertBox('Deploying…', 'info'));
    try {
      const issued = await api.createDeployment({ name, source: analysis.source, credentials });
      announce('Deployment created');
      onCreated(issued);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'internal', 'Something went wrong.', {});
      const byField = serverFieldErrors(apiError, controls.map((control) => control.name));
      for (const control of controls) setError(control, byField.get(control.name));
      const hadSecrets = controls.some((control) => control.field?.secret === true);
      replace(status, alertBox(`${apiError.message}${hadSecrets ? ' Secret fields were cleared when the form was sent: enter them again.' : ''}`));
      controls.find((control) => byField.has(control.name))?.input.focus();
    } finally {
      submit.disabled = false;
      element.removeAttribute('aria-busy');
    }
  }
  return element;
}
