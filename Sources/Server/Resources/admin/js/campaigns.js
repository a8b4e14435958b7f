import { api, query } from './api.js';
import { badge, debounce, formatMoney, formatNumber, formatPercent, h, render } from './dom.js';
import { describeCron } from './cron.js';

/** Which actions a campaign in `status` offers (the API still decides). */
export function actionsFor(campaign, ctx) {
  const s = campaign.status;
  const manual = campaign.kind === 'manual';
  const list = [];
  if (ctx.can('create') && !manual && ['draft', 'scheduled', 'paused', 'failed', 'cancelled'].includes(s)) list.push('edit');
  if (ctx.can('create') && !manual) list.push('duplicate');
  if (ctx.can('send') && s === 'draft') list.push('send');
  if (ctx.can('send') && ['queued', 'sending'].includes(s)) list.push('pause');
  if (ctx.can('send') && s === 'paused') list.push('resume');
  if (ctx.can('send') && ['scheduled', 'queued', 'sending', 'paused'].includes(s)) list.push('cancel');
  if (ctx.can('delete') && !['queued', 'sending'].includes(s)) list.push('delete');
  return list;
}

const LABELS = { edit: 'Edit', duplicate: 'Duplicate', send: 'Send', pause: 'Pause', resume: 'Resume', cancel: 'Cancel', delete: 'Delete' };

/** Runs an action; answers the campaign afterwards (null when deleted). */
export async function runAction(action, campaign, ctx) {
  if (action === 'edit') { ctx.navigate(`#/campaigns/${campaign.id}/edit`); return campaign; }
  if (action === 'delete') {
    if (!confirm(`Delete "${campaign.name}"? Its logs are deleted too.`)) return campaign;
    await api('DELETE', `/campaigns/${campaign.id}`);
    return null;
  }
  if (action === 'cancel' && !confirm(`Cancel "${campaign.name}"? Messages not sent yet are skipped.`)) return campaign;
  const answer = await api('POST', `/campaigns/${campaign.id}/${action}`);
  if (action === 'duplicate') { ctx.navigate(`#/campaigns/${answer.id}/edit`); return answer; }
  if (action === 'send' || action === 'resume') ctx.navigate(`#/campaigns/${campaign.id}`);
  return answer;
}

export async function campaignsView(ctx) {
  const filters = { q: '', kind: '', page: 1 };
  const table = h('div');
  const message = h('div', { class: 'error-text', role: 'alert' });
  async function load() {
    const page = await api('GET', `/campaigns${query({ channel: ctx.channel, q: filters.q, kind: filters.kind, page: filters.page, per_page: 20 })}`);
    if (!page.items.length) {
      render(table, h('div', { class: 'empty' }, filters.q || filters.kind ? 'No campaign matches.' :
        ['No campaigns yet. ', ctx.can('create') ? h('a', { href: '#/campaigns/new' }, 'Create one') : '']));
      return;
    }
    render(table, h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Recipients', 'Sent', 'Failed', 'Bookings', 'Revenue', 'Conversion', 'Actions'].map((t) => h('th', {}, t)))),
      h('tbody', {}, page.items.map((c) => h('tr', { dataset: { campaign: c.id } },
        h('td', {}, h('a', { href: `#/campaigns/${c.id}` }, c.name), c.kind === 'manual' ? h('div', { class: 'muted' }, 'manual send') : null,
          c.recurrence ? h('div', { class: 'muted' }, describeCron(c.recurrence)) : null),
        h('td', {}, badge(c.status), c.status_reason ? h('div', { class: 'muted' }, c.status_reason.replaceAll('_', ' ')) : null),
        h('td', {}, formatNumber(c.counters.total)), h('td', {}, formatNumber(c.counters.sent + c.counters.delivered)),
        h('td', {}, formatNumber(c.counters.failed)),
        h('td', {}, c.results ? formatNumber(c.results.bookings) : '—'),
        h('td', {}, c.results ? formatMoney(c.results.revenue) : '—'),
        h('td', {}, c.results ? formatPercent(c.results.conversion_rate) : '—'),
        h('td', { class: 'row' },
          actionsFor(c, ctx).map((action) => h('button', {
            type: 'button', class: action === 'delete' ? 'danger' : null, dataset: { action },
            onclick: async () => {
              try { await runAction(action, c, ctx); await load(); } catch (error) { message.textContent = error.message; }
            },
          }, LABELS[action])),
          c.run > 0 ? h('a', { href: `#/campaigns/${c.id}` }, 'Progress') : null,
          c.run > 0 && ctx.can('logs') ? h('a', { href: `#/campaigns/${c.id}/logs` }, 'Logs') : null,
          c.run > 0 && ctx.can('logs') ? h('a', { href: `#/campaigns/${c.id}/results` }, 'Results') : null)))))),
      page.total > page.per_page ? h('div', { class: 'row' },
        h('button', { type: 'button', disabled: filters.page <= 1, onclick: () => { filters.page -= 1; load(); } }, 'Previous'),
        h('span', { class: 'muted' }, `Page ${page.page} of ${Math.ceil(page.total / page.per_page)}`),
        h('button', { type: 'button', disabled: page.page * page.per_page >= page.total, onclick: () => { filters.page += 1; load(); } }, 'Next'))
        : null);
  }
  const search = h('input', { type: 'search', placeholder: 'Search by name', 'aria-label': 'Search campaigns',
    oninput: debounce((event) => { filters.q = event.target.value; filters.page = 1; load(); }, 300) });
  const kind = h('select', { 'aria-label': 'Kind', onchange: (event) => { filters.kind = event.target.value; filters.page = 1; load(); } },
    h('option', { value: '' }, 'All kinds'), h('option', { value: 'campaign' }, 'Campaigns'), h('option', { value: 'manual' }, 'Manual sends'));
  render(ctx.view,
    h('div', { class: 'row' }, h('h1', {}, 'Campaigns'), h('span', { class: 'spacer' }),
      ctx.can('create') ? h('a', { href: '#/campaigns/new' }, h('button', { class: 'primary', type: 'button' }, 'New campaign')) : null),
    h('div', { class: 'row' }, search, kind), message, table);
  await load();
  const timer = setInterval(() => load().catch(() => {}), 5000);
  ctx.onLeave(() => clearInterval(timer));
}
