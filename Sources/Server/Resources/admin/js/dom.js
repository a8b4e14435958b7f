// Small DOM helpers. Everything a customer (or anyone) typed is put in the page as text:
// `h` sets strings with textContent and never parses HTML.

/** h('button', {class: 'primary', onclick: fn}, 'Send') builds an element. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function render(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function formatNumber(value) {
  return new Intl.NumberFormat().format(value ?? 0);
}

/**
 * Money, always with its currency (DESIGN §21): the code the API gives (Booknetic's currency
 * setting), else the one remembered from an earlier answer of this session.
 */
export function formatMoney(value, currency) {
  const code = currency || knownCurrency();
  if (currency) rememberCurrency(currency);
  try {
    if (code) return new Intl.NumberFormat(undefined, { style: 'currency', currency: code }).format(value ?? 0);
  } catch { /* an unknown currency code: show the number and the code */ }
  const amount = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value ?? 0);
  return code ? `${amount} ${code}` : amount;
}

const CURRENCY_KEY = 'bkntc.currency';

export function rememberCurrency(code) {
  if (code && typeof code === 'string') sessionStorage.setItem(CURRENCY_KEY, code);
}

export function knownCurrency() {
  return sessionStorage.getItem(CURRENCY_KEY) || null;
}

/** "1 recipient", "3 recipients". */
export function plural(count, one, many) {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}

/**
 * A moment soon, as people say it: "08:00 today", "08:00 tomorrow", "08:00 Tue 9 Dec".
 * In this browser's time zone.
 */
export function formatWhen(value) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOfDay(date) - startOfDay(new Date())) / 86400000);
  if (days === 0) return `${time} today`;
  if (days === 1) return `${time} tomorrow`;
  return `${time} ${date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}`;
}

/**
 * Marks a button busy while `fn` runs: disabled, aria-busy and a working label ("Sending…"),
 * back as it was afterwards. Answers what `fn` answers.
 */
export async function whileBusy(button, label, fn) {
  if (!button) return fn();
  const before = Array.from(button.childNodes);
  const wasDisabled = button.disabled;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.classList.add('busy');
  button.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), label);
  try {
    return await fn();
  } finally {
    button.replaceChildren(...before);
    button.disabled = wasDisabled;
    button.removeAttribute('aria-busy');
    button.classList.remove('busy');
  }
}

export function formatPercent(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

export function formatDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

const STATUS_WORDS = { sent: 'went out', pending: 'waiting', undelivered: 'not delivered', queued: 'starting', gap_fill: 'gap fill' };

export function badge(status) {
  return h('span', { class: `badge ${status}`, dataset: { status } }, STATUS_WORDS[status] || String(status).replaceAll('_', ' '));
}

/** A labelled field with a place for its error message (shown by showErrors). */
export function field(label, control, name, hint) {
  const id = control.id || `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  control.id = id;
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label), control,
    hint ? h('div', { class: 'muted' }, hint) : null,
    h('div', { class: 'error-text', role: 'alert' }));
}

/** Puts an API error next to the field it names (or at the top of `container`). */
export function showError(container, error) {
  for (const old of container.querySelectorAll('.field-error')) old.classList.remove('field-error');
  for (const old of container.querySelectorAll('.field .error-text')) old.textContent = '';
  if (!error) return;
  const name = error?.field ? String(error.field).split(/[.[]/)[0] : null;
  const target = name ? container.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
  if (target) {
    target.classList.add('field-error');
    target.querySelector('.error-text').textContent = error.message;
    target.querySelector('input, select, textarea')?.focus();
    return;
  }
  const general = container.querySelector('.form-error');
  if (general) general.textContent = error?.message || String(error);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function channelLabel(channel) {
  return { sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email' }[channel] || channel;
}
