import { action, api, query } from './api.js';
import { debounce, field, formatDate, h, render, showError, whileBusy } from './dom.js';

const SOURCES = { manual: 'Added by hand', import: 'Imported', stop_reply: 'Replied STOP', unsubscribe: 'Unsubscribe link', provider: 'Refused by the network' };

export async function suppressionsView(ctx) {
  const state = { q: '', page: 1 };
  const list = h('div');
  const total = h('span', { class: 'muted', id: 'suppression-total' });
  async function load() {
    const page = await api('GET', `/suppressions${query({ channel: ctx.channel, q: state.q, page: state.page, per_page: 50 })}`);
    render(total, `${page.total} ${page.total === 1 ? 'address' : 'addresses'} never messaged`);
    render(list, page.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Address', 'Reason', 'How it got here', 'Added', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((s) => h('tr', {}, h('td', {}, s.address), h('td', {}, s.reason || ''), h('td', {}, SOURCES[s.source] || s.source),
        h('td', {}, formatDate(s.created_at)),
        h('td', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!confirm(`Remove ${s.address} from the suppression list? They may be messaged again.`)) return;
          await api('DELETE', `/suppressions/${s.id}`);
          load();
        } }, 'Remove')))))))
      : h('div', { class: 'empty' }, state.q ? 'No address matches.' : 'Nobody is suppressed on this channel. Addresses that reply STOP or unsubscribe appear here.'));
  }
  const adding = action();
  const importing = action();
  const address = h('input', { name: 'address', placeholder: ctx.channel === 'email' ? 'name@example.com' : '+447700900123' });
  const reason = h('input', { name: 'reason', placeholder: 'e.g. asked by phone' });
  const addForm = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const body = { channel: ctx.channel, address: address.value, reason: reason.value || null };
      await whileBusy(event.submitter, 'Adding…', () => adding.run((key) => api('POST', '/suppressions', body, { idempotencyKey: key('add', body) })));
      address.value = '';
      showError(addForm, null);
      load();
    } catch (error) { showError(addForm, error); }
  } }, h('h2', {}, 'Add an address'), field('Address', address, 'address'), field('Reason', reason, 'reason'),
  h('div', { class: 'form-error error-text' }), h('button', { class: 'primary', type: 'submit' }, 'Add'));
  const csv = h('textarea', { name: 'csv', rows: 4, placeholder: 'One address per line (a CSV export works too)' });
  const report = h('p', { id: 'import-report' });
  const importForm = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const body = { channel: ctx.channel, csv: csv.value, reason: 'import' };
      const answer = await whileBusy(event.submitter, 'Importing…', () => importing.run((key) => api('POST', '/suppressions', body, { idempotencyKey: key('import', body) })));
      render(report, `${answer.accepted} added, ${answer.duplicates} already listed`, answer.invalid.length ? `, ${answer.invalid.length} not valid: ${answer.invalid.slice(0, 5).join(', ')}` : '');
      load();
    } catch (error) { showError(importForm, error); }
  } }, h('h2', {}, 'Import'), field('Addresses', csv, 'csv'), h('div', { class: 'form-error error-text' }),
  h('button', { type: 'submit' }, 'Import'), report);
  render(ctx.view, h('div', { class: 'row' }, h('h1', {}, 'Suppression list'), total),
    h('p', { class: 'muted' }, 'Nobody on this list gets a campaign or manual message on this channel, whatever the audience says.'),
    h('input', { type: 'search', placeholder: 'Search', 'aria-label': 'Search suppressions',
      oninput: debounce((e) => { state.q = e.target.value; state.page = 1; load(); }, 300) }),
    list, h('div', { class: 'two' }, addForm, importForm));
  await load();
}
