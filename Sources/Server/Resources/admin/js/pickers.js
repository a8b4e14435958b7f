// Pickers a salon owner can use without knowing ids or formats: checkbox lists of names (with a
// search box when the list is long), appointment statuses in words, and a searchable time zone.
import { h, render } from './dom.js';

/** Booknetic's appointment statuses (DESIGN §2), in words. Other plugins may add more. */
export const APPOINTMENT_STATUSES = [
  ['approved', 'Approved'],
  ['pending', 'Pending (waiting for approval)'],
  ['canceled', 'Canceled'],
  ['rejected', 'Rejected'],
];

/**
 * A list of checkboxes named `name`, one per item `{id, name, is_active?}`; `selected` holds the
 * checked ids. Longer lists get a search box. Returns `{element, values(), onChange(fn)}`.
 */
export function checkboxList(items, selected, { name, label, numeric = true, searchAbove = 7, empty = 'Nothing to choose from yet.' }) {
  const listeners = [];
  const chosen = new Set((selected || []).map(String));
  const boxes = items.map((item) => {
    const box = h('input', { type: 'checkbox', name, value: item.id, checked: chosen.has(String(item.id)) });
    box.addEventListener('change', () => { updateSummary(); for (const fn of listeners) fn(); });
    const row = h('label', { class: 'check', dataset: { search: String(item.name).toLowerCase() } }, box,
      h('span', {}, item.name, item.is_active === false ? h('span', { class: 'muted' }, ' (no longer offered)') : null));
    return { box, row };
  });
  const summary = h('span', { class: 'muted check-summary' });
  function updateSummary() {
    const count = boxes.filter((b) => b.box.checked).length;
    summary.textContent = count ? `${count} chosen` : 'None chosen: any';
  }
  const search = items.length > searchAbove ? h('input', {
    type: 'search', class: 'check-search', placeholder: `Search ${label.toLowerCase()}…`, 'aria-label': `Search ${label.toLowerCase()}`,
  }) : null;
  search?.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    for (const { row } of boxes) row.hidden = q !== '' && !row.dataset.search.includes(q);
  });
  const clear = h('button', { type: 'button', class: 'link', onclick: () => {
    for (const { box } of boxes) box.checked = false;
    updateSummary();
    for (const fn of listeners) fn();
  } }, 'Clear');
  updateSummary();
  const element = h('fieldset', { class: 'field checklist', dataset: { field: name } },
    h('legend', {}, label),
    h('div', { class: 'row' }, search, summary, clear),
    items.length ? h('div', { class: 'check-items', role: 'group', 'aria-label': label }, boxes.map((b) => b.row))
      : h('div', { class: 'muted' }, empty),
    h('div', { class: 'error-text', role: 'alert' }));
  return {
    element,
    values: () => boxes.filter((b) => b.box.checked).map((b) => (numeric ? Number(b.box.value) : b.box.value)),
    onChange: (fn) => listeners.push(fn),
    setDisabled: (disabled) => { for (const control of element.querySelectorAll('input, button')) control.disabled = disabled; },
  };
}

/** Appointment statuses as named checkboxes; a status already chosen that we do not know stays. */
export function statusPicker(selected) {
  const known = new Set(APPOINTMENT_STATUSES.map(([slug]) => slug));
  const items = APPOINTMENT_STATUSES.map(([slug, label]) => ({ id: slug, name: label }));
  for (const slug of selected || []) {
    if (!known.has(slug)) items.push({ id: slug, name: slug.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase()) });
  }
  return checkboxList(items, selected, { name: 'statuses', label: 'Appointment status', numeric: false, searchAbove: 99 });
}

/** Every time zone the browser knows, for the settings' searchable list. */
export function timeZones() {
  try {
    const zones = Intl.supportedValuesOf('timeZone');
    return zones.includes('UTC') ? zones : ['UTC', ...zones];
  } catch {
    return ['UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Europe/Madrid', 'Europe/Istanbul', 'America/New_York',
      'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'Asia/Dubai', 'Asia/Baku', 'Asia/Kolkata', 'Australia/Sydney'];
  }
}

/** "Europe/London" → "Europe / London (now 14:05)". */
export function zoneLabel(zone) {
  let now = '';
  try {
    now = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date());
  } catch { /* unknown to this browser */ }
  return `${zone.replace(/_/g, ' ').replace(/\//g, ' / ')}${now ? ` (now ${now})` : ''}`;
}

/**
 * A searchable time zone list: a search box over a list box, plus "Use the WordPress time zone"
 * (the value null). Returns `{element, value(), onChange(fn)}`.
 */
export function timeZonePicker(current, { wordpressLabel = 'Use the WordPress time zone' } = {}) {
  const zones = timeZones();
  if (current && !zones.includes(current)) zones.unshift(current);
  const listeners = [];
  const search = h('input', { type: 'search', class: 'zone-search', placeholder: 'Type a city or region, e.g. London', 'aria-label': 'Search time zones' });
  const select = h('select', { name: 'timezone', size: 6, class: 'zone-list', 'aria-label': 'Time zone' });
  const chosen = h('div', { class: 'zone-chosen', id: 'zone-chosen' });
  let value = current || null;
  function fill() {
    const q = search.value.trim().toLowerCase().replace(/\s+/g, '_');
    const shown = zones.filter((zone) => !q || zone.toLowerCase().includes(q) || zone.toLowerCase().replace(/_/g, ' ').includes(search.value.trim().toLowerCase()));
    render(select,
      h('option', { value: '', selected: value === null }, wordpressLabel),
      shown.slice(0, 400).map((zone) => h('option', { value: zone, selected: zone === value }, zoneLabel(zone))));
  }
  function showChosen() {
    render(chosen, value === null ? 'Using the WordPress time zone.' : ['Chosen: ', h('strong', {}, zoneLabel(value))]);
  }
  search.addEventListener('input', fill);
  select.addEventListener('change', () => {
    value = select.value || null;
    showChosen();
    for (const fn of listeners) fn(value);
  });
  fill();
  showChosen();
  return {
    element: h('div', { class: 'zone-picker' }, search, select, chosen),
    value: () => value,
    onChange: (fn) => listeners.push(fn),
    setDisabled: (disabled) => { search.disabled = disabled; select.disabled = disabled; },
  };
}

/** The customer details a message may use (DESIGN §5), in words, with the §21 fallback form. */
export const SHORTCODES = [
  ['{customer_first_name|there}', 'First name (or "there" when empty)'],
  ['{customer_first_name}', 'First name'],
  ['{customer_last_name}', 'Last name'],
  ['{customer_full_name}', 'Full name'],
  ['{customer_phone}', 'Phone number'],
  ['{customer_email}', 'Email address'],
];

/** "Insert a customer detail…": a list that calls `onInsert(shortcode)` and resets. */
export function shortcodeMenu(onInsert, { label = 'Insert a customer detail…' } = {}) {
  const select = h('select', { 'aria-label': 'Insert a customer detail', class: 'shortcode-menu' },
    h('option', { value: '' }, label),
    SHORTCODES.map(([code, name]) => h('option', { value: code }, name)));
  select.addEventListener('change', () => {
    const code = select.value;
    select.value = '';
    if (code) onInsert(code);
  });
  return h('span', { class: 'shortcodes' }, select);
}
