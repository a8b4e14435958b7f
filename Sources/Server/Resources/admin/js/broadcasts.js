// Broadcasts (DESIGN §14): one message over several channels. The list, and a broadcast's page
// with each channel's live progress and the actions that apply to all of its campaigns at once.
// Names and messages are text (`h` never parses HTML).
import { action as userAction, api, query } from './api.js';
import { badge, channelLabel, formatDate, h, render, showError, whileBusy } from './dom.js';
import { confirmBroadcast } from './broadcast-confirm.js';
import { broadcastProgress } from './broadcast-progress.js';
import { followProgress } from './progress.js';

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

/** Whether sending the broadcast schedules it (its `scheduled_at` is still to come). */
function scheduledLater(broadcast) {
  return !!broadcast.scheduled_at && new Date(broadcast.scheduled_at).getTime() > Date.now();
}

/**
 * A broadcast's page: its actions and each channel's progress, live from the broadcast's event
 * stream (DESIGN §17, progress.js), polled while the stream is broken.
 */
export async function broadcastView(ctx, id) {
  const page = h('div', { id: 'broadcast' });
  const head = h('div');
  const figures = broadcastProgress();
  const error = h('div', { class: 'form-error error-text', role: 'alert' });
  let broadcast = null;
  let live = null;
  let reloading = false;
  // DESIGN §21: Send (or Schedule) asks first with each channel's figures; while the question is
  // open or the request runs a second press does nothing, and the request carries one
  // Idempotency-Key per press, so a double click sends once.
  let asking = false;
  async function act(name, button) {
    if (asking || button.disabled) return;
    if (name === 'delete' && !confirm(`Delete "${broadcast.name}" and its campaigns on every channel?`)) return;
    if (name === 'send') {
      asking = true;
      button.disabled = true;
      try {
        if (!await confirmBroadcast(broadcast)) return;
      } finally {
        asking = false;
        button.disabled = false;
      }
    }
    const key = `${name}:${id}`;
    if (!running.has(key)) running.set(key, userAction());
    const working = name === 'send' && scheduledLater(broadcast) ? 'Scheduling…' : `${name[0].toUpperCase()}${name.slice(1)}…`;
    try {
      const answer = await whileBusy(button, working, () => running.get(key).run((k) =>
        api(name === 'delete' ? 'DELETE' : 'POST', name === 'delete' ? `/broadcasts/${id}` : `/broadcasts/${id}/${name}`, undefined,
          { idempotencyKey: ['send', 'duplicate'].includes(name) ? k(name) : undefined })));
      if (name === 'delete') { ctx.navigate('#/broadcasts'); return; }
      if (name === 'duplicate') { ctx.navigate(`#/broadcasts/${answer.id}`); return; }
      error.textContent = '';
      await reload();
      live.poll();
    } catch (failure) { showError(page, failure); }
  }
  /** The name, status and the actions its status allows (redrawn when the status changes). */
  function drawHead() {
    render(head, h('h1', {}, broadcast.name),
      h('p', {}, badge(broadcast.status), ' ', MODES[broadcast.mode], ' — ', broadcast.channels.map(channelLabel).join(' → ')),
      h('div', { class: 'toolbar' },
        broadcast.status === 'draft' && mayOnAll(ctx, broadcast, 'create') ? h('a', { class: 'button', href: `#/broadcasts/${id}/edit` }, 'Edit') : null,
        ACTIONS.filter(([, , capability, applies]) => applies(broadcast.status) && mayOnAll(ctx, broadcast, capability)).map(([name, label]) => {
          const button = h('button', { type: 'button', dataset: { action: name }, class: name === 'send' ? 'primary' : (name === 'delete' ? 'danger' : null) },
            name === 'send' && scheduledLater(broadcast) ? 'Schedule' : label);
          button.addEventListener('click', () => act(name, button));
          return button;
        })));
  }
  async function reload() {
    broadcast = await api('GET', `/broadcasts/${id}`);
    drawHead();
  }
  live = followProgress(ctx, `/broadcasts/${id}`, {
    marker: figures.element,
    show: (p) => {
      figures.show(broadcast, p);
      // The status moved (sending → completed): the actions it allows change with it.
      if (p.status !== broadcast.status && !reloading) {
        reloading = true;
        reload().catch(() => {}).finally(() => { reloading = false; });
      }
    },
    failed: (failure) => { error.textContent = failure.message; },
  });
  await reload();
  render(ctx.view, render(page, head, error, figures.element));
  await live.start();
}
