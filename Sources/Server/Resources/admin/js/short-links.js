// What tracked short links save (DESIGN §18, §21): with click tracking on, every http(s) URL of an
// SMS or WhatsApp text goes out as a short link, and the preview counts segments at that short
// length. To say how many segments that saves across the audience, the preview is asked a second
// time with each URL disarmed ("http://" → "hxtp://": the same length and characters, so the same
// segments, but no longer a URL the service shortens): the difference of the two
// `segments.total` is exact for every recipient's rendered text, which a local count of the
// template could not be (names and other shortcodes change each text's length).
import { api, query } from './api.js';

const LINK = /\bhttps?:\/\//i;

/** Whether `text` has a URL the service would shorten. */
export function hasLink(text) {
  return LINK.test(String(text || ''));
}

/** `text` with every URL disarmed, its length and characters unchanged. */
export function disarmLinks(text) {
  return String(text || '').replace(/\b(h)t(tps?:\/\/)/gi, '$1x$2');
}

/**
 * A function `(request, answer) → Promise<number|null>` for the editor of `channel`: the segments
 * the short links save for the preview `request` whose answer is `answer`; null when there is
 * nothing to say (email, no URL, click tracking off, no segment figures).
 */
export function shortLinkSavings(channel) {
  let tracking = null;
  return async (request, answer) => {
    if (!['sms', 'whatsapp'].includes(channel) || typeof answer?.segments?.total !== 'number') return null;
    const variants = Object.values(request.body_i18n || {});
    if (!hasLink(request.body) && !variants.some(hasLink)) return null;
    tracking ||= api('GET', `/settings${query({ channel })}`)
      .then((s) => (s?.tracking?.value ?? { clicks: true }).clicks !== false)
      .catch(() => true);
    if (!await tracking) return null;
    const plain = { ...request, body: disarmLinks(request.body), sample_size: 1 };
    if (request.body_i18n) plain.body_i18n = Object.fromEntries(Object.entries(request.body_i18n).map(([k, v]) => [k, disarmLinks(v)]));
    const original = await api('POST', '/segments/preview', plain);
    return Math.max(0, (original.segments?.total ?? 0) - answer.segments.total);
  };
}
