// Test send (to one address, rendered with "Test Customer") and manual send (customers picked
// by search, or addresses typed in).
import { api, query } from './api.js';
import { debounce, field, h, render, showError } from './dom.js';

function fullName(c) {
  return [c.first_name, c.last_name].filter(Boolean).join(' ') || `#${c.id}`;
}

export async function sendView(ctx) {
  const email = ctx.channel === 'email';
  const to = h('input', { name: 'to', placeholder: email ? 'you@example.com' : '+447700900123' });
  const testBody = h('textarea', { name: 'body', rows: 3 }, 'Hi {customer_first_name}, this is a test.');
  const testSubject = h('input', { name: 'subject', value: 'Test' });
  const testResult = h('p', { 'aria-live': 'polite' });
  const testForm = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const answer = await api('POST', '/test-send', { channel: ctx.channel, to: to.value, body: testBody.value, subject: email ? testSubject.value : undefined });
      showError(testForm, null);
      render(testResult, `Sent (${answer.provider_message_id}).`);
    } catch (error) { showError(testForm, error); }
  } }, h('h2', {}, 'Test send'), field('To', to, 'to'), email ? field('Subject', testSubject, 'subject') : null,
  field('Message', testBody, 'body'), h('div', { class: 'form-error error-text' }), h('button', { type: 'submit' }, 'Send a test'), testResult);

  const picked = new Map();
  const search = h('input', { type: 'search', placeholder: 'Search customers by name, phone or email', 'aria-label': 'Search customers' });
  const found = h('ul');
  const chosen = h('ul', { id: 'chosen-customers' });
  const addresses = h('textarea', { name: 'addresses', rows: 3, placeholder: 'Or type addresses, one per line or comma-separated' });
  const manualBody = h('textarea', { name: 'body', rows: 4 });
  const manualSubject = h('input', { name: 'subject' });
  const manualResult = h('p', { 'aria-live': 'polite', id: 'manual-result' });
  function showChosen() {
    render(chosen, Array.from(picked.values()).map((c) => h('li', {}, `${c.name} · ${c.address || ''} `,
      h('button', { type: 'button', onclick: () => { picked.delete(c.id); showChosen(); } }, 'Remove'))));
  }
  search.addEventListener('input', debounce(async () => {
    if (!search.value.trim()) { render(found); return; }
    const answer = await api('GET', `/customers${query({ q: search.value, limit: 10 })}`);
    render(found, answer.items.map((c) => {
      const address = email ? c.email : c.phone;
      return h('li', {}, h('button', { type: 'button', onclick: () => { picked.set(c.id, { id: c.id, name: fullName(c), address }); showChosen(); } },
        `Add ${fullName(c)}`), ` ${address || '(no address on this channel)'}`);
    }));
  }, 300));
  const manualForm = h('form', { class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const answer = await api('POST', '/manual-send', {
        channel: ctx.channel, body: manualBody.value, subject: email ? manualSubject.value : undefined,
        customer_ids: Array.from(picked.keys()), addresses: addresses.value || undefined,
      });
      showError(manualForm, null);
      render(manualResult, `Queued ${answer.queued}; ${answer.suppressed} suppressed, ${answer.duplicates} duplicates`,
        answer.invalid.length ? `, not valid: ${answer.invalid.join(', ')}` : '', '. ', h('a', { href: `#/campaigns/${answer.id}` }, 'Watch it go out'));
    } catch (error) { showError(manualForm, error); }
  } }, h('h2', {}, 'Manual send'), search, found, h('h3', {}, 'Recipients'), chosen, field('Addresses', addresses, 'addresses'),
  email ? field('Subject', manualSubject, 'subject') : null, field('Message', manualBody, 'body'),
  h('div', { class: 'form-error error-text' }), h('button', { class: 'primary', type: 'submit' }, 'Send now'), manualResult);
  render(ctx.view, h('h1', {}, 'Test and manual send'), h('div', { class: 'two' }, manualForm, testForm));
}
