import { api, query } from './api.js';
import { formatMoney, formatNumber, formatPercent, h, render } from './dom.js';
import { dailyChart } from './chart.js';

export async function resultsView(ctx, id) {
  const campaign = await api('GET', `/campaigns/${id}`);
  const r = await api('GET', `/campaigns/${id}/results${query({})}`);
  const stat = (value, label, key) => h('div', { class: 'stat', dataset: { result: key } }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
  const holdout = r.holdout;
  render(ctx.view,
    h('div', { class: 'row' }, h('h1', {}, `Results · ${campaign.name}`), h('span', { class: 'spacer' }),
      h('a', { href: `#/campaigns/${id}/logs` }, 'Logs')),
    h('p', { class: 'muted' }, `A booking counts when a messaged customer books within ${r.attribution_days} days of the message `
      + 'and this campaign sent their latest message before it (last touch). Cancelled and rejected bookings do not count.'),
    h('div', { class: 'grid' },
      stat(formatNumber(r.messaged), 'customers messaged', 'messaged'), stat(formatNumber(r.booked_customers), 'of them booked', 'booked'),
      stat(formatNumber(r.bookings), 'bookings', 'bookings'), stat(formatMoney(r.revenue, r.currency), 'revenue', 'revenue'),
      stat(formatPercent(r.conversion_rate), 'conversion', 'conversion'),
      stat(formatNumber(r.clicked ?? 0), 'clicked a link', 'clicked'),
      stat(formatNumber(r.direct?.bookings ?? 0), 'booked after clicking', 'direct')),
    r.direct ? h('p', { class: 'muted', id: 'direct-note' }, `${formatNumber(r.direct.bookings)} of the ${formatNumber(r.bookings)} bookings `
      + `(${formatMoney(r.direct.revenue, r.currency)}) were made after the customer clicked a link in the message; `
      + `the other ${formatNumber(Math.max(0, r.bookings - r.direct.bookings))} came without a click.`) : null,
    holdout ? h('div', { class: 'card', id: 'holdout' }, h('h2', {}, 'Compared with the holdout group'),
      h('p', {}, `${formatNumber(holdout.customers)} customers were held out (not messaged); ${formatNumber(holdout.booked_customers)} of them booked anyway `
        + `(${formatPercent(holdout.conversion_rate)}), against ${formatPercent(r.conversion_rate)} of those messaged.`),
      h('p', {}, h('strong', {}, holdout.lift === null ? 'Lift: not measurable yet (nobody in the holdout group booked).'
        : `Lift: ${holdout.lift >= 0 ? '+' : ''}${(holdout.lift * 100).toFixed(1)} %`)),
      holdout.meaningful ? null : h('p', { class: 'muted' }, holdout.note || 'Not yet meaningful.')) : null,
    r.daily.length ? h('div', { class: 'card chart' }, h('h2', {}, 'Bookings per day'),
      // The results answer has bookings and revenue per day (no message counts): the tooltip says those.
      dailyChart(r.daily.map((d) => ({ date: d.date, bookings: d.bookings, revenue: d.revenue })), {
        title: 'Bookings per day', bookingBars: true,
        describe: (d) => `${new Date(`${d.date}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })}: `
          + `${d.bookings || 0} booking${d.bookings === 1 ? '' : 's'}, ${formatMoney(d.revenue || 0, r.currency)}`,
      }),
      h('p', { class: 'muted' }, `Bars: bookings this campaign brought, by the day they were made (days in ${r.timezone}).`))
      : h('div', { class: 'empty' }, 'No messages went out yet, so there is nothing to count.'),
    r.runs.length > 1 ? [h('h2', {}, 'Per run'), h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Run', 'Messaged', 'Booked', 'Bookings', 'Revenue', 'Conversion'].map((t) => h('th', {}, t)))),
      h('tbody', {}, r.runs.map((run) => h('tr', {}, h('td', {}, String(run.run)), h('td', {}, formatNumber(run.messaged)),
        h('td', {}, formatNumber(run.booked_customers)), h('td', {}, formatNumber(run.bookings)),
        h('td', {}, formatMoney(run.revenue, r.currency)), h('td', {}, formatPercent(run.conversion_rate)))))))] : null);
}
