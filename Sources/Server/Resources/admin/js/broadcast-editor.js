// The broadcast editor (DESIGN §14): name, channels in the order to try them, who gets it on
// which channel, who receives it, and one message per channel, each with its other languages and,
// for email, a button (DESIGN §15, the campaign editor's translations.js). Errors show next to the
// field the API names (`content.email.subject` under the email message's subject).
import { action as userAction, api } from './api.js';
import { channelLabel, field, h, render, showError, whileBusy } from './dom.js';
import { translationFields } from './translations.js';
import { schedulePicker } from './schedule.js';

/** The business's time zone for the schedule (the tenant's setting, else this browser's). */
async function businessZone(channel) {
  const settings = await api('GET', `/settings?channel=${encodeURIComponent(channel)}`).catch(() => null);
  return settings?.timezone?.value ? [settings.timezone.value, settings.timezone.source]
    : [Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', 'default'];
}

const SEGMENTS = [
  ['all_customers', 'All customers'], ['all_appointments', 'Customers with appointments'], ['recent_bookers', 'Recent bookers'],
  ['upcoming', 'Upcoming appointments'], ['first_time', 'First-time customers'], ['repeat', 'Repeat customers (3+ visits)'],
  ['lapsed', 'Lapsed customers'], ['cancelled_recent', 'Recently cancelled'], ['birthday', 'Birthdays'],
];
const WITH_DAYS = ['recent_bookers', 'upcoming', 'lapsed', 'cancelled_recent', 'birthday'];
const saving = userAction();

function select(name, options, value) {
  return h('select', { name }, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

/**
 * Shows an API error at the field it names, or the nearest field above it:
 * `content.email.body_i18n.de` at the email message's field, `content.email.action_url` at its button.
 */
function showFieldError(form, error) {
  showError(form, error);
  const parts = error?.field ? String(error.field).split(/[.[\]]+/).filter(Boolean) : [];
  let target = null;
  for (let n = parts.length; n > 0 && !target; n -= 1) {
    const name = parts.slice(0, n).join('.');
    target = form.querySelector(`[data-field="${CSS.escape(name)}"]`)
      || (/_i18n$/.test(parts[n - 1] || '') ? form.querySelector(`[data-field="${CSS.escape(name.replace(/_i18n$/, ''))}"]`) : null);
  }
  if (!target) return;
  form.querySelector('.form-error').textContent = '';
  target.classList.add('field-error');
  target.querySelector('.error-text').textContent = error.message;
  target.querySelector('input, select, textarea')?.focus();
}

export async function broadcastEditorView(ctx, id) {
  const current = id ? await api('GET', `/broadcasts/${id}`) : null;
  const channels = current?.channels || ['sms', 'email'];
  const order = [0, 1, 2].map((index) => select(`channel-${index}`,
    [['', index < 2 ? 'Choose a channel' : 'None'], ['sms', 'SMS'], ['whatsapp', 'WhatsApp'], ['email', 'Email']], channels[index] || ''));
  const name = h('input', { name: 'name', value: current?.name || '', maxlength: 190, required: true });
  const mode = select('mode', [['first', 'Only the first channel each customer can be reached on'], ['all', 'Every channel each customer can be reached on']],
    current?.mode || 'first');
  const segment = select('segment', SEGMENTS, current?.segment?.type || 'all_customers');
  const days = h('input', { name: 'days', type: 'number', min: 0, max: 3650, value: current?.segment?.days ?? '' });
  const messages = h('div', { id: 'broadcast-messages' });
  // When it goes out: now, once at a time, or repeating, as a campaign's (DESIGN §21).
  const [zone, zoneSource] = await businessZone(channels[0]);
  const schedule = schedulePicker(current || {}, zone, zoneSource);
  const inputs = {};
  function chosen() { return [...new Set(order.map((s) => s.value).filter(Boolean))]; }
  function drawMessages() {
    render(messages, chosen().map((channel) => {
      const stored = current?.content?.[channel] || {};
      inputs[channel] ||= {
        subject: h('input', { name: `subject-${channel}`, value: stored.subject || '', maxlength: 998 }),
        body: h('textarea', { name: `body-${channel}`, rows: 5 }, stored.body || ''),
        // The same languages and button as a campaign's, each channel's own ids (`#email-new-locale`).
        translations: translationFields(stored, channel, { idPrefix: `${channel}-`, fieldPrefix: `content.${channel}.` }),
      };
      return h('fieldset', { dataset: { channel } }, h('legend', {}, `${channelLabel(channel)} message`),
        channel === 'email' ? field('Subject', inputs[channel].subject, `content.${channel}.subject`) : null,
        field('Message', inputs[channel].body, `content.${channel}.body`, 'Shortcodes such as {customer_first_name} are filled in for each customer.'),
        inputs[channel].translations.element);
    }));
  }
  order.forEach((s) => s.addEventListener('change', drawMessages));
  const form = h('form', { id: 'broadcast-editor', novalidate: true },
    h('div', { class: 'form-error error-text', role: 'alert' }),
    field('Name', name, 'name'),
    h('div', { class: 'field', dataset: { field: 'channels' } }, h('span', {}, 'Channels, in the order to try them'),
      h('div', { class: 'row' }, order), h('div', { class: 'error-text', role: 'alert' })),
    field('Who gets it on which channel', mode, 'mode'),
    field('Who receives it', segment, 'segment'), field('Days (for segments with a time window)', days, 'segment.days'),
    messages,
    h('div', { class: 'field', dataset: { field: 'scheduled_at' } }, h('span', {}, 'When'), schedule.element,
      h('div', { class: 'error-text', role: 'alert' })),
    h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'primary', id: 'save-broadcast' }, 'Save draft')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const picked = chosen();
    const content = Object.fromEntries(picked.map((channel) => [channel, {
      ...(channel === 'email' ? { subject: inputs[channel].subject.value } : {}),
      body: inputs[channel].body.value, ...inputs[channel].translations.value(),
    }]));
    const body = {
      name: name.value, channels: picked, mode: mode.value, content,
      segment: { type: segment.value, ...(WITH_DAYS.includes(segment.value) && days.value !== '' ? { days: Number(days.value) } : {}) },
    };
    try {
      Object.assign(body, schedule.value());
    } catch (incomplete) {
      showFieldError(form, { field: 'scheduled_at', message: incomplete.message });
      return;
    }
    try {
      const saved = await whileBusy(form.querySelector('#save-broadcast'), 'Saving…', () => saving.run((key) => id
        ? api('PUT', `/broadcasts/${id}`, body) : api('POST', '/broadcasts', body, { idempotencyKey: key('create', body) })));
      ctx.navigate(`#/broadcasts/${saved.id}`);
    } catch (error) { showFieldError(form, error); }
  });
  drawMessages();
  render(ctx.view, h('h1', {}, id ? 'Edit broadcast' : 'New broadcast'), form);
}
