// Settings per channel (DESIGN §10), in words: the hours messages may go out, the business's
// time zone from a searchable list, how often a customer may be messaged, the sending pace and
// how long a booking counts as brought by a campaign.
import { api, query } from './api.js';
import { channelLabel, field, h, render, showError } from './dom.js';
import { timeZonePicker } from './pickers.js';

const SOURCE = { tenant: 'Your setting', environment: 'Set by the server\'s configuration', default: 'Standard setting' };

export async function settingsView(ctx) {
  const s = await api('GET', `/settings${query({ channel: ctx.channel })}`);
  const sources = {};
  const source = (entry, key) => (sources[key] = h('div', { class: 'muted setting-source' }, SOURCE[entry.source] || entry.source));
  const qh = s.quiet_hours.value;
  const always = qh && qh.start === '00:00' && qh.end === '24:00';
  const start = h('input', { type: 'time', name: 'start', id: 'quiet-start', value: qh?.start || '08:00' });
  const end = h('input', { type: 'time', name: 'end', id: 'quiet-end', value: !qh || always ? '21:00' : (qh.end === '24:00' ? '23:59' : qh.end) });
  const anyTime = h('input', { type: 'checkbox', id: 'quiet-any-time', checked: !!always });
  const zone = timeZonePicker(s.timezone.value || null);
  const capOn = h('input', { type: 'checkbox', id: 'cap-on', checked: !!s.frequency_cap.value });
  const capMax = h('input', { type: 'number', min: 1, name: 'frequency_cap', value: s.frequency_cap.value?.max || 1, 'aria-label': 'Messages at most', class: 'short' });
  const capDays = h('input', { type: 'number', min: 1, 'aria-label': 'Days', value: s.frequency_cap.value?.days || 7, class: 'short' });
  const rate = h('input', { type: 'number', min: 0.1, step: 0.1, name: 'rate_limit', value: s.rate_limit.value ?? '', class: 'short' });
  const attribution = h('input', { type: 'number', min: 1, max: 365, name: 'attribution_days', value: s.attribution_days.value ?? '', placeholder: '7', class: 'short' });
  const tracking = s.tracking?.value || { clicks: true, opens: false };
  const clicks = h('input', { type: 'checkbox', id: 'tracking-clicks', checked: !!tracking.clicks });
  const opens = h('input', { type: 'checkbox', id: 'tracking-opens', checked: !!tracking.opens });
  const saved = h('p', { 'aria-live': 'polite', id: 'settings-saved' });
  const editable = ctx.can('send');
  // Only what the user changed is sent: a field left alone keeps its value and its source.
  const changed = new Set();
  const mark = (key, ...controls) => { for (const control of controls) { control.addEventListener('input', () => changed.add(key)); control.addEventListener('change', () => changed.add(key)); } };
  mark('quiet_hours', start, end, anyTime);
  zone.onChange(() => changed.add('timezone'));
  mark('frequency_cap', capOn, capMax, capDays);
  mark('rate_limit', rate);
  mark('attribution_days', attribution);
  mark('tracking', clicks, opens);
  const windowRow = h('div', { class: 'row quiet-row' }, 'Send only between', start, 'and', end);
  const quietHint = h('div', { class: 'muted' });
  const updateQuiet = () => {
    windowRow.hidden = anyTime.checked;
    render(quietHint, anyTime.checked ? `${channelLabel(ctx.channel)} messages go out at any hour.`
      : `${channelLabel(ctx.channel)} messages outside these hours wait until the window opens again, in each customer's own time zone where it is known, else the business's.`);
  };
  anyTime.addEventListener('change', updateQuiet);
  updateQuiet();
  const capRow = h('div', { class: 'row' }, 'At most', capMax, 'message(s) per customer every', capDays, 'day(s)');
  const updateCap = () => { capRow.hidden = !capOn.checked; };
  capOn.addEventListener('change', updateCap);
  updateCap();

  const form = h('form', { class: 'card settings-form', onsubmit: async (event) => {
    event.preventDefault();
    if (start.value && end.value && start.value === end.value && !anyTime.checked) {
      showError(form, { field: 'quiet_hours', message: 'The start and the end are the same time: choose a window, or tick "Any time of day".' });
      return;
    }
    const all = {
      quiet_hours: anyTime.checked ? { start: '00:00', end: '24:00' } : { start: start.value, end: end.value === '23:59' ? '24:00' : end.value },
      timezone: zone.value(),
      frequency_cap: capOn.checked ? { max: Number(capMax.value || 1), days: Number(capDays.value || 1) } : null,
      rate_limit: rate.value ? Number(rate.value) : null,
      attribution_days: attribution.value ? Number(attribution.value) : null,
      tracking: { clicks: clicks.checked, opens: ctx.channel === 'email' ? opens.checked : !!tracking.opens },
    };
    const body = { channel: ctx.channel };
    for (const key of changed) body[key] = all[key];
    if (changed.size === 0) { render(saved, 'Nothing changed.'); return; }
    try {
      const answer = await api('PUT', '/settings', body);
      showError(form, null);
      changed.clear();
      render(saved, 'Saved.');
      for (const [key, box] of Object.entries(sources)) if (answer[key]) render(box, SOURCE[answer[key].source] || answer[key].source);
    } catch (error) { showError(form, error); }
  } },
  ctx.channel === 'email' ? null : h('section', { class: 'setting' }, h('h2', {}, 'Hours messages may go out'),
    h('div', { class: 'field', dataset: { field: 'quiet_hours' } },
      windowRow,
      h('label', { class: 'check' }, anyTime, 'Any time of day (never wait)'),
      quietHint,
      h('div', { class: 'error-text', role: 'alert' })),
    source(s.quiet_hours, 'quiet_hours')),
  h('section', { class: 'setting' }, h('h2', {}, 'Your business\'s time zone'),
    h('div', { class: 'muted' }, 'Schedules, birthdays and the dashboard\'s days follow it.'),
    h('div', { class: 'field', dataset: { field: 'timezone' } }, zone.element, h('div', { class: 'error-text', role: 'alert' })), source(s.timezone, 'timezone')),
  h('section', { class: 'setting' }, h('h2', {}, 'How often a customer may hear from you'),
    h('div', { class: 'field', dataset: { field: 'frequency_cap' } },
      h('label', { class: 'check' }, capOn, 'Limit how many campaign messages a customer gets'), capRow,
      h('div', { class: 'muted' }, 'Customers over the limit are skipped by later campaigns and shown as skipped in the logs.'),
      h('div', { class: 'error-text', role: 'alert' })),
    source(s.frequency_cap, 'frequency_cap')),
  h('section', { class: 'setting' }, h('h2', {}, 'Sending pace'),
    field('Messages per second', rate, 'rate_limit', 'Leave it empty to send as fast as your provider allows.'), source(s.rate_limit, 'rate_limit')),
  h('section', { class: 'setting' }, h('h2', {}, 'Results'),
    field('Count a booking as brought by a campaign for this many days after its message', attribution, 'attribution_days'), source(s.attribution_days, 'attribution_days')),
  h('section', { class: 'setting' }, h('h2', {}, 'Clicks and opens'),
    h('div', { class: 'field', dataset: { field: 'tracking' } },
      h('label', { class: 'check' }, clicks, 'Count clicks: links in messages become short links that count who clicked'),
      ctx.channel === 'email' ? h('label', { class: 'check' }, opens, 'Count opens: emails carry an invisible image that notes the first open') : null,
      ctx.channel === 'email' ? h('div', { class: 'muted' }, 'Opens are indicative: some mail apps load images for every email, others never do.') : null,
      h('div', { class: 'error-text', role: 'alert' })),
    source(s.tracking || { source: 'default' }, 'tracking')),
  h('div', { class: 'form-error error-text' }), editable ? h('button', { class: 'primary', type: 'submit' }, 'Save') : h('p', { class: 'muted' }, 'You may read these settings but not change them.'), saved);
  if (!editable) {
    for (const control of form.querySelectorAll('input, select')) control.disabled = true;
    zone.setDisabled(true);
  }
  render(ctx.view, h('h1', {}, `Settings for ${channelLabel(ctx.channel)}`), form);
}
