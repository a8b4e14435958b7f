// Broadcasts (DESIGN §14): one message over several channels. The list, and a broadcast's page
// with each channel's progress and the actions that apply to all of its campaigns at once.
// Names and messages are text (`h` never parses HTML).
import { action as userAction, api, query } from './api.js';
import { badge, channelLabel, formatDate, formatNumber, h, render, showError, whileBusy } from './dom.js';

const MODES = { all: 'Every channel each customer can be reached on', first: 'Only the first channel each customer can be reached on' };

/** Whether the signed-in user holds `capability` on every channel of the broadcast. */
export function mayOnAll(ctx, broadcast, capability) {
  return (broadcast.channels || []).every((channel) => ctx.can(capability, channel));
}

export async function broadcastsView(ctx) {
  const list = h('div', { id: 'broadcast-list' });
  const search = h('input', { type: 'search', name: 'q', placeholder: 'Search by name', 'aria-label': 'Search broadcasts' });
  async function load() {
    const page = await api('GET', `/broadcasts${query({ q: search.value.trim(), per_page: 50 })}`);
    render(list, page.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Channels', 'Who gets it', 'Status', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((b) => h('tr', { dataset: { broadcast: String(b.id) } },
        h('td', {}, h('a', { href: `#/broadcasts/${b.id}` }, b.name)),
        h('td', {}, b.channels.map(channelLabel).join(' → ')),
        h('td', {}, b.mode === 'first' ? 'First channel only' : 'Every channel'),
        h('td', {}, badge(b.status)), h('td', {}, formatDate(b.created_at)))))))
      : h('div', { class: 'empty' }, 'No broadcasts yet. A broadcast sends one message by SMS, WhatsApp and email at once.'));
  }
  search.addEventListener('change', load);
  render(ctx.view, h('h1', {}, 'Broadcasts'),
    h('div', { class: 'toolbar' }, search, ctx.can('create') ? h('a', { class: 'button primary', href: '#/broadcasts/new' }, 'New broadcast') : null),
    list);
  await load();
}

const ACTIONS = [
  ['send', 'Send', 'send', (s) => s === 'draft'], ['pause', 'Pause', 'send', (s) => s === 'sending'],
  ['resume', 'Resume', 'send', (s) => s === 'paused'], ['cancel', 'Cancel', 'send', (s) => ['scheduled', 'sending', 'paused'].includes(s)],
  ['duplicate', 'Duplicate', 'create', () => true], ['delete', 'Delete', 'delete', (s) => s !== 'sending'],
];
const running = new Map();

/** A broadcast's page: each channel's progress, polled every 2 s while it runs. */
export async function broadcastView(ctx, id) {
  const page = h('div', { id: 'broadcast' });
  const error = h('div', { class: 'form-error error-text', role: 'alert' });
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  async function act(name, broadcast, button) {
    if (name === 'delete' && !confirm(`Delete "${broadcast.name}" and its campaigns on every channel?`)) return;
    if (name === 'send' && !confirm(`Send "${broadcast.name}" now by ${broadcast.channels.map(channelLabel).join(', ')}?`)) return;
    const key = `${name}:${id}`;
    if (!running.has(key)) running.set(key, userAction());
    try {
      const answer = await whileBusy(button, `${name[0].toUpperCase()}${name.slice(1)}…`, () => running.get(key).run((k) =>
        api(name === 'delete' ? 'DELETE' : 'POST', name === 'delete' ? `/broadcasts/${id}` : `/broadcasts/${id}/${name}`, undefined,
          { idempotencyKey: ['send', 'duplicate'].includes(name) ? k(name) : undefined })));
      if (name === 'delete') { ctx.navigate('#/broadcasts'); return; }
      if (name === 'duplicate') { ctx.navigate(`#/broadcasts/${answer.id}`); return; }
      load();
    } catch (failure) { showError(page, failure); }
  }
  async function load() {
    clearTimeout(timer);
    const [broadcast, progress] = await Promise.all([api('GET', `/broadcasts/${id}`), api('GET', `/broadcasts/${id}/progress`)]);
    const wentOut = (p) => p.sent + p.delivered + p.undelivered;
    render(page, h('h1', {}, broadcast.name), error,
      h('p', {}, badge(broadcast.status), ' ', MODES[broadcast.mode], ' — ', broadcast.channels.map(channelLabel).join(' → ')),
      h('div', { class: 'toolbar' },
        broadcast.status === 'draft' && mayOnAll(ctx, broadcast, 'create') ? h('a', { class: 'button', href: `#/broadcasts/${id}/edit` }, 'Edit') : null,
        ACTIONS.filter(([, , capability, applies]) => applies(broadcast.status) && mayOnAll(ctx, broadcast, capability)).map(([name, label]) => {
          const button = h('button', { type: 'button', dataset: { action: name }, class: name === 'send' ? 'primary' : (name === 'delete' ? 'danger' : null) }, label);
          button.addEventListener('click', () => act(name, broadcast, button));
          return button;
        })),
      h('div', { class: 'table-wrap' }, h('table', { id: 'broadcast-progress' },
        h('thead', {}, h('tr', {}, ['Channel', 'Status', 'Recipients', 'Went out', 'Waiting', 'Failed', 'Skipped', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {},
          broadcast.campaigns.map((c) => {
            const p = progress.channels[c.channel] || {};
            return h('tr', { dataset: { channel: c.channel } }, h('td', {}, channelLabel(c.channel)), h('td', {}, badge(c.status)),
              h('td', { dataset: { counter: 'total' } }, formatNumber(p.total || 0)), h('td', { dataset: { counter: 'sent' } }, formatNumber(wentOut(p))),
              h('td', {}, formatNumber(p.pending || 0)), h('td', {}, formatNumber(p.failed || 0)), h('td', {}, formatNumber(p.skipped || 0)),
              h('td', {}, h('a', { href: `#/campaigns/${c.id}` }, 'Open campaign')));
          }),
          h('tr', { dataset: { channel: 'all' }, class: 'total' }, h('th', { scope: 'row' }, 'All channels'), h('td', {}, badge(progress.status)),
            h('td', { dataset: { counter: 'total' } }, formatNumber(progress.total)), h('td', { dataset: { counter: 'sent' } }, formatNumber(wentOut(progress))),
            h('td', {}, formatNumber(progress.pending)), h('td', {}, formatNumber(progress.failed)), h('td', {}, formatNumber(progress.skipped)), h('td', {}))))));
    if (['sending', 'paused', 'scheduled'].includes(progress.status)) timer = setTimeout(() => load().catch(() => {}), 2000);
  }
  render(ctx.view, page);
  await load();
}
