import { api, query } from './api.js';
import { badge, channelLabel, formatMoney, formatNumber, formatPercent, h, render } from './dom.js';
import { dailyChart } from './chart.js';

export async function dashboardView(ctx) {
  const data = await api('GET', `/dashboard${query({ channel: ctx.channel })}`);
  const c = data.campaigns || {};
  const m = data.messages || {};
  const recent = data.recent || [];
  const series = data.bookings_daily;
  const bookings = series ? series.reduce((sum, d) => sum + d.bookings, 0) : null;
  const revenue = series ? series.reduce((sum, d) => sum + d.revenue, 0) : null;
  const byDate = new Map((data.bookings_daily || []).map((d) => [d.date, d.bookings]));
  const days = (data.daily || []).map((d) => ({ ...d, bookings: byDate.has(d.date) ? byDate.get(d.date) : undefined }));
  const stat = (value, label) => h('div', { class: 'stat' }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
  render(ctx.view,
    h('div', { class: 'row' }, h('h1', {}, `${channelLabel(ctx.channel)} dashboard`), h('span', { class: 'spacer' }),
      ctx.can('create') ? h('a', { href: '#/campaigns/new' }, h('button', { class: 'primary', type: 'button' }, 'New campaign')) : null),
    h('div', { class: 'grid' },
      stat(formatNumber(c.total), 'campaigns'), stat(formatNumber(m.sent), 'messages sent'),
      stat(formatNumber(m.delivered), 'delivered'), stat(formatNumber(m.failed), 'failed'),
      stat(formatNumber(m.pending), 'pending'),
      series ? stat(formatNumber(bookings), 'bookings brought (30 days)') : null,
      series ? stat(formatMoney(revenue, data.currency), 'revenue brought (30 days)') : null),
    h('div', { class: 'card chart' }, h('h2', {}, 'Last 30 days'),
      days.length ? dailyChart(days) : h('p', { class: 'muted' }, 'No messages yet.'),
      h('p', { class: 'muted' }, `Bars: messages sent (failed on top)${series ? '; line: bookings they brought' : ''}. Days in ${data.timezone || 'UTC'}.`)),
    h('h2', {}, 'Recent campaigns'),
    recent.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Sent', 'Bookings', 'Revenue', 'Conversion'].map((t) => h('th', {}, t)))),
      h('tbody', {}, recent.map((item) => h('tr', {},
        h('td', {}, h('a', { href: `#/campaigns/${item.id}` }, item.name)),
        h('td', {}, badge(item.status)),
        h('td', {}, formatNumber(item.counters?.sent)),
        h('td', {}, item.results ? formatNumber(item.results.bookings) : '—'),
        h('td', {}, item.results ? formatMoney(item.results.revenue, data.currency) : '—'),
        h('td', {}, item.results ? formatPercent(item.results.conversion_rate) : '—'))))))
      : h('div', { class: 'empty' }, 'No campaigns yet. ', ctx.can('create') ? h('a', { href: '#/campaigns/new' }, 'Create your first campaign') : ''));
}
