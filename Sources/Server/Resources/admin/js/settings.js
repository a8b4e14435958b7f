import { api, query } from './api.js';
import { field, h, render, showError } from './dom.js';

export async function settingsView(ctx) {
  const s = await api('GET', `/settings${query({ channel: ctx.channel })}`);
  const sources = {};
  const source = (entry, key) => (sources[key] = h('div', { class: 'muted' }, `from: ${entry.source}`));
  const qh = s.quiet_hours.value;
  const start = h('input', { type: 'time', name: 'start', value: qh?.start || '08:00' });
  const end = h('input', { type: 'time', name: 'end', value: qh?.end === '24:00' ? '23:59' : (qh?.end || '21:00') });
  const zone = h('input', { name: 'timezone', placeholder: 'e.g. Europe/London', value: s.timezone.value || '' });
  const capMax = h('input', { type: 'number', min: 1, name: 'frequency_cap', value: s.frequency_cap.value?.max || '' });
  const capDays = h('input', { type: 'number', min: 1, 'aria-label': 'Days', value: s.frequency_cap.value?.days || '' });
  const rate = h('input', { type: 'number', min: 0.1, step: 0.1, name: 'rate_limit', value: s.rate_limit.value ?? '' });
  const attribution = h('input', { type: 'number', min: 1, max: 365, name: 'attribution_days', value: s.attribution_days.value ?? '' });
  const saved = h('p', { 'aria-live': 'polite' });
  const editable = ctx.can('send');
  // Only what the user changed is sent: a field left alone keeps its value and its source.
  const changed = new Set();
  const mark = (key, ...controls) => { for (const control of controls) control.addEventListener('input', () => changed.add(key)); };
  mark('quiet_hours', start, end);
  mark('timezone', zone);
  mark('frequency_cap', capMax, capDays);
  mark('rate_limit', rate);
  mark('attribution_days', attribution);
  const form = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const all = {
      quiet_hours: { start: start.value, end: end.value === '23:59' ? '24:00' : end.value },
      timezone: zone.value.trim() || null,
      frequency_cap: capMax.value ? { max: Number(capMax.value), days: Number(capDays.value || 1) } : null,
      rate_limit: rate.value ? Number(rate.value) : null,
      attribution_days: attribution.value ? Number(attribution.value) : null,
    };
    const body = { channel: ctx.channel };
    for (const key of changed) body[key] = all[key];
    if (changed.size === 0) { render(saved, 'Nothing changed.'); return; }
    try {
      const answer = await api('PUT', '/settings', body);
      showError(form, null);
      changed.clear();
      render(saved, 'Saved.');
      for (const [key, box] of Object.entries(sources)) render(box, `from: ${answer[key].source}`);
    } catch (error) { showError(form, error); }
  } },
  ctx.channel === 'email' ? null : [field('Allowed from', start, 'quiet_hours'), field('Allowed until', end, 'quiet_hours_end',
    'SMS and WhatsApp wait outside this window, in each customer\'s own time zone.'), source(s.quiet_hours, 'quiet_hours')],
  field('Time zone', zone, 'timezone', 'Empty = WordPress\' time zone.'), source(s.timezone, 'timezone'),
  field('At most … messages per customer', capMax, 'frequency_cap'), field('per … days', capDays, 'frequency_cap_days'), source(s.frequency_cap, 'frequency_cap'),
  field('Messages per second', rate, 'rate_limit', 'Empty = the provider\'s default.'), source(s.rate_limit, 'rate_limit'),
  field('Count bookings for … days after a message', attribution, 'attribution_days'), source(s.attribution_days, 'attribution_days'),
  h('div', { class: 'form-error error-text' }), editable ? h('button', { class: 'primary', type: 'submit' }, 'Save') : h('p', { class: 'muted' }, 'You may read these settings but not change them.'), saved);
  if (!editable) for (const control of form.querySelectorAll('input')) control.disabled = true;
  render(ctx.view, h('h1', {}, 'Settings'), form);
}
