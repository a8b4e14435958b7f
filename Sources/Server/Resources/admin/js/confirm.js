// The question before anything goes out (DESIGN §21, "Confirmation"): who receives it, on which
// channel, how many SMS that makes, how many quiet hours hold and until when, and the plan's quota
// left. Figures come from POST /segments/preview with the campaign's own audience and message;
// a campaign already snapshotted shows its snapshot's total. Cancel (or Esc) sends nothing.
import { api } from './api.js';
import { channelLabel, formatDate, formatNumber, formatWhen, h, plural, render } from './dom.js';

const SHORTCODE_WORDS = {
  customer_first_name: 'a first name', customer_last_name: 'a last name', customer_full_name: 'a name',
  customer_phone: 'a phone number', customer_email: 'an email address',
};

/** The preview request for a campaign (or an editor's payload). */
export function previewRequest(campaign) {
  const request = { channel: campaign.channel, segment: campaign.segment, filters: campaign.filters || {}, sample_size: 1 };
  if (campaign.body) request.body = campaign.body;
  if (campaign.subject) request.subject = campaign.subject;
  return request;
}

/** What the preview answer says, as lines of the dialog. Exported for the editor's summary. */
export function figureLines(channel, preview, { scheduled = false } = {}) {
  const lines = [];
  const count = preview.count ?? 0;
  const perMessage = channel === 'email' ? null : preview.segments;
  if (perMessage && typeof perMessage.total === 'number') {
    const unit = channel === 'whatsapp' ? 'message parts' : 'SMS';
    lines.push(h('li', { dataset: { figure: 'segments' } },
      h('strong', { class: 'figure' }, formatNumber(perMessage.total)), ` ${unit} in total`,
      perMessage.max > 1 ? ` (up to ${perMessage.max} per person for longer messages)` : '',
      perMessage.ucs2_recipients ? `; ${plural(perMessage.ucs2_recipients, 'person has', 'people have')} letters such as ë or ç in their message, which makes it longer` : '',
      '.'));
  }
  const missing = Object.entries(preview.missing || {}).filter(([, n]) => n > 0);
  for (const [code, n] of missing) {
    lines.push(h('li', { class: 'warn', dataset: { figure: 'missing', shortcode: code } },
      `${plural(n, 'person has', 'people have')} no ${SHORTCODE_WORDS[code]?.replace(/^an? /, '') || code.replaceAll('_', ' ')}: `,
      `where the message says {${code}} they will see nothing. Add a fallback in the editor, e.g. {${code}|there}.`));
  }
  const quiet = preview.quiet_hours;
  if (!scheduled && quiet && channel !== 'email') {
    lines.push(quiet.held > 0
      ? h('li', { dataset: { figure: 'held' } }, h('strong', { class: 'figure' }, formatNumber(quiet.held)),
        ` ${quiet.held === 1 ? 'person is' : 'people are'} outside the hours you allow messages (their own time); `,
        quiet.until ? `they get it when their quiet hours end, all by ${formatWhen(quiet.until)}.` : 'they get it when their quiet hours end.')
      : h('li', { dataset: { figure: 'held' } }, 'Everyone is inside the hours you allow messages: it goes out now.'));
  }
  const quota = preview.quota;
  if (quota && channel === 'sms') {
    const needed = perMessage?.total ?? count;
    lines.push(h('li', { class: needed > quota.left ? 'warn' : null, dataset: { figure: 'quota' } },
      h('strong', { class: 'figure' }, formatNumber(quota.left)), ` SMS left in your plan this month (of ${formatNumber(quota.limit)}).`,
      needed > quota.left ? ` This campaign needs about ${formatNumber(needed)}: it pauses when the plan's SMS run out, and you can resume it next month or after raising the limit.` : ''));
  }
  return lines;
}

/**
 * The question's dialog (modal; Cancel, Esc or closing answer false): `{summary, go, answered(),
 * result}` where `summary` is filled by the caller, `go` starts disabled until the figures are
 * in, and `result` resolves true only when the user pressed `go`. `id` names it
 * (`send-confirm`: the title `#send-confirm-title`, the figures `#send-confirm-summary`).
 */
export function askDialog({ id = 'send-confirm', title: titleText, name = null, verb }) {
  const title = h('h2', { id: `${id}-title` }, titleText);
  const summary = h('div', { id: `${id}-summary`, 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Counting who receives it…'));
  const go = h('button', { type: 'button', class: 'primary', dataset: { confirm: 'send' }, disabled: true }, verb);
  const cancel = h('button', { type: 'button', dataset: { confirm: 'cancel' }, autofocus: true }, 'Cancel');
  const dialog = h('dialog', { id, class: 'confirm', 'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-summary` },
    title, name ? h('p', { class: 'confirm-name' }, name) : null, summary,
    h('div', { class: 'actions' }, cancel, go));
  let answered = false;
  let resolve;
  const result = new Promise((r) => { resolve = r; });
  const finish = (value) => {
    if (answered) return;
    answered = true;
    dialog.close();
    dialog.remove();
    resolve(value);
  };
  cancel.addEventListener('click', () => finish(false));
  go.addEventListener('click', () => finish(true));
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); finish(false); });  // Esc
  dialog.addEventListener('close', () => finish(false));
  // Keep Tab inside the dialog (showModal makes the page inert; this also skips the browser's UI).
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const focusable = Array.from(dialog.querySelectorAll('button:not([disabled]), a[href], input, select, textarea'));
    if (!focusable.length) return;
    const first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  });
  document.getElementById('dialog-root').append(dialog);
  dialog.showModal();
  cancel.focus();
  return { summary, go, result, answered: () => answered };
}

/**
 * Asks before sending or scheduling. `campaign`: {id?, channel, name?, segment, filters, body,
 * subject, scheduled_at?, status?, run?}; or `recipients` for a manual send (a count known
 * already). Resolves true only when the user chose to send.
 */
export function confirmSend({ campaign, recipients = null, verb = null, extra = [] }) {
  return new Promise((resolve) => {
    const scheduled = campaign?.scheduled_at && new Date(campaign.scheduled_at).getTime() > Date.now();
    const channel = campaign.channel;
    const { summary, go, result, answered } = askDialog({
      title: scheduled ? 'Schedule this campaign?' : 'Send this now?', name: campaign.name, verb: verb || (scheduled ? 'Schedule' : 'Send'),
    });
    result.then(resolve);

    const show = (count, preview, note) => {
      if (answered()) return;
      const people = h('strong', { class: 'figure', id: 'confirm-count', dataset: { count: String(count) } }, formatNumber(count));
      render(summary,
        h('p', { class: 'confirm-lead' }, `${channelLabel(channel)} to `, people, count === 1 ? ' person' : ' people',
          scheduled ? `, on ${formatDate(campaign.scheduled_at)}` : '', '.'),
        note ? h('p', { class: 'muted' }, note) : null,
        h('ul', { class: 'confirm-figures' }, preview ? figureLines(channel, preview, { scheduled }) : null, extra),
        count === 0 && !scheduled ? h('p', { class: 'warn' }, 'Nobody matches this audience right now, so nothing would be sent.') : null,
        h('p', { class: 'muted' }, scheduled
          ? 'The recipients are counted again when it goes out. You can cancel it until then.'
          : 'You can pause or cancel while it is sending; nobody gets it twice.'));
      go.textContent = verb || (scheduled ? 'Schedule' : `Send to ${formatNumber(count)} ${count === 1 ? 'person' : 'people'}`);
      go.disabled = count === 0 && !scheduled;
    };

    (async () => {
      try {
        if (recipients !== null) {
          const preview = campaign.segment ? await api('POST', '/segments/preview', previewRequest(campaign)).catch(() => null) : null;
          show(recipients, preview);
          return;
        }
        let snapshot = null;
        if (campaign.id && campaign.run > 0 && campaign.status && campaign.status !== 'draft') {
          snapshot = await api('GET', `/campaigns/${campaign.id}/progress`).catch(() => null);
        }
        const preview = await api('POST', '/segments/preview', previewRequest(campaign));
        if (snapshot && snapshot.total > 0) {
          show(snapshot.total, preview, 'The recipient list was taken when it was first sent; these are the people still on it.');
        } else {
          show(preview.count, preview);
        }
      } catch (error) {
        if (answered()) return;
        render(summary, h('p', { class: 'warn' }, `Could not count the recipients (${error.message}). You can still go ahead, or cancel and try again.`));
        go.disabled = false;
      }
    })();
  });
}
