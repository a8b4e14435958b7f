import { api, query } from './api.js';
import { badge, channelLabel, formatDate, h, render } from './dom.js';

export async function customerView(ctx, id) {
  const page = await api('GET', `/customers/${id}/messages${query({ per_page: 100 })}`);
  render(ctx.view, h('h1', {}, `Messages to customer #${id}`),
    page.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Sent', 'Campaign', 'Channel', 'Address', 'Status', 'Error'].map((t) => h('th', {}, t)))),
      h('tbody', {}, page.items.map((m) => h('tr', {}, h('td', {}, formatDate(m.sent_at)),
        h('td', {}, h('a', { href: `#/campaigns/${m.campaign_id}` }, m.campaign_name), m.kind === 'manual' ? h('div', { class: 'muted' }, 'manual send') : null),
        h('td', {}, channelLabel(m.channel)), h('td', {}, m.address), h('td', {}, badge(m.status)), h('td', {}, m.last_error || ''))))))
      : h('div', { class: 'empty' }, 'No messages to this customer yet.'));
}
