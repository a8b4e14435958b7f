// A broadcast's figures (DESIGN §14, §17, §18): a progress bar over all channels, the stage in
// words, and a row per channel with the §7 counters ("went out" = sent + delivered +
// undelivered; waiting and retrying are parts of pending), the recipients who clicked a link and,
// for email, those whose open was recorded (indicative, as the campaign view says).
import { badge, channelLabel, formatNumber, h, render } from './dom.js';
import { pendingDetail, statusLine } from './progress.js';

const wentOut = (p) => (p.sent || 0) + (p.delivered || 0) + (p.undelivered || 0);
const finished = (p) => wentOut(p) + (p.failed || 0) + (p.skipped || 0);
const OPENS_NOTE = 'Opens are indicative: mail apps may load images themselves, and some never do.';

/** `{element, show(broadcast, progress)}`; `element.dataset.live` is set by followProgress. */
export function broadcastProgress() {
  const bar = h('div');
  const barBox = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, id: 'broadcast-progress-bar' }, bar);
  const line = h('p', { 'aria-live': 'polite', id: 'broadcast-status-line' });
  const table = h('div', { class: 'table-wrap' });
  const note = h('div');
  const element = h('div', { id: 'broadcast-live' }, barBox, line, table, note);

  function show(broadcast, p) {
    const total = p.total || 0;
    const percent = total ? Math.round((finished(p) / total) * 100) : (p.status === 'completed' ? 100 : 0);
    bar.style.width = `${percent}%`;  // CSSOM: the CSP allows it, inline style attributes not
    barBox.setAttribute('aria-valuenow', String(percent));
    barBox.dataset.percent = String(percent);
    barBox.hidden = p.status === 'draft';
    render(line, p.status === 'draft'
      ? 'Not sent yet. Press Send: you will see who gets it on each channel and what it costs before anything goes out.'
      : `${percent} % · ${statusLine(p)}`);
    const channels = p.channels || {};
    const withClicks = Object.values(channels).some((c) => c.clicked !== undefined) || p.clicked !== undefined;
    const withOpens = broadcast.channels.includes('email') && (channels.email?.opened !== undefined || p.opened !== undefined);
    const cell = (key, value) => h('td', { class: 'num', dataset: { counter: key } }, value === null ? '—' : formatNumber(value));
    const cells = (c, channel) => [
      cell('total', c.total || 0), cell('sent', wentOut(c)),
      cell('pending', (c.pending || 0) + (c.sending || 0)), cell('failed', c.failed || 0), cell('skipped', c.skipped || 0),
      withClicks ? cell('clicked', c.clicked ?? null) : null,
      withOpens ? cell('opened', channel === 'email' || channel === 'all' ? (c.opened ?? null) : null) : null,
    ];
    render(table, h('table', { id: 'broadcast-progress' },
      h('thead', {}, h('tr', {}, ['Channel', 'Status', 'Recipients', 'Went out', 'Pending', 'Failed', 'Skipped',
        withClicks ? 'Clicked a link' : null, withOpens ? 'Opened' : null, ''].filter((t) => t !== null)
        .map((t) => h('th', { scope: 'col', class: ['Channel', 'Status', ''].includes(t) ? null : 'num' }, t)))),
      h('tbody', {},
        broadcast.campaigns.map((c) => {
          const q = channels[c.channel] || {};
          return h('tr', { dataset: { channel: c.channel } }, h('td', {}, channelLabel(c.channel)), h('td', {}, badge(q.status || c.status)),
            cells(q, c.channel), h('td', {}, h('a', { href: `#/campaigns/${c.id}` }, 'Open campaign')));
        }),
        h('tr', { dataset: { channel: 'all' }, class: 'total' }, h('th', { scope: 'row' }, 'All channels'), h('td', {}, badge(p.status)),
          cells(p, 'all'), h('td', {})))));
    // What pending holds (quiet hours, retries, going out now), per channel, under the table.
    const details = broadcast.campaigns.map((c) => [c.channel, pendingDetail(channels[c.channel] || {})]).filter(([, d]) => d);
    render(note,
      details.length ? h('ul', { class: 'muted', id: 'broadcast-progress-detail' },
        details.map(([channel, d]) => h('li', { dataset: { channel } }, `${channelLabel(channel)} pending: ${d}.`))) : null,
      withOpens && wentOut(p) ? h('p', { class: 'muted', id: 'opens-note' }, OPENS_NOTE) : null);
  }
  return { element, show };
}
