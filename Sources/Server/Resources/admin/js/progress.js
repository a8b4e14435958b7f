// The sending wizard: stages, a large progress bar and live counters, polled every second.
import { api } from './api.js';
import { badge, formatNumber, h, render } from './dom.js';
import { actionsFor, runAction } from './campaigns.js';
import { historyPanel } from './audit.js';

const STAGES = [['preparing', 'Preparing'], ['sending', 'Sending'], ['finalizing', 'Finalizing']];

function statusLine(p) {
  switch (p.stage) {
    case 'scheduled': return p.next_run_at ? `Scheduled for ${new Date(p.next_run_at).toLocaleString()}.` : 'Scheduled.';
    case 'preparing': return 'Preparing the recipient list…';
    case 'sending': return p.waiting ? `Sending… ${formatNumber(p.waiting)} wait for their quiet hours to end.` : 'Sending…';
    case 'finalizing': return 'Finishing the last messages…';
    case 'paused': return 'Paused. Nobody is sent twice and nobody is lost: resume to continue.';
    default: return p.status === 'completed' ? 'Done.' : `The campaign is ${p.status}.`;
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
    const index = STAGES.findIndex(([key]) => key === p.stage);
    render(stages, STAGES.map(([key, label], i) => h('span', {
      class: p.stage === 'done' || (index >= 0 && i < index) ? 'done' : key === p.stage ? 'active' : null,
    }, label)), p.stage === 'paused' ? badge('paused') : null);
    const stat = (value, label, key) => h('div', { class: 'stat', dataset: { counter: key } }, h('div', { class: 'value' }, formatNumber(value)), h('div', { class: 'label' }, label));
    render(counters,
      stat(p.total, 'Total', 'total'), stat(p.sent + p.delivered, 'Sent', 'sent'), stat(p.failed + p.undelivered, 'Failed', 'failed'),
      stat(p.pending + p.sending, 'Pending', 'pending'), stat(p.waiting, 'Waiting (quiet hours)', 'waiting'), stat(p.skipped, 'Skipped', 'skipped'),
      h('div', { class: 'stat' }, h('div', { class: 'value' }, `${(p.rate || 0).toFixed(1)}/s`), h('div', { class: 'label' },
        p.stage === 'done' || p.eta_seconds === null || p.eta_seconds === undefined ? 'rate' : `rate · about ${Math.max(1, Math.round(p.eta_seconds / 60))} min left`)));
    render(line, `${percent} % · ${statusLine(p)}`);
    render(actions, actionsFor({ ...current, status: p.status }, ctx).filter((a) => ['send', 'pause', 'resume', 'cancel'].includes(a)).map((action) =>
      h('button', { type: 'button', dataset: { action }, onclick: async () => {
        try { current = await runAction(action, { ...current, status: p.status }, ctx) || current; poll(); refreshHistory(); } catch (error) { message.textContent = error.message; }
      } }, action[0].toUpperCase() + action.slice(1))),
    h('span', { class: 'spacer' }),
    h('a', { href: '#/campaigns' }, p.stage === 'done' ? 'Back to campaigns' : 'Hide and continue in the background'));
    render(done, p.stage === 'done' ? h('div', { class: 'card', id: 'completion' },
      h('h2', {}, p.status === 'completed' ? 'Campaign sent' : `Campaign ${p.status}`),
      h('p', {}, `${formatNumber(p.sent + p.delivered)} sent, ${formatNumber(p.failed + p.undelivered)} failed, ${formatNumber(p.skipped)} skipped.`),
      h('div', { class: 'row' },
        ctx.can('logs', current.channel) ? h('a', { href: `#/campaigns/${id}/logs` }, 'See the logs') : null,
        ctx.can('logs', current.channel) ? h('a', { href: `#/campaigns/${id}/results` }, 'See what it brought back') : null)) : null);
  }

  let timer = null;
  async function poll() {
    try {
      const p = await api('GET', `/campaigns/${id}/progress`);
      current = { ...current, status: p.status };
      show(p);
      message.textContent = '';
      clearTimeout(timer);
      timer = setTimeout(poll, p.stage === 'done' ? 10000 : 1000);
    } catch (error) {
      message.textContent = error.message;
      timer = setTimeout(poll, 3000);
    }
  }
  ctx.onLeave(() => clearTimeout(timer));
  render(ctx.view, h('h1', {}, campaign.name), stages, barBox, line, counters, actions, message, done, history);
  await poll();
}
