import { api, download, query } from './api.js';
import { badge, formatDate, h, render } from './dom.js';

const STATUSES = ['pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped'];

export async function logsView(ctx, id) {
  const campaign = await api('GET', `/campaigns/${id}`);
  const state = { status: '', page: 1, run: campaign.run };
  const table = h('div');
  const message = h('div', { class: 'error-text', role: 'alert' });
  async function load() {
    const page = await api('GET', `/campaigns/${id}/logs${query({ status: state.status, page: state.page, per_page: 50, run: state.run })}`);
    render(table, page.items.length ? [h('div', { class: 'table-wrap' }, h('table', { id: 'logs-table' },
      h('thead', {}, h('tr', {}, ['Recipient', 'Address', 'Status', 'Attempts', 'Last error', 'Sent'].map((t) => h('th', {}, t)))),
      h('tbody', {}, page.items.map((row) => h('tr', {},
        h('td', {}, row.customer_id ? h('a', { href: `#/customers/${row.customer_id}` }, [row.first_name, row.last_name].filter(Boolean).join(' ') || `#${row.customer_id}`)
          : [row.first_name, row.last_name].filter(Boolean).join(' ') || '—'),
        h('td', {}, row.address), h('td', {}, badge(row.status)), h('td', {}, String(row.attempts)),
        h('td', {}, row.last_error || ''), h('td', {}, formatDate(row.sent_at))))))),
      h('div', { class: 'row' },
        h('button', { type: 'button', disabled: state.page <= 1, onclick: () => { state.page -= 1; load(); } }, 'Previous'),
        h('span', { class: 'muted' }, `${page.total} rows · page ${page.page} of ${Math.max(1, Math.ceil(page.total / page.per_page))}`),
        h('button', { type: 'button', disabled: page.page * page.per_page >= page.total, onclick: () => { state.page += 1; load(); } }, 'Next'))]
      : h('div', { class: 'empty' }, state.status ? `No ${state.status} rows.` : 'No rows in this run yet.'));
  }
  const statusSelect = h('select', { 'aria-label': 'Status', onchange: (e) => { state.status = e.target.value; state.page = 1; load(); } },
    h('option', { value: '' }, 'All statuses'), STATUSES.map((s) => h('option', { value: s }, s)));
  const runSelect = campaign.run > 1 ? h('select', { 'aria-label': 'Run', onchange: (e) => { state.run = Number(e.target.value); state.page = 1; load(); } },
    Array.from({ length: campaign.run }, (_, i) => campaign.run - i).map((r) => h('option', { value: r }, `Run ${r}`))) : null;
  render(ctx.view,
    h('div', { class: 'row' }, h('h1', {}, `Logs · ${campaign.name}`), h('span', { class: 'spacer' }),
      h('button', { type: 'button', id: 'csv-download', onclick: async () => {
        try { await download(`/campaigns/${id}/logs.csv?limit=all`, `campaign-${id}-logs.csv`); } catch (error) { message.textContent = error.message; }
      } }, 'Download CSV'),
      h('a', { href: `#/campaigns/${id}` }, 'Progress'), h('a', { href: `#/campaigns/${id}/results` }, 'Results')),
    h('div', { class: 'row' }, statusSelect, runSelect), message, table);
  await load();
}
