import { action as userAction, api, query } from './api.js';
import { badge, debounce, formatMoney, formatNumber, formatPercent, h, knownCurrency, rememberCurrency, render, whileBusy } from './dom.js';
import { describeCron } from './cron.js';
import { confirmSend } from './confirm.js';

/** Which actions a campaign in `status` offers (the API still decides). */
export function actionsFor(campaign, ctx) {
  // A broadcast's campaign is sent, paused, changed and deleted with its broadcast (DESIGN §14).
  if (campaign.broadcast_id) return [];
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
const BUSY = { duplicate: 'Copying…', send: 'Sending…', pause: 'Pausing…', resume: 'Resuming…', cancel: 'Cancelling…', delete: 'Deleting…' };

/** Whether the campaign waits for a time in the future (its Send button schedules). */
export function schedules(campaign) {
  return !!campaign.scheduled_at && new Date(campaign.scheduled_at).getTime() > Date.now();
}

export function actionLabel(action, campaign) {
  return action === 'send' && schedules(campaign) ? 'Schedule' : LABELS[action];
}

// One in-flight request and one Idempotency-Key per campaign and action (DESIGN §21).
const running = new Map();
function actionFor(name, campaign) {
  const id = `${name}:${campaign.id}`;
  if (!running.has(id)) running.set(id, userAction());
  return running.get(id);
}

/**
 * Runs an action; answers the campaign afterwards (null when deleted). Sending asks first with
 * the figures; `button` (optional) shows that the request runs.
 */
export async function runAction(action, campaign, ctx, button = null) {
  if (action === 'edit') { ctx.navigate(`#/campaigns/${campaign.id}/edit`); return campaign; }
  const act = actionFor(action, campaign);
  if (act.running) return campaign;
  if (action === 'delete') {
    if (!confirm(`Delete "${campaign.name}"? Its logs are deleted too.`)) return campaign;
    await whileBusy(button, BUSY.delete, () => act.run(() => api('DELETE', `/campaigns/${campaign.id}`)));
    return null;
  }
  if (action === 'cancel' && !confirm(`Cancel "${campaign.name}"? Messages not sent yet are skipped.`)) return campaign;
  if (action === 'send') {
    // The list carries the whole campaign; a page that has only part of it reads it first.
    const full = campaign.segment ? campaign : await api('GET', `/campaigns/${campaign.id}`);
    if (button) button.disabled = true;
    let go;
    try { go = await confirmSend({ campaign: full }); } finally { if (button) button.disabled = false; }
    if (!go) return campaign;
  }
  const creates = action === 'send' || action === 'duplicate';
  const answer = await whileBusy(button, action === 'send' && schedules(campaign) ? 'Scheduling…' : BUSY[action], () => act.run((key) =>
    api('POST', `/campaigns/${campaign.id}/${action}`, undefined, creates ? { idempotencyKey: key(action) } : {})));
  if (action === 'duplicate') { ctx.navigate(`#/campaigns/${answer.id}/edit`); return answer; }
  if (action === 'send' || action === 'resume') ctx.navigate(`#/campaigns/${campaign.id}`);
  return answer;
}

/** Why a campaign stopped, in words (status_reason). */
export function reasonText(reason) {
  return {
    no_recipients: 'nobody matched the audience', provider_not_configured: 'sending is not set up for this channel',
    quota_exhausted: 'the plan\'s SMS for this month are used up', cancelled: 'cancelled',
  }[reason] || String(reason).replaceAll('_', ' ');
}

/** The shop's currency (Booknetic's setting) when the list's answer has none: the dashboard's. */
async function currencyOf(ctx) {
  try {
    const data = await api('GET', `/dashboard${query({ channel: ctx.channel })}`);
    rememberCurrency(data.currency);
    return data.currency || null;
  } catch {
    return null;
  }
}

export async function campaignsView(ctx) {
  const filters = { q: '', kind: '', page: 1 };
  let lastSignature = null;
  const table = h('div');
  const message = h('div', { class: 'error-text', role: 'alert' });
  async function load() {
    const page = await api('GET', `/campaigns${query({ channel: ctx.channel, q: filters.q, kind: filters.kind, page: filters.page, per_page: 20 })}`);
    rememberCurrency(page.currency);
    const currency = page.currency || knownCurrency() || await currencyOf(ctx);
    // Redrawn only when something changed: a button replaced under the pointer would lose a click.
    const signature = JSON.stringify([page, currency]);
    if (signature === lastSignature && table.childNodes.length) return;
    lastSignature = signature;
    if (!page.items.length) {
      render(table, h('div', { class: 'empty' }, filters.q || filters.kind ? 'No campaign matches.' :
        ['No campaigns yet. ', ctx.can('create') ? h('a', { href: '#/campaigns/new' }, 'Create one') : '']));
      return;
    }
    const num = (value, label) => h('td', { class: 'num', 'data-label': label }, value);
    render(table, h('div', { class: 'table-wrap' }, h('table', { class: 'campaigns-table' },
      h('thead', {}, h('tr', {}, [['Name', 'name'], ['Status'], ['Recipients', 'num'], ['Went out', 'num'], ['Failed', 'num'], ['Bookings', 'num'],
        ['Revenue', 'num'], ['Conversion', 'num'], ['Actions', 'actions']].map(([t, cls]) => h('th', { class: cls, scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((c) => h('tr', { dataset: { campaign: c.id } },
        h('td', { class: 'name', 'data-label': 'Name' }, h('a', { href: `#/campaigns/${c.id}`, title: c.name, class: 'campaign-name' }, c.name),
          c.kind === 'manual' ? h('div', { class: 'muted' }, 'manual send') : null,
          c.recurrence ? h('div', { class: 'muted' }, describeCron(c.recurrence)) : null),
        h('td', { 'data-label': 'Status' }, badge(c.status), c.status_reason ? h('div', { class: 'muted' }, reasonText(c.status_reason)) : null),
        num(formatNumber(c.counters.total), 'Recipients'), num(formatNumber(c.counters.sent + c.counters.delivered + (c.counters.undelivered || 0)), 'Went out'),
        num(formatNumber(c.counters.failed), 'Failed'),
        num(c.results ? formatNumber(c.results.bookings) : '—', 'Bookings'),
        num(c.results ? formatMoney(c.results.revenue, currency) : '—', 'Revenue'),
        num(c.results ? formatPercent(c.results.conversion_rate) : '—', 'Conversion'),
        h('td', { class: 'actions' }, h('div', { class: 'action-list' },
          actionsFor(c, ctx).map((action) => h('button', {
            type: 'button', class: action === 'delete' ? 'danger' : action === 'send' ? 'primary' : null, dataset: { action },
            onclick: async (event) => {
              try { await runAction(action, c, ctx, event.currentTarget); await load(); } catch (error) { message.textContent = error.message; }
            },
          }, actionLabel(action, c))),
          c.run > 0 ? h('a', { href: `#/campaigns/${c.id}` }, 'Progress') : null,
          c.run > 0 && ctx.can('logs') ? h('a', { href: `#/campaigns/${c.id}/logs` }, 'Logs') : null,
          c.run > 0 && ctx.can('logs') ? h('a', { href: `#/campaigns/${c.id}/results` }, 'Results') : null))))))),
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
