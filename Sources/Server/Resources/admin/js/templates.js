import { api, query } from './api.js';
import { field, h, render, showError } from './dom.js';

export async function templatesView(ctx) {
  const list = h('div');
  const name = h('input', { name: 'name', maxlength: 190 });
  const subject = h('input', { name: 'subject' });
  const body = h('textarea', { name: 'body', rows: 6 });
  let editing = null;
  const title = h('h2', {}, 'New template');
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const data = { channel: ctx.channel, name: name.value, body: body.value };
    if (ctx.channel === 'email') data.subject = subject.value;
    try {
      if (editing) await api('PUT', `/templates/${editing}`, data); else await api('POST', '/templates', data);
      editing = null; name.value = ''; subject.value = ''; body.value = ''; render(title, 'New template');
      showError(form, null);
      load();
    } catch (error) { showError(form, error); }
  } }, title, field('Name', name, 'name'), ctx.channel === 'email' ? field('Subject', subject, 'subject') : null,
  field('Body', body, 'body'), h('div', { class: 'form-error error-text' }), h('button', { class: 'primary', type: 'submit' }, 'Save template'));
  async function load() {
    const page = await api('GET', `/templates${query({ channel: ctx.channel, per_page: 100 })}`);
    render(list, h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Message', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, page.items.map((t) => h('tr', {},
        h('td', {}, t.name, t.is_builtin ? h('div', { class: 'muted' }, 'built-in') : null),
        h('td', {}, t.subject ? h('strong', {}, t.subject) : null, h('div', { class: 'preview-message' }, t.body)),
        h('td', { class: 'row' }, t.is_builtin ? null : [
          h('button', { type: 'button', onclick: () => {
            editing = t.id; name.value = t.name; subject.value = t.subject || ''; body.value = t.body; render(title, `Edit “${t.name}”`); name.focus();
          } }, 'Edit'),
          h('button', { type: 'button', class: 'danger', onclick: async () => {
            if (!confirm(`Delete the template "${t.name}"?`)) return;
            await api('DELETE', `/templates/${t.id}`); load();
          } }, 'Delete')])))))));
  }
  render(ctx.view, h('h1', {}, 'Templates'), list, form);
  await load();
}
