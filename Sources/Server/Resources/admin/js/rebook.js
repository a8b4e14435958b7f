// "Time to book again" (DESIGN §19's rebook_due segment) in the campaign editor: its three
// settings in a salon owner's words, and a preset that makes the campaign the automation
// (every day, skipping customers it messaged in the last 30 days).
import { field, h } from './dom.js';

export const REBOOK_DEFAULTS = { factor: 1, window_days: 7, min_visits: 3 };

/**
 * The settings of a `rebook_due` segment, starting from `segment` when it is one.
 * Returns `{element, values(), onChange(fn), show(visible)}`; `onAutomation` runs the preset.
 */
export function rebookFields(segment, { onAutomation }) {
  const start = segment?.type === 'rebook_due' ? { ...REBOOK_DEFAULTS, ...segment } : REBOOK_DEFAULTS;
  const factor = h('input', { type: 'number', name: 'factor', min: 0.5, max: 3, step: 0.1, value: start.factor, id: 'rebook-factor' });
  const windowDays = h('input', { type: 'number', name: 'window_days', min: 1, max: 90, value: start.window_days, id: 'rebook-window' });
  const minVisits = h('input', { type: 'number', name: 'min_visits', min: 2, max: 10, value: start.min_visits, id: 'rebook-min-visits' });
  const preset = h('button', { type: 'button', id: 'rebook-automation', onclick: () => onAutomation() },
    'Make it an automation: check every day, at most one reminder a month');
  const element = h('div', { class: 'rebook-fields', id: 'rebook-fields' },
    h('p', { class: 'muted' }, 'Customers who usually come back every few weeks and are now due: from how often they visit '
      + '(or, with few visits, how often customers of their last service come back), with nothing booked yet.'),
    field('How late compared to their usual rhythm', factor, 'segment.factor',
      '1 = as soon as their usual gap has passed; 1.5 = half as long again (from 0.5 to 3).'),
    field('Window in days', windowDays, 'segment.window_days', 'How many days after falling due they stay in the list (1 to 90).'),
    field('Minimum visits to use their own rhythm', minVisits, 'segment.min_visits',
      'With fewer past visits, the usual gap of their last service is used instead (2 to 10).'),
    preset);
  const listeners = [];
  for (const control of [factor, windowDays, minVisits]) control.addEventListener('input', () => { for (const fn of listeners) fn(); });
  const number = (input) => (input.value === '' ? undefined : Number(input.value));
  return {
    element,
    values: () => {
      const values = { factor: number(factor), window_days: number(windowDays), min_visits: number(minVisits) };
      return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    },
    onChange: (fn) => listeners.push(fn),
    show: (visible) => { element.hidden = !visible; },
  };
}

/** When the sample's customer fell due (`due_at`, epoch seconds), in words. */
export function dueWords(dueAt) {
  if (dueAt === undefined || dueAt === null) return '';
  return ` · due since ${new Date(dueAt * 1000).toLocaleDateString()}`;
}
