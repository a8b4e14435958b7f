import { api, download, query } from './api.js';
import { badge, formatDate, formatWhen, h, render } from './dom.js';
import { rememberCustomerName } from './customer.js';

const STATUSES = [['pending', 'Waiting to go out'], ['sending', 'Going out now'], ['sent', 'Went out'], ['delivered', 'Delivered'],
  ['undelivered', 'Not delivered'], ['failed', 'Failed'], ['skipped', 'Skipped']];

/** A log row's last_error (or hold) as words a salon owner reads. */
export function rowNote(row) {
  const held = row.held_until || (row.last_error === 'quiet_hours' && row.status === 'pending' ? row.next_attempt_at : null);
  if (held) return `Held until ${formatWhen(held)} (quiet hours in their time zone)`;
  const error = row.last_error;
  if (!error) return row.status === 'pending' && row.next_attempt_at ? `Next try ${formatWhen(row.next_attempt_at)}` : '';
  const words = {
    quiet_hours: 'Held by quiet hours', suppressed: 'On the suppression list (unsubscribed or asked not to be messaged)',
    cancelled: 'Not sent: the campaign was cancelled', frequency_cap: 'Not sent: already messaged often enough lately (frequency cap)',
    holdout: 'Held out on purpose to measure the campaign', provider_not_configured: 'Sending is not set up for this channel',
    interrupted: 'Interrupted while sending; not retried so nobody gets it twice', invalid_address: 'Not a valid address',
    quota_exhausted: 'The plan\'s SMS for the month are used up',
  };
  if (words[error]) return words[error];
  if (/^\d{4,5}$/.test(error)) return `Refused by the phone network (code ${error})`;
  return error.replaceAll('_', ' ');
}

export async function logsView(ctx, id) {
  const campaign = await api('GET', `/campaigns/${id}`);
  const state = { status: '', page: 1, run: campaign.run };
  const table = h('div');
  const message = h('div', { class: 'error-text', role: 'alert' });
  async function load() {
    const page = await api('GET', `/campaigns/${id}/logs${query({ status: state.status, page: state.page, per_page: 50, run: state.run })}`);
    render(table, page.items.length ? [h('div', { class: 'table-wrap' }, h('table', { id: 'logs-table' },
      h('thead', {}, h('tr', {}, ['Recipient', 'Address', 'Status', 'Attempts', 'Note', 'Went out', 'Clicks', 'Opened*'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((row) => {
        const name = [row.first_name, row.last_name].filter(Boolean).join(' ') || 'No name on file';
        return h('tr', { dataset: { status: row.status } },
          h('td', {}, row.customer_id ? h('a', { href: `#/customers/${row.customer_id}`, onclick: () => rememberCustomerName(row.customer_id, name) }, name) : name),
          h('td', { class: 'nowrap' }, row.address), h('td', {}, badge(row.status)), h('td', { class: 'num' }, String(row.attempts)),
          h('td', { class: 'log-note' }, rowNote(row)), h('td', { class: 'nowrap' }, formatDate(row.sent_at)),
          h('td', { class: 'num', dataset: { clicks: String(row.clicks ?? 0) }, title: row.clicked_at ? `First click ${formatWhen(row.clicked_at)}` : '' },
            String(row.clicks ?? 0)),
          h('td', { class: 'nowrap' }, row.opened_at ? formatDate(row.opened_at) : ''));
      })))),
      h('div', { class: 'row' },
        h('button', { type: 'button', disabled: state.page <= 1, onclick: () => { state.page -= 1; load(); } }, 'Previous'),
        h('span', { class: 'muted' }, `${page.total} recipients · page ${page.page} of ${Math.max(1, Math.ceil(page.total / page.per_page))}`),
        h('button', { type: 'button', disabled: page.page * page.per_page >= page.total, onclick: () => { state.page += 1; load(); } }, 'Next'))]
      : h('div', { class: 'empty' }, state.status ? 'Nobody with this status.' : 'Nobody in this run yet.'));
  }
  const statusSelect = h('select', { 'aria-label': 'Status', onchange: (e) => { state.status = e.target.value; state.page = 1; load(); } },
    h('option', { value: '' }, 'All statuses'), STATUSES.map(([value, label]) => h('option', { value }, label)));
  const runSelect = campaign.run > 1 ? h('select', { 'aria-label': 'Run', onchange: (e) => { state.run = Number(e.target.value); state.page = 1; load(); } },
    Array.from({ length: campaign.run }, (_, i) => campaign.run - i).map((r) => h('option', { value: r }, `Run ${r}`))) : null;
  render(ctx.view,
    h('div', { class: 'row' }, h('h1', {}, `Logs · ${campaign.name}`), h('span', { class: 'spacer' }),
      h('button', { type: 'button', id: 'csv-download', onclick: async () => {
        try { await download(`/campaigns/${id}/logs.csv?limit=all`, `campaign-${id}-logs.csv`); } catch (error) { message.textContent = error.message; }
      } }, 'Download CSV'),
      h('a', { href: `#/campaigns/${id}` }, 'Progress'), h('a', { href: `#/campaigns/${id}/results` }, 'Results')),
    h('div', { class: 'row' }, statusSelect, runSelect), message, table,
    h('p', { class: 'muted' }, '* Opens are indicative: some mail apps load images for every email, others never do.'));
  await load();
}
