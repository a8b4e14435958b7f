// The sending wizard: stages, a large progress bar and live counters, from the campaign's event
// stream (DESIGN §17), or polled every second while the stream is broken.
import { api, eventStream } from './api.js';
import { badge, formatDate, formatNumber, formatWhen, h, plural, render } from './dom.js';
import { actionLabel, actionsFor, reasonText, runAction } from './campaigns.js';
import { historyPanel } from './audit.js';

/**
 * Why "0 delivered" is no failure: which channels' providers never report delivery. The API's
 * `me.providers[channel]` may name the provider (`name`) or say `delivery_reports`; email (SMTP)
 * never has them.
 */
export function deliveryReportNote(me, channel) {
  const provider = me?.providers?.[channel] || {};
  if (provider.name === 'outbox' || provider.provider === 'outbox') {
    return 'The demo outbox keeps messages instead of handing them to a phone or mail network, so no delivery reports come back: "went out" is as far as it goes.';
  }
  if (provider.delivery_reports === false || channel === 'email') {
    return channel === 'email' ? 'Email has no delivery reports: "went out" means the recipient\'s mail server accepted it.'
      : 'This provider sends no delivery reports: "went out" means it accepted the message.';
  }
  // The API does not say which provider sends (yet): a sentence true of every provider.
  return 'No delivery reports have come back: "went out" means the provider accepted the message. Phone networks report delivery later, '
    + 'and some senders (like the demo outbox) never do.';
}

/** "422 pending, of which 422 wait for quiet hours to end at 08:00 tomorrow". */
export function pendingDetail(p) {
  const parts = [];
  if (p.waiting) {
    parts.push(`${formatNumber(p.waiting)} ${p.waiting === 1 ? 'waits' : 'wait'} for quiet hours to end in their time zone`
      + (p.next_release_at ? ` (the first go out from ${formatWhen(p.next_release_at)})` : ''));
  }
  if (p.retrying) parts.push(`${formatNumber(p.retrying)} will be tried again after an error`);
  if (p.sending) parts.push(`${formatNumber(p.sending)} going out right now`);
  return parts.length ? `of which ${parts.join('; ')}` : '';
}

const STAGES = [['preparing', 'Preparing'], ['sending', 'Sending'], ['finalizing', 'Finalizing']];

export function statusLine(p) {
  switch (p.stage) {
    case 'scheduled': return p.next_run_at ? `Scheduled for ${new Date(p.next_run_at).toLocaleString()}.` : 'Scheduled.';
    case 'preparing': return 'Preparing the recipient list…';
    case 'sending': return p.waiting && p.waiting === p.pending + p.sending
      ? `Waiting for quiet hours to end: ${plural(p.waiting, 'message goes', 'messages go')} out${p.next_release_at ? ` from ${formatWhen(p.next_release_at)}` : ' when they end'}.`
      : p.waiting ? `Sending… ${formatNumber(p.waiting)} of them wait for quiet hours to end${p.next_release_at ? ` (from ${formatWhen(p.next_release_at)})` : ''}.` : 'Sending…';
    case 'finalizing': return 'Finishing the last messages…';
    case 'paused': return p.status_reason === 'quota_exhausted'
      ? 'Paused: the plan\'s SMS for this month are used up. Resume next month or after raising the limit; nobody is lost.'
      : 'Paused. Nobody is sent twice and nobody is lost: resume to continue.';
    default: return p.status === 'completed' ? 'Done.'
      : p.status === 'draft' ? 'Not sent yet.'
        : `The campaign is ${p.status}${p.status_reason ? `: ${reasonText(p.status_reason)}` : ''}.`;
  }
}

export async function progressView(ctx, id) {
  const campaign = await api('GET', `/campaigns/${id}`);
  const bar = h('div', { style: null });
  const barBox = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, id: 'progress-bar' }, bar);
  const stages = h('div', { class: 'stages' });
  const counters = h('div', { class: 'grid', id: 'progress-counters' });
  const line = h('p', { 'aria-live': 'polite', id: 'status-line' });
  const actions = h('div', { class: 'row' });
  const message = h('div', { class: 'error-text', role: 'alert' });
  const done = h('div');
  const note = h('div');
  let current = campaign;
  let history = historyPanel(ctx, campaign);
  // After an action of this page its entry shows in the history at once.
  const refreshHistory = () => {
    const fresh = historyPanel(ctx, current);
    if (history && fresh) history.replaceWith(fresh);
    history = fresh;
  };

  function show(p) {
    const finished = p.sent + p.delivered + p.undelivered + p.failed + p.skipped;
    const percent = p.total ? Math.round((finished / p.total) * 100) : (p.status === 'completed' ? 100 : 0);
    // The width is set through CSSOM (allowed by the CSP; inline style attributes are not).
    bar.style.width = `${percent}%`;
    barBox.setAttribute('aria-valuenow', String(percent));
    barBox.dataset.percent = String(percent);
    const draft = p.status === 'draft';
    barBox.hidden = draft;
    stages.hidden = draft;
    counters.hidden = draft;
    const index = STAGES.findIndex(([key]) => key === p.stage);
    render(stages, STAGES.map(([key, label], i) => h('span', {
      class: p.stage === 'done' || (index >= 0 && i < index) ? 'done' : key === p.stage ? 'active' : null,
    }, label)), p.stage === 'paused' ? badge('paused') : null);
    // §7: the counters are disjoint by status and add up to the total; "went out" is sent +
    // delivered + undelivered; waiting and retrying are parts of pending, shown inside it.
    const stat = (value, label, key, detail) => h('div', { class: 'stat', dataset: { counter: key } },
      h('div', { class: 'value' }, formatNumber(value)), h('div', { class: 'label' }, label),
      detail ? h('div', { class: 'detail' }, detail) : null);
    const wentOut = p.sent + p.delivered + p.undelivered;
    const reportNote = deliveryReportNote(ctx.me, current.channel);
    const delivery = p.delivered || p.undelivered
      ? `${formatNumber(p.delivered)} confirmed delivered${p.undelivered ? `, ${formatNumber(p.undelivered)} not delivered` : ''}`
      : wentOut && reportNote ? 'no delivery reports (see below)' : wentOut ? 'no delivery reports yet' : '';
    render(counters,
      stat(p.total, 'recipients', 'total'), stat(wentOut, 'went out', 'sent', delivery),
      stat(p.pending + p.sending, 'pending', 'pending', pendingDetail(p)),
      stat(p.failed, 'failed', 'failed', p.failed ? 'see the logs for why' : ''),
      stat(p.skipped, 'skipped', 'skipped', p.skipped ? 'suppressed, capped, held out or cancelled' : ''),
      wentOut && p.clicked !== undefined ? stat(p.clicked, 'clicked a link', 'clicked') : null,
      wentOut && current.channel === 'email' && p.opened ? stat(p.opened, 'opened', 'opened', 'indicative: mail apps may load images themselves') : null,
      p.stage === 'done' ? null : h('div', { class: 'stat', dataset: { counter: 'rate' } }, h('div', { class: 'value' }, `${(p.rate || 0).toFixed(1)}/s`), h('div', { class: 'label' },
        p.eta_seconds === null || p.eta_seconds === undefined ? 'messages per second' : `messages per second · about ${Math.max(1, Math.round(p.eta_seconds / 60))} min left`)));
    render(note, wentOut && !p.delivered && !p.undelivered && reportNote ? h('p', { class: 'muted', id: 'delivery-note' }, reportNote) : null);
    render(line, draft ? 'Not sent yet. Check it, then press Send: you will see who gets it and what it costs before anything goes out.'
      : `${percent} % · ${statusLine({ status_reason: current.status_reason, ...p })}`);
    render(done, p.stage === 'done' ? h('div', { class: 'card', id: 'completion' },
      h('h2', {}, p.status === 'completed' ? 'Campaign sent' : `Campaign ${p.status}`),
      h('p', {}, `${formatNumber(p.sent + p.delivered + p.undelivered)} went out, ${formatNumber(p.failed)} failed, ${formatNumber(p.skipped)} skipped.`),
      h('div', { class: 'row' },
        ctx.can('logs', current.channel) ? h('a', { href: `#/campaigns/${id}/logs` }, 'See the logs') : null,
        ctx.can('logs', current.channel) ? h('a', { href: `#/campaigns/${id}/results` }, 'See what it brought back') : null)) : null);
    // The buttons are redrawn only when the status changes: a button replaced under the pointer
    // every second would lose clicks.
    const actionsKey = `${p.status}|${p.stage}`;
    if (actions.dataset.key !== actionsKey) { actions.dataset.key = actionsKey; renderActions(p); }
  }

  function renderActions(p) {
    render(actions, actionsFor({ ...current, status: p.status }, ctx).filter((a) => ['send', 'pause', 'resume', 'cancel'].includes(a)).map((action) =>
      h('button', { type: 'button', class: action === 'send' ? 'primary' : null, dataset: { action }, onclick: async (event) => {
        try { const answer = await runAction(action, { ...current, status: p.status }, ctx, event.currentTarget); current = { ...current, ...(answer || {}) }; poll(); refreshHistory(); } catch (error) { message.textContent = error.message; }
      } }, actionLabel(action, current))),
    current.broadcast_id ? h('a', { href: `#/broadcasts/${current.broadcast_id}`, id: 'broadcast-link' },
      'Part of a broadcast: send, pause or change it on the broadcast\'s page')
      : ctx.can('create') && current.kind !== 'manual' && ['draft', 'scheduled'].includes(p.status)
        ? h('a', { href: `#/campaigns/${id}/edit` }, 'Edit') : null,
    h('span', { class: 'spacer' }),
    h('a', { href: '#/campaigns' }, p.stage === 'done' ? 'Back to campaigns' : 'Hide and continue in the background'));
  }

  const live = followProgress(ctx, `/campaigns/${id}`, {
    marker: barBox,
    show: (p) => { current = { ...current, status: p.status }; show(p); message.textContent = ''; },
    failed: (error) => { message.textContent = error.message; },
  });
  const poll = () => live.poll();
  render(ctx.view, h('h1', { class: 'campaign-title', title: campaign.name }, campaign.name), stages, barBox, line, counters, note, actions, message, done, history);
  await live.start();
}

/**
 * Follows `path`'s progress live (DESIGN §17; `path` is `/campaigns/7` or `/broadcasts/3`):
 * `show(p)` with each `progress` event of `path/events` (fetch with the Bearer header), and with
 * `path/progress` polled every second while the stream is broken (the stream is tried again
 * after a minute), every 10 s once `done` came (a recurring campaign's next run). `failed(error)`
 * when a poll fails. `marker.dataset.live` says which: `stream`, `poll` or `done`. Stops when
 * the page is left. Answers `{start(), poll()}`: `start` reads once, then streams.
 */
export function followProgress(ctx, path, { show, failed = () => {}, marker }) {
  let timer = null;
  // The live stream while it runs (its AbortController); polling only while there is none.
  let stream = null;
  let left = false;
  async function poll() {
    try {
      const p = await api('GET', `${path}/progress`);
      if (left) return;
      show(p);
      clearTimeout(timer);
      if (!stream) timer = setTimeout(poll, p.stage === 'done' ? 10000 : 1000);
    } catch (error) {
      failed(error);
      if (!stream && !left) timer = setTimeout(poll, 3000);
    }
  }
  // Each `progress` redraws, `done` ends it (then a slow poll notices a recurring campaign's next
  // run); a broken stream falls back to polling every second and tries the stream again after a
  // minute.
  async function follow() {
    const controller = new AbortController();
    stream = controller;
    clearTimeout(timer);
    marker.dataset.live = 'stream';
    let ended = false;
    try {
      await eventStream(`${path}/events`, (name, p) => {
        show(p);
        if (name === 'done') ended = true;
      }, controller.signal);
    } catch {
      // Refused or broken: polling takes over below.
    }
    if (stream !== controller || left) return;
    stream = null;
    marker.dataset.live = ended ? 'done' : 'poll';
    clearTimeout(timer);
    if (ended) {
      timer = setTimeout(poll, 10000);
    } else {
      poll();
      setTimeout(() => { if (!stream && !left) follow(); }, 60000);
    }
  }
  ctx.onLeave(() => { left = true; clearTimeout(timer); stream?.abort(); });
  return { poll, async start() { await poll(); if (!left) follow(); } };
}
