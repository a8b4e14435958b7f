// The audit trail (DESIGN §13): who sent, paused, edited or deleted what, who changed a setting
// or removed a suppression, every test send. A campaign's history on its page, and a screen
// with filters for everything the user may see.
import { api, query } from './api.js';
import { channelLabel, formatDate, h, render } from './dom.js';

const TYPES = [['', 'Everything'], ['campaign', 'Campaigns'], ['message', 'Test sends'], ['template', 'Templates'],
  ['suppression', 'Suppressions'], ['settings', 'Settings'], ['session', 'Sign-ins']];
const SETTING_NAMES = {
  quiet_hours: 'quiet hours', timezone: 'time zone', frequency_cap: 'frequency cap', rate_limit: 'sending rate',
  attribution_days: 'attribution window', locale: 'language', tracking: 'tracking',
};

const quoted = (text) => `“${text ?? ''}”`;
const count = (n, one, many) => `${n ?? 0} ${(n ?? 0) === 1 ? one : many}`;

/** A setting's value as words (null: the default). */
function settingValue(name, value) {
  if (value === null || value === undefined) return 'the default';
  if (name === 'quiet_hours') return `${value.start}–${value.end}`;
  if (name === 'frequency_cap') return `${value.max} per ${count(value.days, 'day', 'days')}`;
  if (name === 'rate_limit') return `${value} per second`;
  if (name === 'attribution_days') return count(value, 'day', 'days');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One entry as a sentence a salon owner reads. */
export function describe(entry) {
  const d = entry.detail || {};
  const name = quoted(d.name);
  switch (`${entry.object_type}:${entry.action}`) {
    case 'campaign:create': return `Created the campaign ${name}`;
    case 'campaign:update': return `Edited the campaign ${name}${d.changed?.length ? ` (${d.changed.join(', ').replaceAll('_', ' ')})` : ''}`;
    case 'campaign:delete': return `Deleted the campaign ${name}`;
    case 'campaign:duplicate': return `Copied a campaign as ${name}`;
    case 'campaign:send': return `Sent ${name} to ${count(d.recipients, 'recipient', 'recipients')}${d.run > 1 ? ` (run ${d.run})` : ''}`;
    case 'campaign:schedule': return `Scheduled ${name} for ${formatDate(d.scheduled_at)}${d.recurrence ? ', repeating' : ''}`;
    case 'campaign:pause': return `Paused ${name}`;
    case 'campaign:resume': return `Resumed ${name}`;
    case 'campaign:cancel': return `Cancelled ${name}${d.skipped ? ` (${count(d.skipped, 'message', 'messages')} not sent)` : ''}`;
    case 'campaign:manual_send': return `Sent a manual message (${name}) to ${count(d.recipients, 'recipient', 'recipients')}${d.suppressed ? ` (${d.suppressed} suppressed left out)` : ''}`;
    case 'message:test_send': return `Test send to ${d.to}: ${d.status === 'sent' ? 'sent' : d.status === 'pending' ? 'sending' : `failed${d.code ? ` (${d.code})` : ''}`}`;
    case 'template:create': return `Created the template ${name}`;
    case 'template:update': return `Edited the template ${name}`;
    case 'template:delete': return `Deleted the template ${name}`;
    case 'suppression:create': return `Added ${d.address} to the suppression list${d.reason ? ` (${d.reason})` : ''}`;
    case 'suppression:delete': return `Removed ${d.address} from the suppression list`;
    case 'suppression:import': return `Imported suppressions: ${d.accepted ?? 0} added, ${d.duplicates ?? 0} already listed, ${d.invalid ?? 0} not addresses`;
    case 'settings:update': return `Changed ${Object.entries(d.changes || {}).map(([key, change]) =>
      `the ${SETTING_NAMES[key] || key} from ${settingValue(key, change.old)} to ${settingValue(key, change.new)}`).join('; ') || 'settings'}`;
    case 'session:open': return 'Opened Campaigns';
    case 'customer:erase': return `Erased a customer's messages on request (${count(d.log_rows, 'message', 'messages')}); their opt-outs stay`;
    default: return `${String(entry.action).replaceAll('_', ' ')} (${String(entry.object_type).replaceAll('_', ' ')})`;
  }
}

const who = (entry) => entry.user_name || (entry.user_id ? 'A WordPress user' : 'The system');

function table(items, showChannel) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'audit-table' },
    h('thead', {}, h('tr', {}, ['When', 'Who', 'What', showChannel ? 'Channel' : null].filter(Boolean).map((t) => h('th', {}, t)))),
    h('tbody', {}, items.map((entry) => h('tr', { dataset: { action: entry.action, objectType: entry.object_type } },
      h('td', {}, formatDate(entry.at)), h('td', {}, who(entry)),
      h('td', {}, entry.object_type === 'campaign' && entry.object_id && entry.action !== 'delete'
        ? h('a', { href: `#/campaigns/${entry.object_id}` }, describe(entry)) : describe(entry)),
      showChannel ? h('td', {}, entry.channel ? channelLabel(entry.channel) : '—') : null)))));
}

/** The history card of a campaign's page (for users who may read its logs). */
export function historyPanel(ctx, campaign) {
  const card = h('div', { class: 'card', id: 'campaign-history' }, h('h2', {}, 'History'), h('p', { class: 'muted' }, 'Loading…'));
  if (!ctx.can('logs', campaign.channel)) return null;
  api('GET', `/audit${query({ channel: campaign.channel, object_type: 'campaign', object_id: campaign.id, per_page: 20 })}`)
    .then((page) => render(card, h('h2', {}, 'History'), page.items.length ? table(page.items, false)
      : h('p', { class: 'muted' }, 'Nothing recorded yet.')))
    .catch((error) => render(card, h('h2', {}, 'History'), h('p', { class: 'error-text' }, error.message)));
  return card;
}

/** `#/audit`: everything the user may see, newest first, with filters. */
export async function auditView(ctx) {
  const state = { scope: 'channel', type: '', page: 1 };
  const results = h('div', { id: 'audit-results' });
  const scopeSelect = h('select', { 'aria-label': 'Channels', onchange: (e) => { state.scope = e.target.value; state.page = 1; load(); } },
    h('option', { value: 'channel' }, `${channelLabel(ctx.channel)} only`), h('option', { value: 'all' }, 'All channels and sign-ins'));
  const typeSelect = h('select', { 'aria-label': 'What', id: 'audit-type', onchange: (e) => { state.type = e.target.value; state.page = 1; load(); } },
    TYPES.map(([value, label]) => h('option', { value }, label)));
  async function load() {
    try {
      const page = await api('GET', `/audit${query({
        channel: state.scope === 'channel' ? ctx.channel : '', object_type: state.type, page: state.page, per_page: 50,
      })}`);
      const pages = Math.max(1, Math.ceil(page.total / page.per_page));
      render(results, page.items.length ? [table(page.items, state.scope === 'all'),
        h('div', { class: 'row' },
          h('button', { type: 'button', disabled: state.page <= 1, onclick: () => { state.page -= 1; load(); } }, 'Newer'),
          h('span', { class: 'muted' }, `${page.total} entries · page ${page.page} of ${pages}`),
          h('button', { type: 'button', disabled: page.page >= pages, onclick: () => { state.page += 1; load(); } }, 'Older'))]
        : h('div', { class: 'empty' }, 'Nothing recorded for these filters yet.'));
    } catch (error) {
      render(results, h('div', { class: 'banner error', role: 'alert' }, error.message));
    }
  }
  render(ctx.view, h('h1', {}, 'History'),
    h('p', { class: 'muted' }, 'Who sent, paused, edited or deleted what, who changed a setting or a suppression, and every test send.'),
    h('div', { class: 'row' }, scopeSelect, typeSelect), results);
  await load();
}
