// The campaign editor: audience with a live count (and what the message costs and misses),
// message with templates, an email editor or the SMS counter, schedule and automation, and the
// first recipients' messages exactly as they are sent. A campaign that can no longer change
// opens read only, says why and offers Duplicate (DESIGN §21).
import { api, query } from './api.js';
import { channelLabel, debounce, field, formatDate, formatNumber, h, render, showError as showFieldError } from './dom.js';
import { smsInfo } from './sms.js';
import { checkboxList, shortcodeMenu, statusPicker } from './pickers.js';
import { formatInZone, schedulePicker } from './schedule.js';
import { emailEditor, emailPreviewFrame, insertIntoTextarea, looksLikeHTML } from './email-editor.js';
import { whatsappTemplateFields } from './whatsapp.js';
import { audienceChoice } from './audience-choice.js';
import { describeLocales, translationFields } from './translations.js';
import { dueWords, rebookFields } from './rebook.js';
import { shortLinkSavings } from './short-links.js';

/** What each shortcode is, in words, and the fallback offered when it is empty. */
const DETAILS = {
  customer_first_name: ['no first name', 'there'],
  customer_last_name: ['no last name', ''],
  customer_full_name: ['no name', 'there'],
  customer_name: ['no name', 'there'],
  customer_phone: ['no phone number', ''],
  customer_email: ['no email address', ''],
};

/** The API's checks, said for a salon owner (the field keeps its place next to the control). */
const FRIENDLY = {
  name: () => 'Give the campaign a name (only you see it).',
  body: (m) => (/required|empty/.test(m) ? 'Write the message.' : `The message is too long or not valid: ${m}.`),
  subject: () => 'Write the email\'s subject line.',
  scheduled_at: (m) => (/future/.test(m) ? 'Choose a date and time that is still to come.' : 'Choose the date and time again: it could not be read.'),
  recurrence: (m) => `The custom repeat rule is not valid (${m}). Choose one of the simple schedules, or fix the rule under Advanced.`,
  'segment.days': () => 'Enter a number of days from 1 to 3650.',
  content_sid: () => 'Enter the template ID from Twilio (it starts with HX).',
  content_variables: () => 'Each blank of the template takes at most 1,024 characters.',
  holdout_percent: () => 'Keep back a whole number from 0 to 50 per cent.',
  min_appointments: () => 'Enter a whole number of appointments, 0 or more.',
  'filters.min_appointments': () => 'Enter a whole number of appointments, 0 or more.',
};

/** Why a campaign cannot be edited, in words; null when it can (the API still decides). */
export function lockedReason(campaign, progress) {
  if (!campaign) return null;
  if (campaign.kind === 'manual') return 'This was a manual send, so it cannot be changed.';
  const s = campaign.status;
  if (s === 'queued') return 'This campaign is about to send, so its message can no longer change.';
  if (s === 'sending') return 'This campaign is sending, so its message can no longer change.';
  if (s === 'completed') return 'This campaign has been sent, so its message can no longer change.';
  if (s === 'active') return 'This automation is running, so its message can no longer change.';
  if (s === 'draft') return null;
  const counters = campaign.counters || {};
  const attempted = (counters.sent || 0) + (counters.delivered || 0) + (counters.undelivered || 0) + (counters.failed || 0)
    + (counters.sending || 0) + (progress?.retrying || 0);
  if (attempted > 0 || (s === 'scheduled' && (campaign.run || 0) > 0 && campaign.recurrence)) {
    return 'Messages of this campaign already went out, so it can no longer change: a change could message the same people twice.';
  }
  return null;
}

/** "Hi {customer_first_name}, …" → "Hi ," : what a customer without the value would read. */
function wouldRead(body, code) {
  const text = (looksLikeHTML(body) ? new DOMParser().parseFromString(body, 'text/html').body.textContent : body) || '';
  const at = text.indexOf(`{${code}}`);
  if (at < 0) return null;
  let before = text.slice(Math.max(0, at - 30), at).split(/[\n.!?]/).pop();
  if (at > 30 && before.length === 30) before = `…${before.replace(/^\S*\s/, '')}`;
  let after = text.slice(at + code.length + 2).split(/[\n.!?]/)[0];
  if (after.length > 30) after = `${after.slice(0, 30).replace(/\s\S*$/, '')}…`;
  return `${before.replace(/^\s+/, '')}${after}`.replace(/\{[a-z_]+(\|[^}]*)?\}/g, '…').trim() || null;
}


async function businessZone(channel) {
  const settings = await api('GET', `/settings${query({ channel })}`).catch(() => null);
  if (settings?.timezone?.value) return [settings.timezone.value, settings.timezone.source];
  const dashboard = await api('GET', `/dashboard${query({ channel })}`).catch(() => null);
  return [dashboard?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', 'default'];
}

export async function editorView(ctx, id) {
  const channel = id ? null : ctx.channel;
  const [existing, segments, templates, services, locations] = await Promise.all([
    id ? api('GET', `/campaigns/${id}`) : Promise.resolve(null),
    api('GET', '/segments'),
    ctx.can('templates') ? api('GET', `/templates${query({ channel: ctx.channel, per_page: 100 })}`).catch(() => ({ items: [] })) : { items: [] },
    api('GET', '/services').catch(() => ({ items: [] })),
    api('GET', '/locations').catch(() => ({ items: [] })),
  ]);
  const c = existing || { channel, segment: { type: 'all_customers' }, filters: { service_ids: [], location_ids: [], statuses: [], exclude_suppressed: true } };
  /** The saved audience chosen (set once the editor's controls exist). */
  let savedAudience = null;
  const ch = c.channel;
  const [[zone, zoneSource], progress] = await Promise.all([
    businessZone(ch),
    existing && existing.status !== 'draft' ? api('GET', `/campaigns/${existing.id}/progress`).catch(() => null) : null,
  ]);
  let reason = lockedReason(existing, progress);
  if (!reason && existing && !ctx.can('create', ch)) reason = 'You may look at this campaign but not change it.';
  // Snapshotted: its recipients were fixed when it was sent; show that number, never a live one.
  const snapshotted = !!existing && !['draft', 'scheduled'].includes(existing.status) && (progress?.total ?? existing.total ?? 0) > 0;

  const form = h('form', { novalidate: true, class: 'campaign-editor' });
  const name = h('input', { name: 'name', required: true, maxlength: 190, value: c.name || '' });
  const segmentType = h('select', { name: 'segment' }, segments.items.map((s) =>
    h('option', { value: s.type, selected: s.type === c.segment.type }, s.label)));
  const days = h('input', { type: 'number', name: 'days', min: 0, max: 3650 });
  const suggested = h('span', { class: 'row' });
  const servicePicker = checkboxList(services.items || [], c.filters.service_ids || [], { name: 'service_ids', label: 'Services', empty: 'No services yet.' });
  const locationPicker = checkboxList(locations.items || [], c.filters.location_ids || [], { name: 'location_ids', label: 'Locations', empty: 'No locations yet.' });
  const statusChoice = statusPicker(c.filters.statuses || []);
  const minimum = h('input', { type: 'number', name: 'min_appointments', min: 0, max: 10000, value: c.filters.min_appointments ?? '', placeholder: '1' });
  const excludeSuppressed = h('input', { type: 'checkbox', name: 'exclude_suppressed', checked: c.filters.exclude_suppressed !== false });
  const count = h('div', { class: 'stat', 'aria-live': 'polite' }, h('div', { class: 'value', id: 'recipient-count' }, '…'),
    h('div', { class: 'label', id: 'recipient-count-label' }, snapshotted ? 'recipients when it was sent' : 'recipients right now'));
  const costLine = h('div', { class: 'cost-line', id: 'segment-total' });
  const savingsLine = h('div', { class: 'muted', id: 'short-link-savings', 'aria-live': 'polite' });
  const savings = shortLinkSavings(ch);
  const warnings = h('div', { class: 'warnings', id: 'missing-warnings', 'aria-live': 'polite' });
  const sample = h('ul', { class: 'muted', id: 'recipient-sample' });
  const templateSelect = h('select', { 'aria-label': 'Template', id: 'template-pick' }, h('option', { value: '' }, 'Start from a template…'),
    (templates.items || []).map((t) => h('option', { value: t.id }, t.name + (t.is_builtin ? ' (built-in)' : ''))));
  const subject = h('input', { name: 'subject', maxlength: 998, value: c.subject || '' });
  const body = h('textarea', { name: 'body', rows: ch === 'email' ? 14 : 8, spellcheck: 'true' });
  body.value = c.body || '';
  const counter = h('div', { class: 'muted', id: 'sms-counter' });
  const editor = ch === 'email' ? emailEditor(body) : null;
  const whatsapp = ch === 'whatsapp' ? await whatsappTemplateFields(c) : null;
  let translations = translationFields(c, ch);
  const translationSlot = h('div', {}, translations.element);
  const localesLine = h('div', { class: 'muted', id: 'locale-counts', 'aria-live': 'polite' });
  const schedule = schedulePicker(c, zone, zoneSource);
  const repeatKind = h('select', { name: 'repeat_rule' },
    h('option', { value: '' }, 'Everyone in the audience, every time'),
    h('option', { value: 'once', selected: c.repeat_rule?.once_per_customer === true }, 'Each customer only once, ever'),
    h('option', { value: 'days', selected: !!c.repeat_rule?.min_days_between }, 'Skip customers it messaged in the last … days'));
  const repeatDays = h('input', { type: 'number', min: 1, max: 3650, value: c.repeat_rule?.min_days_between || 30, 'aria-label': 'Days between messages' });
  const holdout = h('input', { type: 'number', name: 'holdout_percent', min: 0, max: 50, value: c.holdout_percent || 0 });
  const previews = h('div', { id: 'message-previews' });
  const formError = h('div', { class: 'form-error error-text', role: 'alert' });
  const preview = emailPreviewFrame();
  const previewPick = h('select', { id: 'preview-recipient', 'aria-label': 'Preview the message of' });
  /** The latest audience preview (count, segments, quiet hours, quota, missing): for the send confirmation too. */
  let lastPreview = null;
  // "Time to book again": its settings, and the preset making it the daily automation.
  const rebook = rebookFields(c.segment, {
    onAutomation: () => {
      schedule.element.querySelector('input[data-schedule="daily"]')?.click();
      repeatKind.value = 'days';
      repeatDays.value = 30;
      repeatKind.dispatchEvent(new Event('change'));
    },
  });

  function currentSegment() {
    if (savedAudience?.selected()) return savedAudience.selected().segment;
    const type = segmentType.value;
    const info = segments.items.find((s) => s.type === type);
    const segment = { type };
    if (info && info.default_days !== null && info.default_days !== undefined && days.value !== '') segment.days = Number(days.value);
    if (type === 'rebook_due') Object.assign(segment, rebook.values());
    return segment;
  }

  function currentFilters() {
    if (savedAudience?.selected()) return savedAudience.selected().filters || {};
    const filters = { exclude_suppressed: excludeSuppressed.checked };
    const s = servicePicker.values();
    const l = locationPicker.values();
    const st = statusChoice.values();
    if (s.length) filters.service_ids = s;
    if (l.length) filters.location_ids = l;
    if (st.length) filters.statuses = st;
    if (minimum.value !== '') filters.min_appointments = Number(minimum.value);
    return filters;
  }

  function updateDays() {
    const info = segments.items.find((s) => s.type === segmentType.value);
    const hasDays = info && info.default_days !== null && info.default_days !== undefined;
    days.closest('.field').hidden = !hasDays;
    rebook.show(segmentType.value === 'rebook_due');
    if (hasDays && (days.value === '' || !days.dataset.touched)) {
      days.value = c.segment.type === info.type && c.segment.days !== undefined ? c.segment.days : info.default_days;
    }
    render(suggested, (info?.suggested_days || []).map((d) => h('button', {
      type: 'button', onclick: () => { days.value = d; days.dataset.touched = '1'; refreshCount(); },
    }, info.type === 'birthday' ? (d === 0 ? 'today' : `next ${d} days`) : `${d} days`)));
  }

  /** Replaces every `{code}` without a fallback by `{code|fallback}` in the body and subject. */
  function addFallback(code, fallback) {
    const plain = new RegExp(`\\{${code}\\}`, 'g');
    const replacement = `{${code}|${fallback.replace(/[{}]/g, '')}}`;
    const next = body.value.replace(plain, replacement);
    if (editor) editor.setValue(next); else { body.value = next; updateCounter(); }
    subject.value = subject.value.replace(plain, replacement);
    refreshCount();
  }

  function showWarnings(answer) {
    const missing = answer.missing || {};
    const total = answer.count || 0;
    render(warnings, Object.entries(missing).filter(([, n]) => n > 0).map(([code, n]) => {
      const [what, suggestion] = DETAILS[code] || [`no ${code.replace(/^customer_/, '').replace(/_/g, ' ')}`, ''];
      const example = wouldRead(body.value, code) ?? wouldRead(subject.value, code);
      const fallback = h('input', { value: suggestion, class: 'fallback-input', 'aria-label': `Words to use when a customer has ${what}`, size: 10 });
      return h('div', { class: 'warning', dataset: { missing: code } },
        h('strong', {}, `${formatNumber(n)} of ${formatNumber(total)} customers have ${what}`),
        example !== null ? `: they would read “${example}”.` : '.',
        ` Add a fallback: {${code}|${suggestion || 'words'}}`,
        reason ? null : h('div', { class: 'row' }, h('span', { class: 'muted' }, 'Use instead:'), fallback,
          h('button', { type: 'button', class: 'add-fallback', onclick: () => {
            if (!fallback.value.trim()) { fallback.focus(); return; }
            addFallback(code, fallback.value.trim());
          } }, 'Add fallback')));
    }));
  }

  function showCost(answer) {
    const parts = [];
    const total = snapshotted ? (progress?.total ?? existing.total) : answer.count;
    const seg = answer.segments;
    if (seg && ch === 'sms') {
      parts.push(`${formatNumber(total)} recipient${total === 1 ? '' : 's'}`);
      parts.push(`${formatNumber(seg.total)} SMS segment${seg.total === 1 ? '' : 's'} in all`);
      if (seg.ucs2_recipients > 0) {
        parts.push(`${formatNumber(seg.ucs2_recipients)} use special characters (names like Zoë or Çağla), so fewer letters fit in each of their SMS`);
      }
    }
    const lines = parts.length ? [h('div', {}, parts.join(' · '))] : [];
    if (answer.quiet_hours?.held > 0) {
      lines.push(h('div', { class: 'muted' }, `${formatNumber(answer.quiet_hours.held)} would wait for quiet hours to end`,
        answer.quiet_hours.until ? `, until ${formatInZone(new Date(answer.quiet_hours.until), zone)}` : '', '.'));
    }
    if (answer.quota && answer.quota.limit !== null && answer.quota.limit !== undefined && answer.quota.limit >= 0) {
      lines.push(h('div', { class: answer.quota.left < total ? 'warning' : 'muted' },
        `Your plan allows ${formatNumber(answer.quota.limit)} messages a month; ${formatNumber(answer.quota.left)} are left.`));
    }
    render(costLine, lines);
  }

  function localMessages(answer) {
    // Until the service renders previews itself: the body with the sample's names filled in.
    return (answer.sample || []).slice(0, 5).map((r) => {
      const first = (r.first_name ?? (r.name || '').split(' ')[0]) || '';
      const fill = (text) => String(text || '').replace(/\{(customer_[a-z_]+|customer_name)(?:\|([^}]*))?\}/g, (_, code, fallback) => {
        const value = { customer_first_name: first, customer_last_name: r.last_name ?? (r.name || '').split(' ').slice(1).join(' '),
          customer_full_name: r.name, customer_name: r.name, customer_phone: ch === 'email' ? '' : r.address, customer_email: ch === 'email' ? r.address : '' }[code] || '';
        return value.trim() ? value : (fallback ?? '');
      });
      return { address: r.address, name: r.name, subject: fill(subject.value), body: fill(body.value), html: ch === 'email' ? fill(body.value) : null, approximate: true };
    });
  }

  function showMessages(messages, names = new Map()) {
    if (!messages.length) {
      render(previews, h('p', { class: 'muted' }, 'Nobody to preview yet.'));
      return;
    }
    const nameOf = (m, i) => {
      const who = m.name || names.get(m.address) || '';
      const label = who && who !== m.address ? `${who} · ${m.address}` : m.address;
      return m.locale ? `${label} (${m.locale})` : label;
    };
    if (ch === 'email') {
      const before = previewPick.value;
      render(previewPick, messages.map((m, i) => h('option', { value: i }, nameOf(m, i))));
      if (before && Number(before) < messages.length) previewPick.value = before;
      const subjectLine = h('div', { class: 'preview-subject', id: 'preview-subject' });
      const show = () => {
        const m = messages[Number(previewPick.value) || 0];
        render(subjectLine, h('span', { class: 'muted' }, 'Subject: '), m.subject || '');
        preview.show(m.html ?? (looksLikeHTML(m.body) ? m.body : `<pre style="white-space:pre-wrap;font:14px sans-serif">${(m.text ?? m.body ?? '').replace(/[&<>]/g, (x) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[x])}</pre>`));
      };
      previewPick.onchange = show;
      render(previews, h('label', { for: 'preview-recipient' }, 'As received by'), previewPick, subjectLine, preview.element,
        messages[0].approximate ? h('p', { class: 'muted' }, 'The unsubscribe link is added at the bottom when it is sent.') : null);
      show();
      return;
    }
    render(previews, messages.slice(0, 3).map((m, i) => {
      const text = m.body || Object.entries(m.content_variables || {}).map(([k, v]) => `{{${k}}} = ${v}`).join('\n');
      const local = smsInfo(text || '');
      const info = { segments: m.segments ?? local.segments, encoding: m.encoding ? (/ucs/i.test(m.encoding) ? 'UCS-2' : 'GSM-7') : local.encoding };
      return h('div', { class: 'preview-item' },
        h('div', { class: 'muted' }, nameOf(m, i)),
        h('div', { class: 'preview-message' }, text),
        ch === 'sms' ? h('div', { class: 'muted preview-segments' }, `${info.segments} SMS segment${info.segments === 1 ? '' : 's'}${info.encoding === 'UCS-2' ? ' (special characters)' : ''}`) : null);
    }));
  }

  let sequence = 0;
  const refreshCount = debounce(async () => {
    const mine = ++sequence;
    try {
      const request = { channel: ch, segment: currentSegment(), filters: currentFilters(), sample_size: 5 };
      // A saved campaign's messages link to its own unsubscribe page, as the sent ones will.
      if (existing?.id) request.campaign_id = existing.id;
      let template = {};
      if (whatsapp) { try { template = whatsapp.value(); } catch { /* incomplete template: text only */ } }
      const written = body.value.trim() !== '' || !!template.content_sid;
      if (written) {
        request.body = body.value;
        if (ch === 'email') request.subject = subject.value;
        Object.assign(request, template);
        // Translations count who gets which version; the button only once its link is one.
        const t = translations.value();
        request.body_i18n = t.body_i18n;
        if (ch === 'email') {
          request.subject_i18n = t.subject_i18n;
          if (t.action_label && /^https?:\/\/[^\s/?#]/i.test(t.action_url || '')) {
            Object.assign(request, { action_label: t.action_label, action_url: t.action_url, action_label_i18n: t.action_label_i18n });
          }
        }
      }
      const answer = await api('POST', '/segments/preview', request);
      if (mine !== sequence) return;  // a newer selection answered (or will)
      lastPreview = answer;
      if (!snapshotted) render(count.querySelector('.value'), formatNumber(answer.count));
      render(sample, (answer.sample || []).map((r) => h('li', {}, `${r.name || '—'} · ${r.address}${dueWords(r.due_at)}`)));
      showCost(answer);
      showSavings(request, answer, mine);
      localesLine.textContent = describeLocales(answer.locales);
      showWarnings(answer);
      const names = new Map((answer.sample || []).map((r) => [r.address, r.name]));
      if (!reason && !written) render(previews, h('p', { class: 'muted' }, 'Write the message to see it as the first recipients will get it.'));
      else if (!reason) showMessages(Array.isArray(answer.messages) ? answer.messages : localMessages(answer), names);
      showFieldError(form, null);
    } catch (error) {
      if (mine !== sequence) return;
      if (!snapshotted) render(count.querySelector('.value'), '—');
      showError(form, error);
    }
  }, 350);

  /** DESIGN §18: "Short links save 1,204 SMS segments" next to the total, when they save any. */
  async function showSavings(request, answer, mine) {
    const saved = await savings(request, answer).catch(() => null);
    if (mine !== sequence) return;
    const unit = ch === 'sms' ? `SMS segment${saved === 1 ? '' : 's'}` : `message part${saved === 1 ? '' : 's'}`;
    render(savingsLine, saved > 0 ? `Short links save ${formatNumber(saved)} ${unit} across the audience (each link goes out as a short tracked link).` : '');
  }

  function updateCounter() {
    if (ch === 'email') return;
    const info = smsInfo(body.value);
    if (ch === 'whatsapp') { render(counter, `${formatNumber(Array.from(body.value).length)} characters`); return; }
    render(counter, `${formatNumber(info.units)} characters · ${info.encoding === 'UCS-2' ? 'special characters (UCS-2)' : 'standard characters (GSM-7)'} · `
      + `${info.segments} SMS segment${info.segments === 1 ? '' : 's'} per message, before names are filled in`);
  }

  function payload() {
    const data = { channel: ch, name: name.value, segment: currentSegment(), filters: currentFilters(), body: body.value };
    if (ch === 'email') data.subject = subject.value;
    Object.assign(data, translations.value());
    const audience = savedAudience.selected();
    if (audience) { delete data.segment; delete data.filters; data.audience_id = audience.id; }
    if (whatsapp) Object.assign(data, { content_sid: null, content_variables: null }, whatsapp.value());
    const when = schedule.value();
    data.scheduled_at = when.scheduled_at;
    data.recurrence = when.recurrence;
    data.repeat_rule = repeatKind.value === 'once' ? { once_per_customer: true }
      : repeatKind.value === 'days' ? { min_days_between: Number(repeatDays.value) } : null;
    data.holdout_percent = holdout.value === '' ? 0 : Number(holdout.value);
    return data;
  }

  /** Errors in words, next to their field; a campaign that turned out locked becomes read only. */
  function showError(container, error) {
    if (error?.code === 'campaign_locked' || error?.code === 'campaign_has_sends') {
      reason = error.code === 'campaign_locked' ? 'This campaign is sending, so its message can no longer change.'
        : 'Messages of this campaign already went out, so it can no longer change: a change could message the same people twice.';
      makeReadOnly();
      return;
    }
    const friendly = error?.field ? FRIENDLY[error.field] ?? FRIENDLY[String(error.field).split(/[.[]/)[0]] : null;
    showFieldError(container, friendly && error instanceof Error && error.status ? Object.assign(Object.create(error), { message: friendly(error.message), field: error.field }) : error);
  }

  async function save(thenSend) {
    // DESIGN §21: one save or send at a time (a double click never creates or sends twice), one
    // Idempotency-Key per request of the action, and a question with the figures before sending.
    if (save.busy) return;
    save.busy = true;
    formError.textContent = '';
    const button = thenSend ? form.querySelector('#save-and-send') : form.querySelector('button.primary');
    try {
      const [{ action }, { confirmSend }, { whileBusy }] = await Promise.all([import('./api.js'), import('./confirm.js'), import('./dom.js')]);
      save.actions ??= { create: action(), send: action() };
      const data = payload();
      // Once created, a retry of the same press updates that draft instead of creating another.
      const target = existing || save.created;
      const saved = await whileBusy(button, 'Saving…', () => (target
        ? api('PUT', `/campaigns/${target.id}`, data)
        : save.actions.create.run((key) => api('POST', '/campaigns', data, { idempotencyKey: key('create', data) }))));
      if (!existing) save.created = saved;
      if (thenSend) {
        const go = await confirmSend({ campaign: { ...data, id: saved.id, status: saved.status, run: saved.run, name: saved.name || data.name } });
        if (!go) {
          if (!existing) ctx.navigate(`#/campaigns/${saved.id}/edit`);
          else formError.textContent = 'Saved as a draft. Nothing was sent.';
          return;
        }
        const scheduling = data.scheduled_at && new Date(data.scheduled_at).getTime() > Date.now();
        await whileBusy(button, scheduling ? 'Scheduling…' : 'Sending…', () => save.actions.send.run((key) =>
          api('POST', `/campaigns/${saved.id}/send`, undefined, { idempotencyKey: key('send', saved.id) })));
        ctx.navigate(`#/campaigns/${saved.id}`);
      } else if (!existing) {
        ctx.navigate(`#/campaigns/${saved.id}/edit`);
      } else {
        formError.textContent = saved.warnings?.length ? `Saved. ${saved.warnings.join(' ')}` : 'Saved.';
        loadPreviews(saved.id);
      }
    } catch (error) {
      showError(form, error);
    } finally {
      save.busy = false;
    }
  }

  /** The first recipients' messages of a saved campaign, as the service renders them. */
  async function loadPreviews(campaignID) {
    if (!campaignID) return;
    const answer = await api('GET', `/campaigns/${campaignID}/preview-messages`).catch(() => ({ items: [] }));
    showMessages(answer.items || []);
  }

  async function duplicate(button) {
    button.disabled = true;
    try {
      const copy = await api('POST', `/campaigns/${existing.id}/duplicate`);
      ctx.navigate(`#/campaigns/${copy.id}/edit`);
    } catch (error) {
      button.disabled = false;
      formError.textContent = error.message;
    }
  }

  templateSelect.addEventListener('change', () => {
    const template = (templates.items || []).find((t) => String(t.id) === templateSelect.value);
    if (!template) return;
    if (editor) editor.setValue(template.body); else body.value = template.body;
    if (template.subject) subject.value = template.subject;
    // A template's other languages and button come with it (DESIGN §15).
    translations = translationFields(template, ch);
    translations.onChange(refreshCount);
    render(translationSlot, translations.element);
    updateCounter();
    refreshCount();
  });
  for (const control of [segmentType, excludeSuppressed]) {
    control.addEventListener('change', () => { if (control === segmentType) { days.dataset.touched = ''; days.value = ''; updateDays(); } refreshCount(); });
  }
  for (const picker of [servicePicker, locationPicker, statusChoice]) picker.onChange(refreshCount);
  for (const control of [days, minimum]) control.addEventListener('input', () => { days.dataset.touched = '1'; refreshCount(); });
  body.addEventListener('input', () => { updateCounter(); refreshCount(); });
  editor?.onChange(() => refreshCount());
  whatsapp?.onChange(() => refreshCount());
  subject.addEventListener('input', refreshCount);
  translations.onChange(refreshCount);
  rebook.onChange(refreshCount);
  const repeatField = field('Who each repeat reaches', repeatKind, 'repeat_rule');
  const updateRepeat = () => {
    // Only a repeating schedule has repeats to choose for.
    repeatField.hidden = !['daily', 'weekly', 'monthly', 'advanced'].includes(schedule.mode());
    repeatDays.hidden = repeatField.hidden || repeatKind.value !== 'days';
  };
  repeatKind.addEventListener('change', updateRepeat);
  schedule.element.addEventListener('change', updateRepeat);
  updateRepeat();

  const smsShortcodes = shortcodeMenu((code) => insertIntoTextarea(body, code));
  const subjectShortcodes = shortcodeMenu((code) => insertIntoTextarea(subject, code));
  const sendButton = ctx.can('send') ? h('button', { type: 'button', onclick: () => save(true), id: 'save-and-send' }, 'Save and send') : null;
  const actions = h('div', { class: 'row editor-actions' },
    h('button', { type: 'button', class: 'primary', id: 'save-draft', onclick: () => save(false) }, existing ? 'Save' : 'Save draft'),
    sendButton,
    h('a', { href: '#/campaigns' }, 'Back to campaigns'));
  // The editor's own choices of who, hidden while a saved audience decides.
  const ownSegment = h('div', { class: 'own-segment' });
  savedAudience = audienceChoice({
    channel: ch, selectedID: c.audience_id, mayCreate: ctx.can('create'),
    current: () => ({ segment: currentSegment(), filters: currentFilters() }),
    onChange: (audience) => { ownSegment.hidden = !!audience; refreshCount(); },
  });
  const notice = h('div', { class: 'readonly-notice', id: 'readonly-notice', role: 'status', hidden: true });

  function makeReadOnly() {
    for (const control of form.querySelectorAll('input, select, textarea, button')) {
      if (!control.closest('.editor-side')) control.disabled = true;  // the preview's recipient list stays usable
    }
    editor?.setDisabled(true);
    form.classList.add('read-only');
    const canDuplicate = ctx.can('create', ch) && existing?.kind !== 'manual';
    render(notice, h('strong', {}, reason), ' ',
      canDuplicate ? 'To send something similar, duplicate it: the copy is a new draft you can change.' : '',
      h('div', { class: 'row' },
        canDuplicate ? h('button', { type: 'button', class: 'primary', id: 'duplicate-campaign', onclick: (event) => duplicate(event.currentTarget) }, 'Duplicate') : null,
        existing ? h('a', { href: `#/campaigns/${existing.id}` }, 'See how it is going') : null));
    notice.hidden = false;
    render(actions, h('a', { href: '#/campaigns' }, 'Back to campaigns'));
    for (const warning of warnings.querySelectorAll('.add-fallback')) warning.remove();
    const summary = form.querySelector('#schedule-summary');
    if (summary) summary.hidden = true;
  }

  const message = h('div', { class: 'card' }, h('h2', {}, 'Message'),
    templates.items?.length ? h('div', { class: 'row' }, templateSelect) : null,
    ch === 'email' ? h('div', { class: 'field', dataset: { field: 'subject' } }, h('label', { for: 'f-subject' }, 'Subject'),
      h('div', { class: 'row subject-row' }, Object.assign(subject, { id: 'f-subject' }), subjectShortcodes), h('div', { class: 'error-text', role: 'alert' })) : null,
    ch === 'email'
      ? h('div', { class: 'field', dataset: { field: 'body' } }, h('div', { class: 'label' }, 'Message'), editor.element, h('div', { class: 'error-text', role: 'alert' }))
      : h('div', { class: 'message-text' }, field(ch === 'whatsapp' ? 'Message text' : 'Message', body, 'body'), smsShortcodes, counter),
    translationSlot);
  if (whatsapp) {
    // A template carries its own text: the free-form text is for customers who wrote in the last day.
    message.insertBefore(whatsapp.element, message.querySelector('.message-text'));
    const text = message.querySelector('.message-text');
    const toggle = () => { text.hidden = whatsapp.usesTemplate(); };
    whatsapp.onChange(toggle);
    toggle();
  }

  render(form,
    notice,
    h('div', { class: 'two' },
      h('div', { class: 'editor-main' },
        h('div', { class: 'card' }, h('h2', {}, 'Audience'),
          field('Name', name, 'name', 'Only you see it, in the list of campaigns.'),
          savedAudience.element,
          render(ownSegment,
          field('Who', segmentType, 'segment'),
          field('Days', days, 'days', 'For recent bookers, upcoming, lapsed and cancelled: how many days back or ahead; for birthdays: how many days ahead.'),
          suggested,
          rebook.element,
          h('details', { class: 'filters', open: !!(c.filters.service_ids?.length || c.filters.location_ids?.length || c.filters.statuses?.length || c.filters.min_appointments) },
            h('summary', {}, 'Narrow it down (services, locations, appointment status)'),
            h('p', { class: 'muted' }, 'Only customers with appointments that match every choice below. Leave a list empty to accept any.'),
            servicePicker.element, locationPicker.element, statusChoice.element,
            field('At least this many matching appointments', minimum, 'min_appointments')),
          h('label', { class: 'check suppress' }, excludeSuppressed,
            'Skip customers who unsubscribed or asked not to be contacted (recommended)'))),
        message,
        h('div', { class: 'card' }, h('h2', {}, 'When'),
          schedule.element,
          repeatField, repeatDays,
          field('Keep back (%) to measure the effect', holdout, 'holdout_percent', 'That share of each send gets no message; the results compare both groups.')),
        formError,
        actions),
      h('div', { class: 'editor-side' },
        h('div', { class: 'card' }, h('h2', {}, 'Who receives it'), count, costLine, savingsLine, localesLine, warnings,
          snapshotted ? h('p', { class: 'muted', id: 'snapshot-note' }, `The list of recipients was fixed when it was sent${existing.started_at ? ` (${formatDate(existing.started_at)})` : ''}.`)
            : h('p', { class: 'muted' }, existing?.status === 'scheduled' ? 'The list is taken again when it goes out.' : 'Counted now; the list is taken when it goes out.'),
          snapshotted ? null : [h('div', { class: 'muted' }, 'For example:'), sample]),
        h('div', { class: 'card' }, h('h2', {}, 'First messages'), previews))));
  render(ctx.view, h('h1', {}, existing ? (reason ? `${channelLabel(ch)} campaign “${existing.name}”` : `Edit the ${channelLabel(ch)} campaign “${existing.name}”`)
    : `New ${channelLabel(ch)} campaign`), form);
  if (snapshotted) render(count.querySelector('.value'), formatNumber(progress?.total ?? existing.total));
  updateDays();
  updateCounter();
  if (reason) {
    makeReadOnly();
    if (!snapshotted) {
      render(count.querySelector('.value'), formatNumber(existing.total ?? 0));
      render(count.querySelector('.label'), 'recipients when it was last sent');
    }
    await loadPreviews(existing.id);
  } else if (existing && existing.status !== 'draft') {
    const was = { scheduled: 'scheduled', paused: 'paused', failed: 'stopped', cancelled: 'cancelled' }[existing.status] || existing.status;
    render(notice, h('strong', {}, `This campaign is ${was}.`),
      ' Saving a change makes it a draft again; then press “Save and send” to send or schedule it again.');
    notice.hidden = false;
  }
  // A campaign that can no longer change keeps its own figures: no live count, cost or warnings.
  if (!reason) refreshCount();
}
