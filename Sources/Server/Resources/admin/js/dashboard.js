import { api, query } from './api.js';
import { badge, channelLabel, formatMoney, formatNumber, formatPercent, h, knownCurrency, rememberCurrency, render } from './dom.js';
import { dailyChart } from './chart.js';
import { deliveryReportNote } from './progress.js';

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
  rememberCurrency(data.currency);
  const currency = data.currency || knownCurrency();
  const reportNote = deliveryReportNote(ctx.me, ctx.channel);
  const stat = (value, label, key, detail) => h('div', { class: 'stat', dataset: { stat: key } }, h('div', { class: 'value' }, value),
    h('div', { class: 'label' }, label), detail ? h('div', { class: 'detail' }, detail) : null);
  render(ctx.view,
    h('div', { class: 'row' }, h('h1', {}, `${channelLabel(ctx.channel)} dashboard`), h('span', { class: 'spacer' }),
      ctx.can('create') ? h('a', { href: '#/campaigns/new' }, h('button', { class: 'primary', type: 'button' }, 'New campaign')) : null),
    h('div', { class: 'grid' },
      stat(formatNumber(c.total), 'campaigns', 'campaigns'), stat(formatNumber(m.sent), 'messages went out', 'sent'),
      m.delivered || !reportNote ? stat(formatNumber(m.delivered), 'confirmed delivered', 'delivered') : null,
      stat(formatNumber(m.failed), 'failed', 'failed'),
      stat(formatNumber(m.pending), 'waiting to go out', 'pending'),
      series ? stat(formatNumber(bookings), 'bookings brought (30 days)', 'bookings') : null,
      series ? stat(formatMoney(revenue, currency), 'revenue brought (30 days)', 'revenue') : null),
    !m.delivered && m.sent && reportNote ? h('p', { class: 'muted', id: 'delivery-note' }, reportNote) : null,
    h('div', { class: 'card chart' }, h('h2', {}, 'Last 30 days'),
      days.length ? dailyChart(days) : h('p', { class: 'muted' }, 'No messages yet.'),
      h('p', { class: 'muted' }, `Bars: messages that went out (failed in red on top)${series ? '; line: bookings they brought' : ''}. Point at a day for its figures. Days in ${data.timezone || 'UTC'}.`)),
    h('h2', {}, 'Recent campaigns'),
    recent.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, [['Name', 'name'], ['Status'], ['Went out', 'num'], ['Clicked a link', 'num'], ['Bookings', 'num'],
        ['Booked after a click', 'num'], ['Revenue', 'num'], ['Conversion', 'num']]
        .map(([t, cls]) => h('th', { class: cls, scope: 'col' }, t)))),
      h('tbody', {}, recent.map((item) => h('tr', { dataset: { campaign: String(item.id) } },
        h('td', { class: 'name' }, h('a', { href: `#/campaigns/${item.id}`, title: item.name, class: 'campaign-name' }, item.name)),
        h('td', {}, badge(item.status)),
        h('td', { class: 'num' }, formatNumber((item.counters?.sent || 0) + (item.counters?.delivered || 0) + (item.counters?.undelivered || 0))),
        h('td', { class: 'num', dataset: { engagement: 'clicked' } }, '…'),
        h('td', { class: 'num' }, item.results ? formatNumber(item.results.bookings) : '—'),
        h('td', { class: 'num', dataset: { engagement: 'direct' } }, '…'),
        h('td', { class: 'num' }, item.results ? formatMoney(item.results.revenue, currency) : '—'),
        h('td', { class: 'num' }, item.results ? formatPercent(item.results.conversion_rate) : '—'))))))
      : h('div', { class: 'empty' }, 'No campaigns yet. ', ctx.can('create') ? h('a', { href: '#/campaigns/new' }, 'Create your first campaign') : ''));
  await engagement(ctx, recent, currency);
}

/**
 * Each recent campaign's clicks and the bookings made after a click (DESIGN §18: the results
 * answer's `clicked` and `direct`), filled in once the table shows: one results request per
 * campaign with results (five at most), for callers who may read the channel's logs; '—' otherwise.
 */
async function engagement(ctx, recent, currency) {
  await Promise.all(recent.map(async (item) => {
    const row = ctx.view.querySelector(`tr[data-campaign="${CSS.escape(String(item.id))}"]`);
    if (!row) return;
    const clicked = row.querySelector('[data-engagement=clicked]');
    const direct = row.querySelector('[data-engagement=direct]');
    // A campaign without results yet (a draft) has nothing to count, like its bookings cell.
    const r = item.results && ctx.can('logs', item.channel) ? await api('GET', `/campaigns/${item.id}/results`).catch(() => null) : null;
    render(clicked, r && r.clicked !== undefined ? formatNumber(r.clicked) : '—');
    render(direct, r?.direct ? `${formatNumber(r.direct.bookings)} · ${formatMoney(r.direct.revenue, r.currency || currency)}` : '—');
    if (r?.direct) direct.title = `${formatNumber(r.direct.bookings)} of ${formatNumber(r.bookings)} bookings were made after the customer clicked a link in the message`;
  }));
}
