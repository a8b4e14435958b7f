// The editor's translations and email button (DESIGN §15): a tab per locale with its own subject
// (email), message and button label, a locale added by its code (`de`, `pt_BR`), and for email the
// button's label and web address. Every customer or user string stays text (textContent, values).
import { h } from './dom.js';

/** `de`, `DE`, `pt-br` → `de`, `de`, `pt_BR`; null when it is not a locale (as the service reads it). */
export function normalizeLocale(text) {
  const match = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[0-9]{3}))?$/.exec(String(text).trim());
  if (!match) return null;
  return match[2] ? `${match[1].toLowerCase()}_${match[2].toUpperCase()}` : match[1].toLowerCase();
}

/**
 * `{element, value(), onChange(fn), setDisabled(flag)}` for campaign `c` on channel `ch`: `value()`
 * is the request's §15 fields (`body_i18n`, and for email `subject_i18n`, `action_label_i18n`,
 * `action_label`, `action_url`). Several on one page (a broadcast's channels) each take an
 * `idPrefix` (`sms-` → `#sms-locale-tabs`) and a `fieldPrefix` for where API errors show
 * (`content.email.` → `[data-field="content.email.action_url"]`).
 */
export function translationFields(c, ch, { idPrefix = '', fieldPrefix = '' } = {}) {
  const id = (name) => `${idPrefix}${name}`;
  const email = ch === 'email';
  const listeners = [];
  const changed = () => listeners.forEach((fn) => fn());
  /** locale → {subject, body, label} inputs. */
  const variants = new Map();
  const tabs = h('div', { class: 'row locale-tabs', role: 'tablist', id: id('locale-tabs') });
  const panels = h('div', { id: id('locale-panels') });
  const newLocale = h('input', { id: id('new-locale'), maxlength: 10, placeholder: 'de or pt_BR', 'aria-label': 'Language code' });
  const error = h('div', { class: 'error-text', role: 'alert', id: id('locale-error') });
  const actionLabel = h('input', { id: id('f-action-label'), name: 'action_label', maxlength: 190, value: c.action_label || '', placeholder: 'Book now' });
  const actionURL = h('input', { id: id('f-action-url'), name: 'action_url', type: 'url', maxlength: 2048, value: c.action_url || '',
    placeholder: 'https://example.com/book' });
  let current = null;

  function select(locale) {
    current = locale;
    for (const [key, variant] of variants) {
      variant.panel.hidden = key !== locale;
      variant.tab.setAttribute('aria-selected', String(key === locale));
      variant.tab.classList.toggle('primary', key === locale);
    }
  }

  function add(locale, values = {}) {
    if (variants.has(locale)) { select(locale); return; }
    const subject = h('input', { maxlength: 998, 'aria-label': `Subject (${locale})`, dataset: { locale } });
    const body = h('textarea', { rows: email ? 8 : 5, 'aria-label': `Message (${locale})`, dataset: { locale } });
    const label = h('input', { maxlength: 190, 'aria-label': `Button label (${locale})`, dataset: { locale } });
    subject.value = values.subject || '';
    body.value = values.body || '';
    label.value = values.label || '';
    const tab = h('button', { type: 'button', role: 'tab', class: 'locale-tab', dataset: { locale }, onclick: () => select(locale) }, locale);
    const remove = h('button', { type: 'button', class: 'link', onclick: () => {
      variants.delete(locale); tab.remove(); panel.remove();
      select(variants.keys().next().value ?? null);
      changed();
    } }, `Remove ${locale}`);
    const panel = h('div', { class: 'locale-panel', role: 'tabpanel', dataset: { locale } },
      email ? h('label', {}, 'Subject', subject) : null,
      h('label', {}, 'Message', body),
      email ? h('label', {}, `Button label (${locale})`, label) : null,
      remove);
    for (const control of [subject, body, label]) control.addEventListener('input', changed);
    variants.set(locale, { subject, body, label, tab, panel });
    tabs.append(tab);
    panels.append(panel);
    select(locale);
  }

  const keys = new Set([...Object.keys(c.body_i18n || {}), ...Object.keys(c.subject_i18n || {}), ...Object.keys(c.action_label_i18n || {})]);
  for (const locale of [...keys].sort()) {
    add(locale, { subject: c.subject_i18n?.[locale], body: c.body_i18n?.[locale], label: c.action_label_i18n?.[locale] });
  }

  const addButton = h('button', { type: 'button', id: id('add-locale'), onclick: () => {
    const locale = normalizeLocale(newLocale.value);
    if (!locale) { error.textContent = 'Type a language code like de, or a language and country like pt_BR.'; return; }
    error.textContent = '';
    newLocale.value = '';
    add(locale);
    changed();
  } }, 'Add language');

  function texts(part) {
    const result = {};
    for (const [locale, variant] of variants) {
      if (variant[part].value.trim() !== '') result[locale] = variant[part].value;
    }
    return result;
  }

  const element = h('details', { class: 'translations', id: id('translations'), open: keys.size > 0 || !!c.action_url },
    h('summary', {}, email ? 'Other languages and a button' : 'Other languages'),
    h('p', { class: 'muted' }, 'Customers whose booking language matches get their own version; everyone else gets the text above.'),
    h('div', { class: 'row' }, newLocale, addButton), error, tabs, panels,
    email ? h('div', { class: 'field', dataset: { field: `${fieldPrefix}action_url` } },
      h('label', { for: id('f-action-label') }, 'Button label (the text above)'), actionLabel,
      h('label', { for: id('f-action-url') }, 'Button link (https://…, may use {customer_email} and other codes)'), actionURL,
      h('div', { class: 'error-text', role: 'alert' })) : null);
  for (const control of [actionLabel, actionURL]) control.addEventListener('input', changed);

  return {
    element,
    value() {
      const data = { body_i18n: texts('body') };
      if (email) {
        data.subject_i18n = texts('subject');
        data.action_label_i18n = texts('label');
        data.action_label = actionLabel.value.trim() || null;
        data.action_url = actionURL.value.trim() || null;
        if (!data.action_label && !data.action_url) data.action_label_i18n = {};
      }
      return data;
    },
    onChange(fn) { listeners.push(fn); },
    setDisabled(flag) { for (const control of element.querySelectorAll('input, textarea, button')) control.disabled = flag; },
    get current() { return current; },
  };
}

/** A preview's `locales` in words: `Versions: de 12 · pt_BR 3 · base text 40`. */
export function describeLocales(locales) {
  if (!Array.isArray(locales) || locales.length === 0) return '';
  return 'Versions: ' + locales.map((l) => `${l.locale ?? 'base text'} ${l.count}`).join(' · ');
}

