// Every message to one customer, newest first. The page is titled with the customer's name
// (remembered from the list that linked here), else their address, never an internal number.
import { api, query } from './api.js';
import { badge, channelLabel, formatDate, h, render } from './dom.js';
import { rowNote } from './logs.js';

const NAMES_KEY = 'bkntc.customer-names';

/** Remembers a customer's name for the title of their page (this tab only). */
export function rememberCustomerName(id, name) {
  if (!id || !name) return;
  try {
    const names = JSON.parse(sessionStorage.getItem(NAMES_KEY) || '{}');
    names[id] = name;
    const keys = Object.keys(names);
    if (keys.length > 500) delete names[keys[0]];
    sessionStorage.setItem(NAMES_KEY, JSON.stringify(names));
  } catch { /* storage full or unavailable: the address titles the page */ }
}

function knownName(id) {
  try { return JSON.parse(sessionStorage.getItem(NAMES_KEY) || '{}')[id] || null; } catch { return null; }
}

export async function customerView(ctx, id) {
  const page = await api('GET', `/customers/${id}/messages${query({ per_page: 100 })}`);
  const who = knownName(id) || page.customer_name || page.items.find((m) => m.address)?.address || 'this customer';
  render(ctx.view, h('h1', {}, `Messages to ${who}`),
    page.items.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Went out', 'Campaign', 'Channel', 'Address', 'Status', 'Note'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((m) => h('tr', {}, h('td', { class: 'nowrap' }, formatDate(m.sent_at)),
        h('td', {}, h('a', { href: `#/campaigns/${m.campaign_id}` }, m.campaign_name), m.kind === 'manual' ? h('div', { class: 'muted' }, 'manual send') : null),
        h('td', {}, channelLabel(m.channel)), h('td', { class: 'nowrap' }, m.address), h('td', {}, badge(m.status)), h('td', {}, rowNote(m)))))))
      : h('div', { class: 'empty' }, 'No messages to this customer yet.'));
}
