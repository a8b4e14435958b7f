// Saved audiences (DESIGN §16): the channel's list with who each reaches and how many campaigns
// use it; rename and delete for those who may create campaigns. Deleting one that a campaign
// still uses shows the service's sentence (409 audience_in_use) next to it. Every name is text.
import { api, query } from './api.js';
import { formatDate, h, render, showError } from './dom.js';

const SEGMENTS = {
  all_customers: 'All customers', all_appointments: 'Customers with appointments', recent_bookers: 'Recent bookers',
  upcoming: 'Upcoming appointments', first_time: 'First-time customers', repeat: 'Repeat customers (3+ visits)',
  lapsed: 'Lapsed customers', cancelled_recent: 'Recently cancelled', birthday: 'Birthdays',
};

/** "Lapsed customers (90 days), 2 services" — who an audience reaches, in words. */
export function describe(audience) {
  const segment = audience.segment || {};
  const days = segment.days === undefined || segment.days === null ? '' : ` (${segment.days} days)`;
  const filters = audience.filters || {};
  const parts = [
    [filters.service_ids, 'service'], [filters.location_ids, 'location'], [filters.statuses, 'status'], [filters.category_ids, 'category'],
  ].filter(([list]) => list && list.length).map(([list, word]) => `${list.length} ${word}${list.length === 1 ? '' : (word === 'status' ? 'es' : 's')}`);
  return `${SEGMENTS[segment.type] || segment.type}${days}${parts.length ? `, ${parts.join(', ')}` : ''}`;
}

export async function audiencesView(ctx) {
  const list = h('div');
  const mayEdit = ctx.can('create');
  async function rename(audience, row) {
    const name = prompt('New name for this audience', audience.name);
    if (name === null || name.trim() === '' || name === audience.name) return;
    try {
      await api('PUT', `/audiences/${audience.id}`, {
        name, channel: audience.channel, segment: audience.segment, filters: audience.filters,
      });
      load();
    } catch (error) { showError(row, error); }
  }
  async function remove(audience, row) {
    if (!confirm(`Delete the saved audience "${audience.name}"? Campaigns keep who they were sent to.`)) return;
    try {
      await api('DELETE', `/audiences/${audience.id}`);
      load();
    } catch (error) { showError(row, error); }
  }
  async function load() {
    const page = await api('GET', `/audiences${query({ channel: ctx.channel, per_page: 100 })}`);
    render(list, page.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Who', 'Used by', 'Changed', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((audience) => {
        const error = h('div', { class: 'form-error error-text', role: 'alert' });
        const row = h('tr', { dataset: { audience: String(audience.id) } },
          h('td', {}, audience.name), h('td', {}, describe(audience)),
          h('td', {}, audience.used_by.length
            ? audience.used_by.map((id, index) => [index ? ', ' : '', h('a', { href: `#/campaigns/${id}` }, `#${id}`)])
            : h('span', { class: 'muted' }, 'no campaign')),
          h('td', {}, formatDate(audience.updated_at)),
          h('td', { class: 'actions' }, mayEdit ? [
            h('button', { type: 'button', onclick: () => rename(audience, row) }, 'Rename'),
            h('button', { type: 'button', class: 'danger', onclick: () => remove(audience, row) }, 'Delete'),
          ] : null, error));
        return row;
      }))))
      : h('div', { class: 'empty' }, 'No saved audiences on this channel yet.'));
  }
  render(ctx.view, h('h1', {}, 'Saved audiences'), list);
  await load();
}
