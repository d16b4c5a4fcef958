// DOM helpers. Text is always set through textContent/attributes, never parsed as HTML, so nothing the API or a
// user returns can become markup or script.

type Child = Node | string | null | undefined | false;
type Attrs = Readonly<Record<string, string | boolean | undefined>>;

/** Creates an element with attributes (true → present, false/undefined → absent) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  append(element, ...children);
  return element;
}

/** Appends children, skipping empty ones. */
export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child);
  }
}

/** Replaces an element's content. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Reads an ids-only element that the page shell guarantees. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** Says something to screen readers (and the test) through the polite live region. */
export function announce(message: string): void {
  const region = byId('announcer');
  region.textContent = '';
  // A new text node after clearing makes screen readers speak repeated messages too.
  window.setTimeout(() => (region.textContent = message), 20);
}

/** A button that copies `text()` to the clipboard and says so. */
export function copyButton(label: string, text: () => string, describedBy?: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button secondary', 'aria-describedby': describedBy }, label);
  button.addEventListener('click', () => {
    void copyToClipboard(text()).then((copied) => {
      button.textContent = copied ? 'Copied' : 'Copy failed: select and copy by hand';
      announce(copied ? `${label}: copied to the clipboard` : 'Copying failed');
      window.setTimeout(() => (button.textContent = label), 2000);
    });
  });
  return button;
}

async function copyToClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Asks for confirmation in the page's modal dialog (keyboard: Tab between buttons, Esc cancels). */
export function confirmAction(title: string, text: string, confirmLabel: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-title').textContent = title;
  byId('confirm-text').textContent = text;
  byId('confirm-ok').textContent = confirmLabel;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        resolve(dialog.returnValue === 'confirm');
        opener?.focus();
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    byId('confirm-cancel').focus();
  });
}

/** A status badge; the class colours it, the text says it (colour is never the only signal). */
export function badge(status: string): HTMLSpanElement {
  return h('span', { class: `badge ${status}`, 'data-status': status }, status);
}

/** An error box for an API failure. */
export function alertBox(message: string, kind: 'error' | 'info' | 'warn' = 'error'): HTMLDivElement {
  return h('div', { class: kind === 'error' ? 'alert' : `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}

/** Local date and time of an ISO timestamp. */
export function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
