// Message templates: a list, and a form that uses the email editor for email and the SMS
// counter with a customer-detail inserter for text messages.
import { translationFields } from './translations.js';
import { api, query } from './api.js';
import { field, h, render, showError } from './dom.js';
import { shortcodeMenu } from './pickers.js';
import { emailEditor, insertIntoTextarea, looksLikeHTML } from './email-editor.js';
import { smsInfo } from './sms.js';

/** The words of a body, without its HTML (for the list). */
function excerpt(body) {
  const spaced = String(body || '').replace(/<(br|\/p|\/div|\/h\d|\/li|\/tr|\/td)\b[^>]*>/gi, '$& ');
  const text = looksLikeHTML(body) ? (new DOMParser().parseFromString(spaced, 'text/html').body.textContent || '') : body;
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > 220 ? `${clean.slice(0, 220)}…` : clean;
}

export async function templatesView(ctx) {
  const email = ctx.channel === 'email';
  const list = h('div');
  const name = h('input', { name: 'name', maxlength: 190 });
  const subject = h('input', { name: 'subject' });
  const body = h('textarea', { name: 'body', rows: 6 });
  const editor = email ? emailEditor(body) : null;
  const counter = h('div', { class: 'muted', id: 'template-sms-counter' });
  const updateCounter = () => {
    if (email) return;
    const info = smsInfo(body.value);
    render(counter, `${info.units} characters · ${info.segments} SMS segment${info.segments === 1 ? '' : 's'} per message, before names are filled in`);
  };
  body.addEventListener('input', updateCounter);
  let editing = null;
  // Other languages and the email button (DESIGN §15), rebuilt for each template edited.
  const translationSlot = h('div', { id: 'template-translations' });
  let translations = null;
  const setTranslations = (t) => { translations = translationFields(t || {}, ctx.channel); render(translationSlot, translations.element); };
  setTranslations(null);
  const title = h('h2', {}, 'New template');
  const setBody = (value) => { if (editor) editor.setValue(value); else { body.value = value; updateCounter(); } };
  const cancel = h('button', { type: 'button', hidden: true, onclick: () => reset() }, 'Cancel');
  function reset() {
    editing = null; name.value = ''; subject.value = ''; setBody(''); render(title, 'New template'); cancel.hidden = true;
    setTranslations(null);
  }
  const form = h('form', { class: 'card template-form', onsubmit: async (event) => {
    event.preventDefault();
    const data = { channel: ctx.channel, name: name.value, body: body.value };
    if (email) data.subject = subject.value;
    Object.assign(data, translations.value());
    try {
      if (editing) await api('PUT', `/templates/${editing}`, data); else await api('POST', '/templates', data);
      reset();
      showError(form, null);
      load();
    } catch (error) { showError(form, error); }
  } }, title, field('Name', name, 'name'),
  email ? h('div', { class: 'field', dataset: { field: 'subject' } }, h('label', { for: 'template-subject' }, 'Subject'),
    h('div', { class: 'row subject-row' }, Object.assign(subject, { id: 'template-subject' }), shortcodeMenu((code) => insertIntoTextarea(subject, code))),
    h('div', { class: 'error-text', role: 'alert' })) : null,
  email ? h('div', { class: 'field', dataset: { field: 'body' } }, h('div', { class: 'label' }, 'Message'), editor.element, h('div', { class: 'error-text', role: 'alert' }))
    : [field('Message', body, 'body'), shortcodeMenu((code) => insertIntoTextarea(body, code)), counter],
  translationSlot,
  h('div', { class: 'form-error error-text' }), h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, 'Save template'), cancel));
  async function load() {
    const page = await api('GET', `/templates${query({ channel: ctx.channel, per_page: 100 })}`);
    render(list, h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Message', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, page.items.map((t) => h('tr', {},
        h('td', {}, t.name, t.is_builtin ? h('div', { class: 'muted' }, 'built-in') : null),
        h('td', {}, t.subject ? h('strong', {}, t.subject) : null, h('div', { class: 'preview-message' }, email ? excerpt(t.body) : t.body)),
        h('td', { class: 'row' }, t.is_builtin ? null : [
          h('button', { type: 'button', onclick: () => {
            editing = t.id; name.value = t.name; subject.value = t.subject || ''; setBody(t.body); setTranslations(t); render(title, `Edit “${t.name}”`);
            cancel.hidden = false; name.focus();
          } }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: async () => {
            if (!confirm(`Delete the template "${t.name}"?`)) return;
            await api('DELETE', `/templates/${t.id}`); load();
          } }, 'Delete')])))))));
  }
  render(ctx.view, h('h1', {}, 'Templates'), list, form);
  updateCounter();
  await load();
}
