// The question before a broadcast goes out (DESIGN §21 over §14): for each channel, in the order
// it is tried, who receives it, how many SMS that makes, how many quiet hours hold and until
// when, and the plan's quota left; the same figures as a campaign's (confirm.js), from
// POST /segments/preview with the broadcast's audience and each channel's own message.
import { api } from './api.js';
import { channelLabel, formatDate, formatNumber, h, render } from './dom.js';
import { askDialog, figureLines, previewRequest } from './confirm.js';

/** The broadcast's audience (`segment` + `filters`, or its saved audience's). */
async function audienceOf(broadcast) {
  if (broadcast.audience_id) {
    const audience = await api('GET', `/audiences/${broadcast.audience_id}`);
    return { segment: audience.segment, filters: audience.filters || {} };
  }
  return { segment: broadcast.segment, filters: broadcast.filters || {} };
}

/** The preview of `channel`'s message: its count, segments, quiet hours, quota and missing names. */
async function previewOf(broadcast, channel, audience) {
  const content = broadcast.content?.[channel] || {};
  const request = previewRequest({ channel, ...audience, body: content.body, subject: content.subject });
  if (content.body_i18n && Object.keys(content.body_i18n).length) request.body_i18n = content.body_i18n;
  if (channel === 'email' && content.subject_i18n && Object.keys(content.subject_i18n).length) request.subject_i18n = content.subject_i18n;
  return api('POST', '/segments/preview', request);
}

/**
 * Asks before sending or scheduling `broadcast` (its GET answer, with `content`). Resolves true
 * only when the user chose to go ahead.
 */
export async function confirmBroadcast(broadcast) {
  const scheduled = !!broadcast.scheduled_at && new Date(broadcast.scheduled_at).getTime() > Date.now();
  const channels = broadcast.channels || [];
  const { summary, go, result, answered } = askDialog({
    id: 'broadcast-confirm', name: broadcast.name,
    title: scheduled ? 'Schedule this broadcast?' : 'Send this broadcast now?',
    verb: scheduled ? 'Schedule' : 'Send',
  });
  (async () => {
    try {
      const audience = await audienceOf(broadcast);
      const previews = await Promise.all(channels.map((channel) => previewOf(broadcast, channel, audience)));
      if (answered()) return;
      const counts = previews.map((p) => p.count ?? 0);
      const reachable = counts.some((n) => n > 0);
      render(summary,
        h('p', { class: 'confirm-lead' }, `By ${channels.map(channelLabel).join(', ')}`,
          scheduled ? `, on ${formatDate(broadcast.scheduled_at)}` : '', '.'),
        h('p', { class: 'muted', id: 'broadcast-confirm-mode' }, broadcast.mode === 'first'
          ? 'Each customer gets it once, on the first of these channels they can be reached on: a channel further down reaches fewer people than it counts here.'
          : 'Each customer gets it on every channel they can be reached on.'),
        channels.map((channel, index) => h('section', { class: 'confirm-channel', dataset: { channel } },
          h('h3', {}, channelLabel(channel), ': ',
            h('strong', { class: 'figure', dataset: { count: String(counts[index]) } }, formatNumber(counts[index])),
            counts[index] === 1 ? ' person' : ' people', broadcast.mode === 'first' && index > 0 ? ' at most' : ''),
          h('ul', { class: 'confirm-figures' }, figureLines(channel, previews[index], { scheduled })))),
        !reachable && !scheduled ? h('p', { class: 'warn' }, 'Nobody matches this audience right now, so nothing would be sent.') : null,
        h('p', { class: 'muted' }, scheduled
          ? 'The recipients are counted again when it goes out. You can cancel it until then.'
          : 'You can pause or cancel while it is sending; nobody gets it twice on a channel.'));
      go.textContent = scheduled ? 'Schedule' : `Send by ${channels.map(channelLabel).join(' and ')}`;
      go.disabled = !reachable && !scheduled;
    } catch (error) {
      if (answered()) return;
      render(summary, h('p', { class: 'warn' }, `Could not count the recipients (${error.message}). You can still go ahead, or cancel and try again.`));
      go.disabled = false;
    }
  })();
  return result;
}
