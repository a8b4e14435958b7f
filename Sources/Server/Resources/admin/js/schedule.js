// The schedule picker (DESIGN §21): when I press Send / once at a date and time / every day /
// every week on chosen days / every month on a day — at a time, in the business's time zone.
// It writes the 5-field `recurrence` (and `scheduled_at`); the raw expression stays under
// "Advanced" for the rare schedule the simple choices cannot say.
import { h, render } from './dom.js';
import { describeCron } from './cron.js';

const WEEKDAYS = [[1, 'Mon', 'Monday'], [2, 'Tue', 'Tuesday'], [3, 'Wed', 'Wednesday'], [4, 'Thu', 'Thursday'],
  [5, 'Fri', 'Friday'], [6, 'Sat', 'Saturday'], [0, 'Sun', 'Sunday']];

const pad = (n) => String(n).padStart(2, '0');

/** Reads a simple cron expression back into the picker's terms; null when it is not one. */
export function parseSimpleCron(expression) {
  const parts = (expression || '').trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const [minute, hour, dom, month, dow] = parts;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || month !== '*') return null;
  const m = Number(minute);
  const hr = Number(hour);
  if (m > 59 || hr > 23) return null;
  const time = `${pad(hr)}:${pad(m)}`;
  if (dom === '*' && dow === '*') return { mode: 'daily', time };
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow)) {
    const days = [...new Set(dow.split(',').map((d) => Number(d) % 7))].sort();
    return days.length === 7 ? { mode: 'daily', time } : { mode: 'weekly', time, days };
  }
  if (dom === '*' && dow === '1-5') return { mode: 'weekly', time, days: [1, 2, 3, 4, 5] };
  if (/^\d{1,2}$/.test(dom) && Number(dom) >= 1 && Number(dom) <= 31 && dow === '*') return { mode: 'monthly', time, day: Number(dom) };
  return null;
}

/** The cron expression of a simple schedule. */
export function buildCron({ mode, time, days, day }) {
  const [hour, minute] = (time || '09:00').split(':').map(Number);
  if (mode === 'daily') return `${minute} ${hour} * * *`;
  if (mode === 'weekly') return `${minute} ${hour} * * ${[...days].sort((a, b) => a - b).join(',')}`;
  if (mode === 'monthly') return `${minute} ${hour} ${day} * *`;
  return null;
}

/** The wall-clock parts of `date` in `zone`. */
function partsIn(date, zone) {
  const values = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  for (const { type, value } of format.formatToParts(date)) values[type] = Number(value);
  return values;
}

/** The instant at which the wall clock in `zone` shows year-month-day hour:minute. */
export function zonedToInstant(year, month, day, hour, minute, zone) {
  let guess = Date.UTC(year, month - 1, day, hour, minute);
  for (let i = 0; i < 3; i += 1) {
    const p = partsIn(new Date(guess), zone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const wanted = Date.UTC(year, month - 1, day, hour, minute);
    if (shown === wanted) break;
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** "2026-12-07T09:30" (a datetime-local value) in `zone` ↔ an instant. */
export function localInputToInstant(value, zone) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || '');
  if (!match) return null;
  const [, y, mo, d, hr, mi] = match.map(Number);
  return zonedToInstant(y, mo, d, hr, mi, zone);
}

export function instantToLocalInput(date, zone) {
  const p = partsIn(date, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The first instant after now that a simple schedule fires at, in `zone` (null if none in a year). */
export function nextOccurrence(schedule, zone, now = new Date()) {
  const [hour, minute] = schedule.time.split(':').map(Number);
  const today = partsIn(now, zone);
  for (let offset = 0; offset < 400; offset += 1) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const dom = day.getUTCDate();
    const dow = day.getUTCDay();
    if (schedule.mode === 'weekly' && !schedule.days.includes(dow)) continue;
    if (schedule.mode === 'monthly' && dom !== schedule.day) continue;
    const at = zonedToInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, dom, hour, minute, zone);
    if (at > now) return at;
  }
  return null;
}

export function formatInZone(date, zone) {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(date);
}

/**
 * The picker. `campaign` gives the current `scheduled_at` and `recurrence`; `zone` is the
 * business's time zone (the tenant's setting, else WordPress'). Returns
 * `{element, value() → {scheduled_at, recurrence}, setDisabled(flag)}`; value() throws an error
 * with `field` when the choice is incomplete.
 */
export function schedulePicker(campaign, zone, zoneSource) {
  const simple = parseSimpleCron(campaign.recurrence);
  const advancedNeeded = !!campaign.recurrence && !simple;
  let initialMode = 'now';
  if (campaign.recurrence) initialMode = simple ? simple.mode : 'advanced';
  else if (campaign.scheduled_at) initialMode = 'once';

  const name = `schedule-${Math.random().toString(36).slice(2, 7)}`;
  const modes = [
    ['now', 'When I press Send'],
    ['once', 'Once, on a date and time I choose'],
    ['daily', 'Every day'],
    ['weekly', 'Every week, on the days I choose'],
    ['monthly', 'Every month, on one day'],
  ];
  const radios = {};
  const modeList = h('div', { class: 'schedule-modes', role: 'radiogroup', 'aria-label': 'When it goes out' },
    modes.map(([value, label]) => {
      radios[value] = h('input', { type: 'radio', name, value, checked: value === initialMode, dataset: { schedule: value } });
      return h('label', { class: 'check' }, radios[value], label);
    }));

  const onceAt = h('input', { type: 'datetime-local', name: 'scheduled_at', id: 'schedule-once' });
  if (campaign.scheduled_at && !campaign.recurrence) onceAt.value = instantToLocalInput(new Date(campaign.scheduled_at), zone);
  const time = h('input', { type: 'time', name: 'schedule_time', id: 'schedule-time', value: simple?.time || '09:00', required: true });
  const dayBoxes = WEEKDAYS.map(([number, short, long]) => {
    const box = h('input', { type: 'checkbox', value: number, checked: simple?.mode === 'weekly' ? simple.days.includes(number) : number === 1, dataset: { weekday: number } });
    return { box, element: h('label', { class: 'day', title: long }, box, h('span', {}, short)) };
  });
  const monthDay = h('select', { name: 'schedule_day', id: 'schedule-day', 'aria-label': 'Day of the month' },
    Array.from({ length: 31 }, (_, i) => i + 1).map((d) => h('option', { value: d, selected: d === (simple?.day || 1) }, String(d))));
  const advanced = h('input', { name: 'recurrence', id: 'schedule-cron', placeholder: 'minute hour day month weekday, e.g. 0 9 * * 1', value: campaign.recurrence || '' });
  const advancedText = h('div', { class: 'muted' });
  const details = h('details', { class: 'advanced', open: advancedNeeded },
    h('summary', {}, 'Advanced: a custom repeat rule'),
    h('p', { class: 'muted' }, 'For experts: a cron expression (minute hour day-of-month month day-of-week). It is used instead of the choices above when "Custom" is chosen.'),
    h('label', { class: 'check' }, (radios.advanced = h('input', { type: 'radio', name, value: 'advanced', checked: initialMode === 'advanced', dataset: { schedule: 'advanced' } })), 'Custom'),
    advanced, advancedText);

  const zoneNote = h('div', { class: 'muted', id: 'schedule-zone' });
  const summary = h('div', { class: 'schedule-summary', id: 'schedule-summary', 'aria-live': 'polite' });
  const onceRow = h('div', { class: 'schedule-part' }, h('label', { for: 'schedule-once' }, 'Date and time'), onceAt);
  const dayRow = h('div', { class: 'schedule-part' }, h('div', { class: 'label' }, 'On'), h('div', { class: 'days' }, dayBoxes.map((d) => d.element)));
  const monthRow = h('div', { class: 'schedule-part' }, h('label', { for: 'schedule-day' }, 'On day'), monthDay,
    h('span', { class: 'muted' }, ' of the month (in shorter months, days after the last are skipped)'));
  const timeRow = h('div', { class: 'schedule-part' }, h('label', { for: 'schedule-time' }, 'At'), time);
  const error = h('div', { class: 'error-text', role: 'alert' });

  const mode = () => Object.entries(radios).find(([, radio]) => radio.checked)?.[0] || 'now';

  function simpleSchedule() {
    const m = mode();
    if (m === 'weekly') return { mode: m, time: time.value, days: dayBoxes.filter((d) => d.box.checked).map((d) => Number(d.box.value)) };
    if (m === 'monthly') return { mode: m, time: time.value, day: Number(monthDay.value) };
    return { mode: m, time: time.value };
  }

  function update() {
    const m = mode();
    onceRow.hidden = m !== 'once';
    dayRow.hidden = m !== 'weekly';
    monthRow.hidden = m !== 'monthly';
    timeRow.hidden = !['daily', 'weekly', 'monthly'].includes(m);
    if (m === 'advanced') details.open = true;
    render(advancedText, advanced.value.trim() ? describeCron(advanced.value) : '');
    render(zoneNote, `Times are in the business's time zone: ${zone.replace(/_/g, ' ')}${zoneSource === 'default' ? ' (from WordPress)' : ''}. Change it in Settings.`);
    let text = '';
    try {
      const { scheduled_at: at, recurrence } = value();
      if (m === 'now') text = 'It goes out as soon as you press Send.';
      else if (m === 'once') text = at ? `It goes out once, on ${formatInZone(new Date(at), zone)}.` : 'Choose the date and time.';
      else if (m === 'advanced') text = recurrence ? describeCron(recurrence) : 'Type a custom rule, or choose one of the simple schedules above.';
      else text = `${describeCron(recurrence).replace(/\.$/, '')}. The first one: ${at ? formatInZone(new Date(at), zone) : '—'}.`;
    } catch (problem) {
      text = problem.message;
    }
    render(summary, text);
  }

  function value() {
    const m = mode();
    if (m === 'now') return { scheduled_at: null, recurrence: null };
    if (m === 'once') {
      if (!onceAt.value) return { scheduled_at: null, recurrence: null, incomplete: 'Choose the date and time it goes out.' };
      const at = localInputToInstant(onceAt.value, zone);
      return { scheduled_at: at.toISOString(), recurrence: null };
    }
    if (m === 'advanced') {
      const raw = advanced.value.trim();
      return { scheduled_at: null, recurrence: raw || null };
    }
    const schedule = simpleSchedule();
    if (!schedule.time) throw Object.assign(new Error('Choose the time it goes out.'), { field: 'recurrence' });
    if (m === 'weekly' && !schedule.days.length) throw Object.assign(new Error('Choose at least one day of the week.'), { field: 'recurrence' });
    const first = nextOccurrence(schedule, zone);
    return { scheduled_at: first ? first.toISOString() : null, recurrence: buildCron(schedule) };
  }

  for (const control of [...Object.values(radios), onceAt, time, monthDay, advanced, ...dayBoxes.map((d) => d.box)]) {
    control.addEventListener('input', update);
    control.addEventListener('change', update);
  }
  update();

  const element = h('div', { class: 'field schedule', dataset: { field: 'recurrence' } },
    modeList, onceRow, dayRow, monthRow, timeRow, zoneNote, summary, details, error);
  element.dataset.field = 'recurrence';
  return {
    element,
    value: () => {
      const answer = value();
      if (answer.incomplete) throw Object.assign(new Error(answer.incomplete), { field: 'recurrence' });
      return answer;
    },
    mode,
    setDisabled: (disabled) => { for (const control of element.querySelectorAll('input, select')) control.disabled = disabled; },
  };
}
