// The campaign editor: audience with a live count, message with templates and counters,
// schedule and automation, and a rendered preview of the first recipients' messages.
import { api, query } from './api.js';
import { debounce, field, formatNumber, h, render, showError } from './dom.js';
import { describeCron } from './cron.js';
import { smsInfo } from './sms.js';

const SHORTCODES = ['{customer_first_name}', '{customer_last_name}', '{customer_full_name}', '{customer_phone}', '{customer_email}'];

function multiSelect(items, selected, name) {
  return h('select', { multiple: true, size: Math.min(6, Math.max(2, items.length)), name },
    items.map((item) => h('option', { value: item.id, selected: selected.includes(item.id) },
      item.name + (item.is_active === false ? ' (inactive)' : ''))));
}

function selectedIDs(select) {
  return Array.from(select.selectedOptions).map((option) => Number(option.value));
}

/** The HTML of an email body, shown in a sandboxed frame (no scripts, no same origin). */
function emailFrame() {
  return h('iframe', { class: 'email-frame', sandbox: '', title: 'Email preview', referrerpolicy: 'no-referrer' });
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
  const ch = c.channel;
  const form = h('form', { novalidate: true });
  const name = h('input', { name: 'name', required: true, maxlength: 190, value: c.name || '' });
  const segmentType = h('select', { name: 'segment' }, segments.items.map((s) =>
    h('option', { value: s.type, selected: s.type === c.segment.type }, s.label)));
  const days = h('input', { type: 'number', name: 'days', min: 0, max: 3650 });
  const suggested = h('span', { class: 'row' });
  const serviceSelect = multiSelect(services.items || [], c.filters.service_ids || [], 'service_ids');
  const locationSelect = multiSelect(locations.items || [], c.filters.location_ids || [], 'location_ids');
  const statuses = h('input', { name: 'statuses', placeholder: 'e.g. approved, pending', value: (c.filters.statuses || []).join(', ') });
  const minimum = h('input', { type: 'number', name: 'min_appointments', min: 0, max: 10000, value: c.filters.min_appointments ?? '' });
  const excludeSuppressed = h('input', { type: 'checkbox', checked: c.filters.exclude_suppressed !== false });
  const count = h('div', { class: 'stat', 'aria-live': 'polite' }, h('div', { class: 'value', id: 'recipient-count' }, '…'), h('div', { class: 'label' }, 'recipients right now'));
  const sample = h('ul', { class: 'muted', id: 'recipient-sample' });
  const templateSelect = h('select', { 'aria-label': 'Template' }, h('option', { value: '' }, 'Start from a template…'),
    (templates.items || []).map((t) => h('option', { value: t.id }, t.name + (t.is_builtin ? ' (built-in)' : ''))));
  const subject = h('input', { name: 'subject', maxlength: 998, value: c.subject || '' });
  const body = h('textarea', { name: 'body', rows: 8 }, c.body || '');
  const counter = h('div', { class: 'muted', id: 'sms-counter' });
  const frame = emailFrame();
  const contentSid = h('input', { name: 'content_sid', placeholder: 'HX…', value: c.content_sid || '' });
  const contentVariables = h('textarea', { name: 'content_variables', rows: 3, placeholder: '{"1": "{customer_first_name}"}' },
    c.content_variables ? JSON.stringify(c.content_variables) : '');
  const scheduledAt = h('input', { type: 'datetime-local', name: 'scheduled_at' });
  if (c.scheduled_at) {
    const date = new Date(c.scheduled_at);
    scheduledAt.value = new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  const recurrence = h('input', { name: 'recurrence', placeholder: 'e.g. 0 9 * * 1 (minute hour day month weekday)', value: c.recurrence || '' });
  const cronText = h('div', { class: 'muted', id: 'cron-text' }, describeCron(c.recurrence));
  const repeatKind = h('select', { name: 'repeat_rule' },
    h('option', { value: '' }, 'Everyone in the segment, every run'),
    h('option', { value: 'once', selected: c.repeat_rule?.once_per_customer === true }, 'Each customer once (never again)'),
    h('option', { value: 'days', selected: !!c.repeat_rule?.min_days_between }, 'Not if messaged in the last … days'));
  const repeatDays = h('input', { type: 'number', min: 1, max: 3650, value: c.repeat_rule?.min_days_between || 30, 'aria-label': 'Days between messages' });
  const holdout = h('input', { type: 'number', name: 'holdout_percent', min: 0, max: 50, value: c.holdout_percent || 0 });
  const previews = h('div', { id: 'message-previews' });
  const formError = h('div', { class: 'form-error error-text', role: 'alert' });

  function currentSegment() {
    const type = segmentType.value;
    const info = segments.items.find((s) => s.type === type);
    const segment = { type };
    if (info && info.default_days !== null && info.default_days !== undefined && days.value !== '') segment.days = Number(days.value);
    return segment;
  }

  function currentFilters() {
    const filters = { exclude_suppressed: excludeSuppressed.checked };
    const s = selectedIDs(serviceSelect);
    const l = selectedIDs(locationSelect);
    const st = statuses.value.split(',').map((x) => x.trim()).filter(Boolean);
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
    if (hasDays && (days.value === '' || !days.dataset.touched)) {
      days.value = c.segment.type === info.type && c.segment.days !== undefined ? c.segment.days : info.default_days;
    }
    render(suggested, (info?.suggested_days || []).map((d) => h('button', {
      type: 'button', onclick: () => { days.value = d; days.dataset.touched = '1'; refreshCount(); },
    }, info.type === 'birthday' ? (d === 0 ? 'today' : `next ${d} days`) : `${d} days`)));
  }

  let sequence = 0;
  const refreshCount = debounce(async () => {
    const mine = ++sequence;
    try {
      const answer = await api('POST', '/segments/preview', {
        channel: ch, segment: currentSegment(), filters: currentFilters(), body: body.value, sample_size: 5,
      });
      if (mine !== sequence) return;  // a newer selection answered (or will)
      render(count.querySelector('.value'), formatNumber(answer.count));
      render(sample, (answer.sample || []).map((r) => h('li', {}, `${r.name || '—'} · ${r.address}`)));
      showError(form, null);
    } catch (error) {
      if (mine !== sequence) return;
      render(count.querySelector('.value'), '—');
      showError(form, error);
    }
  }, 350);

  function updateCounter() {
    if (ch === 'email') {
      frame.srcdoc = body.value;
      return;
    }
    const info = smsInfo(body.value);
    render(counter, `${info.units} characters · ${info.encoding} · ${info.segments} SMS segment${info.segments === 1 ? '' : 's'} per recipient`);
  }

  function payload() {
    const data = { channel: ch, name: name.value, segment: currentSegment(), filters: currentFilters(), body: body.value };
    if (ch === 'email') data.subject = subject.value;
    if (ch === 'whatsapp' && contentSid.value.trim()) {
      data.content_sid = contentSid.value.trim();
      if (contentVariables.value.trim()) {
        try { data.content_variables = JSON.parse(contentVariables.value); } catch {
          throw Object.assign(new Error('must be a JSON object such as {"1": "{customer_first_name}"}'), { field: 'content_variables' });
        }
      }
    }
    data.scheduled_at = scheduledAt.value ? new Date(scheduledAt.value).toISOString() : null;
    data.recurrence = recurrence.value.trim() || null;
    data.repeat_rule = repeatKind.value === 'once' ? { once_per_customer: true }
      : repeatKind.value === 'days' ? { min_days_between: Number(repeatDays.value) } : null;
    data.holdout_percent = holdout.value === '' ? 0 : Number(holdout.value);
    return data;
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

  async function loadPreviews(campaignID) {
    if (!campaignID) {
      render(previews, h('p', { class: 'muted' }, 'Save the draft to see the first recipients\' messages.'));
      return;
    }
    const answer = await api('GET', `/campaigns/${campaignID}/preview-messages`).catch(() => ({ items: [] }));
    render(previews, answer.items.length ? answer.items.slice(0, 3).map((m) => h('div', {},
      h('div', { class: 'muted' }, m.address),
      m.subject ? h('strong', {}, m.subject) : null,
      h('div', { class: 'preview-message' }, m.body || JSON.stringify(m.content_variables || {})))) :
      h('p', { class: 'muted' }, 'Nobody to preview yet.'));
  }

  templateSelect.addEventListener('change', () => {
    const template = (templates.items || []).find((t) => String(t.id) === templateSelect.value);
    if (!template) return;
    body.value = template.body;
    if (template.subject) subject.value = template.subject;
    updateCounter();
    refreshCount();
  });
  for (const control of [segmentType, serviceSelect, locationSelect, excludeSuppressed]) {
    control.addEventListener('change', () => { if (control === segmentType) { days.dataset.touched = ''; days.value = ''; updateDays(); } refreshCount(); });
  }
  for (const control of [days, statuses, minimum]) control.addEventListener('input', () => { days.dataset.touched = '1'; refreshCount(); });
  body.addEventListener('input', () => { updateCounter(); });
  recurrence.addEventListener('input', () => render(cronText, describeCron(recurrence.value)));
  repeatKind.addEventListener('change', () => { repeatDays.hidden = repeatKind.value !== 'days'; });
  repeatDays.hidden = repeatKind.value !== 'days';

  const shortcodes = h('div', { class: 'shortcodes' }, SHORTCODES.map((code) => h('button', {
    type: 'button', onclick: () => {
      const start = body.selectionStart ?? body.value.length;
      body.value = body.value.slice(0, start) + code + body.value.slice(body.selectionEnd ?? start);
      body.focus();
      body.selectionStart = body.selectionEnd = start + code.length;
      updateCounter();
    },
  }, code)));

  render(form,
    h('div', { class: 'two' },
      h('div', {},
        h('div', { class: 'card' }, h('h2', {}, 'Audience'),
          field('Name', name, 'name'),
          field('Segment', segmentType, 'segment'),
          field('Days', days, 'days', 'For recent bookers, upcoming, lapsed and cancelled: the window; for birthdays: how many days ahead.'),
          suggested,
          h('details', {}, h('summary', {}, 'Filters'),
            field('Services', serviceSelect, 'service_ids', 'Ctrl/Cmd-click to choose several.'),
            field('Locations', locationSelect, 'location_ids'),
            field('Appointment statuses', statuses, 'statuses'),
            field('Minimum matching appointments', minimum, 'min_appointments'),
            h('label', { class: 'inline' }, excludeSuppressed, 'Leave out the suppression list'))),
        h('div', { class: 'card' }, h('h2', {}, 'Message'),
          templates.items?.length ? templateSelect : null,
          ch === 'email' ? field('Subject', subject, 'subject') : null,
          field(ch === 'email' ? 'Body (HTML)' : 'Body', body, 'body'), shortcodes,
          ch === 'email' ? h('div', {}, h('div', { class: 'muted' }, 'Preview (shortcodes filled in per recipient):'), frame) : counter,
          ch === 'whatsapp' ? h('div', {}, field('Approved template (Content SID)', contentSid, 'content_sid',
            'Outside the 24-hour window WhatsApp needs an approved template.'),
          field('Template variables (JSON)', contentVariables, 'content_variables')) : null),
        h('div', { class: 'card' }, h('h2', {}, 'When'),
          field('Send at (leave empty to send when you press Send)', scheduledAt, 'scheduled_at'),
          field('Repeat (cron)', recurrence, 'recurrence'), cronText,
          field('Who each run reaches', repeatKind, 'repeat_rule'), repeatDays,
          field('Hold out (%) to measure the lift', holdout, 'holdout_percent', 'That share of each run is not messaged; results compare both groups.')),
        formError,
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'primary', onclick: () => save(false) }, existing ? 'Save' : 'Save draft'),
          ctx.can('send') ? h('button', { type: 'button', onclick: () => save(true), id: 'save-and-send' }, 'Save and send') : null,
          h('a', { href: '#/campaigns' }, 'Back to campaigns'))),
      h('div', {},
        h('div', { class: 'card' }, h('h2', {}, 'Who receives it'), count, sample),
        h('div', { class: 'card' }, h('h2', {}, 'First messages'), previews))));
  render(ctx.view, h('h1', {}, existing ? `Edit “${existing.name}”` : 'New campaign'), form);
  updateDays();
  updateCounter();
  refreshCount();
  loadPreviews(existing?.id);
}
