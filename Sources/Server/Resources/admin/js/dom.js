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

export function formatMoney(value, currency) {
  try {
    if (currency) return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value ?? 0);
  } catch { /* an unknown currency code: show the number and the code */ }
  return `${formatNumber(Math.round((value ?? 0) * 100) / 100)}${currency ? ' ' + currency : ''}`;
}

export function formatPercent(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

export function formatDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function badge(status) {
  return h('span', { class: `badge ${status}` }, String(status).replace('_', ' '));
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
