// Test send (to one address, rendered with "Test Customer") and manual send (customers picked
// by search, or addresses typed in). Each press is one action (DESIGN §21): one Idempotency-Key,
// the button busy while it runs; a manual send asks first, and a repeat of the same send within
// 10 minutes asks again ("Send again anyway").
import { action, api, query } from './api.js';
import { channelLabel, debounce, field, formatNumber, h, plural, render, showError, whileBusy } from './dom.js';
import { confirmSend } from './confirm.js';
import { smsInfo } from './sms.js';

function fullName(c) {
  return [c.first_name, c.last_name].filter(Boolean).join(' ') || 'No name on file';
}

/** The example a field's error gives, by channel. */
export function addressHint(channel) {
  return channel === 'email' ? 'Enter an email address, e.g. name@example.com.'
    : 'Enter a phone number with its country code, e.g. +44 7700 900123.';
}

const DEVELOPER_WORDS = /E\.164|IANA|\bnull\b|JSON|regex|\bint(eger)?\b|customer_ids|\bto is\b|must match|parse/i;

/**
 * An API error as a sentence a salon owner reads, naming the field: the server's own sentence when
 * it is one, else words for its code (the server's messages are being rewritten; this covers the
 * technical ones still out there).
 */
export function friendlyError(error, channel) {
  const code = error?.code || '';
  const fieldName = error?.field ? String(error.field).split(/[.[]/)[0] : null;
  const message = error?.message || '';
  const technical = !message || DEVELOPER_WORDS.test(message);
  let words = null;
  if (code === 'suppressed') words = 'This address is on the suppression list (it unsubscribed or asked not to be messaged), so nothing was sent.';
  else if (code === 'provider_not_configured') words = message && !technical ? message : `${channelLabel(channel)} sending is not set up yet: ask your administrator to connect the provider in Booknetic.`;
  else if (code === 'quota_exhausted') words = 'Your plan\'s SMS for this month are used up. Ask your administrator to raise the limit, or wait for next month.';
  else if (code === 'rate_limited') words = 'That is the most test messages for today. Try again tomorrow.';
  else if (code === 'provider_error') words = `The ${channelLabel(channel)} provider refused the message${/\d{4,5}/.test(message) ? ` (code ${message.match(/\d{4,5}/)[0]})` : ''}. Check the address and try again.`;
  else if (code === 'idempotency_key_reused') words = 'This press was already used for a different message. Press the button again to send this one.';
  else if (fieldName === 'to' && technical) words = addressHint(channel);
  else if (fieldName === 'addresses' && technical) words = `Some addresses cannot be read. ${addressHint(channel)} One per line.`;
  else if (fieldName === 'body' && technical) words = 'Write a message first.';
  else if (fieldName === 'subject' && technical) words = 'Add a subject line for the email.';
  else if ((fieldName === 'customer_ids' || code === 'no_recipients') && technical) words = 'Choose at least one customer or type an address.';
  else if (technical) words = 'Something in the form is not right. Check the fields and try again.';
  return Object.assign(new Error(words || message), { field: fieldName === 'customer_ids' ? 'addresses' : fieldName, code, status: error?.status });
}

/** What a manual send did, in words: "Queued 3 messages. 1 address was on the suppression list." */
export function manualSummary(answer, names = new Map()) {
  const parts = [`Queued ${plural(answer.queued, 'message', 'messages')}.`];
  if (answer.suppressed) parts.push(`${plural(answer.suppressed, 'address was', 'addresses were')} on the suppression list and ${answer.suppressed === 1 ? 'gets' : 'get'} nothing.`);
  if (answer.duplicates) parts.push(`${plural(answer.duplicates, 'address was', 'addresses were')} listed twice; each gets one message.`);
  if (answer.invalid?.length) {
    // The service names chosen customers in sentences ("Ann Lee has no valid phone number …");
    // typed addresses come back as typed; an older service said "customer 12".
    const addresses = [];
    for (const entry of answer.invalid.map(String)) {
      const id = entry.match(/^customer\s+#?(\d+)$/i);
      if (id) parts.push(`${names.get(Number(id[1])) || 'A chosen customer'} has no address that can be used on this channel.`);
      else if (/\s/.test(entry.trim())) parts.push(/[.!?]$/.test(entry.trim()) ? entry.trim() : `${entry.trim()}.`);
      else addresses.push(`“${entry}”`);
    }
    if (addresses.length) parts.push(`Not sent, because ${addresses.length === 1 ? 'this is not an address' : 'these are not addresses'} that can be used: ${addresses.join(', ')}.`);
  }
  return parts.join(' ');
}

/** How many recipients typed addresses make (one per line or comma-separated). */
function typedAddresses(text) {
  return (text || '').split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
}

export async function sendView(ctx) {
  const email = ctx.channel === 'email';
  const channelName = channelLabel(ctx.channel);

  // Test send.
  const to = h('input', { name: 'to', placeholder: email ? 'you@example.com' : '+44 7700 900123', autocomplete: 'off' });
  const testBody = h('textarea', { name: 'body', rows: 3 }, 'Hi {customer_first_name}, this is a test.');
  const testSubject = h('input', { name: 'subject', value: 'Test' });
  const testResult = h('p', { 'aria-live': 'polite', id: 'test-result' });
  const testButton = h('button', { type: 'submit', id: 'test-send' }, 'Send a test');
  const testAction = action();
  const testForm = h('form', { class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (testAction.running) return;
    render(testResult);
    const body = { channel: ctx.channel, to: to.value.trim(), body: testBody.value, subject: email ? testSubject.value : undefined };
    if (!body.to) { showError(testForm, { field: 'to', message: addressHint(ctx.channel) }); return; }
    try {
      await whileBusy(testButton, 'Sending…', () => testAction.run((key) => api('POST', '/test-send', body, { idempotencyKey: key('test', body) })));
      showError(testForm, null);
      render(testResult, `Test sent to ${body.to}. It is filled in as for a customer called “Test Customer”.`);
    } catch (error) { showError(testForm, friendlyError(error, ctx.channel)); }
  } }, h('h2', {}, 'Send a test to yourself'),
  h('p', { class: 'muted' }, 'See what customers get before you send it to them. Quiet hours do not hold a test.'),
  field(email ? 'Your email address' : 'Your phone number', to, 'to', email ? null : 'With the country code, e.g. +44 7700 900123'),
  email ? field('Subject', testSubject, 'subject') : null,
  field('Message', testBody, 'body'), h('div', { class: 'form-error error-text', role: 'alert' }), testButton, testResult);

  // Manual send.
  const picked = new Map();
  const search = h('input', { type: 'search', class: 'wide', placeholder: 'Search customers by name, phone or email', 'aria-label': 'Search customers' });
  const found = h('ul', { class: 'found-customers' });
  const chosen = h('ul', { id: 'chosen-customers' });
  const addresses = h('textarea', { name: 'addresses', rows: 3, placeholder: email ? 'name@example.com, one per line' : '+44 7700 900123, one per line' });
  const manualBody = h('textarea', { name: 'body', rows: 4 });
  const manualSubject = h('input', { name: 'subject' });
  const manualResult = h('div', { 'aria-live': 'polite', id: 'manual-result' });
  const sendButton = h('button', { class: 'primary', type: 'submit', id: 'send-now' }, 'Send now');
  const manualAction = action();
  function showChosen() {
    if (!picked.size) { render(chosen, h('li', { class: 'muted' }, 'Nobody chosen yet: search above, or type addresses below.')); return; }
    render(chosen, Array.from(picked.values()).map((c) => h('li', {}, `${c.name} · ${c.address || 'no address on this channel'} `,
      h('button', { type: 'button', onclick: () => { picked.delete(c.id); showChosen(); } }, 'Remove'))));
  }
  search.addEventListener('input', debounce(async () => {
    if (!search.value.trim()) { render(found); return; }
    const answer = await api('GET', `/customers${query({ q: search.value, limit: 10 })}`);
    render(found, answer.items.length ? answer.items.map((c) => {
      const address = email ? c.email : c.phone;
      return h('li', {}, h('button', { type: 'button', onclick: () => { picked.set(c.id, { id: c.id, name: fullName(c), address }); showChosen(); } },
        `Add ${fullName(c)}`), ` ${address || '(no address on this channel)'}`);
    }) : h('li', { class: 'muted' }, 'Nobody matches.'));
  }, 300));

  function clearForm() {
    picked.clear();
    showChosen();
    addresses.value = '';
    manualBody.value = '';
    manualSubject.value = '';
    search.value = '';
    render(found);
  }

  let asking = false;
  async function send(confirmDuplicate = false) {
    if (manualAction.running || asking) return;
    const body = {
      channel: ctx.channel, body: manualBody.value, subject: email ? manualSubject.value : undefined,
      customer_ids: Array.from(picked.keys()), addresses: addresses.value || undefined,
    };
    if (confirmDuplicate) body.confirm_duplicate = true;
    const count = picked.size + typedAddresses(addresses.value).length;
    if (!count) { showError(manualForm, { field: 'addresses', message: 'Choose at least one customer or type an address.' }); return; }
    if (!manualBody.value.trim()) { showError(manualForm, { field: 'body', message: 'Write a message first.' }); return; }
    showError(manualForm, null);
    render(manualResult);
    if (!confirmDuplicate) {
      const extra = [];
      if (!email) {
        const info = smsInfo(manualBody.value);
        extra.push(h('li', { dataset: { figure: 'segments' } }, h('strong', { class: 'figure' }, formatNumber(info.segments * count)),
          ` ${ctx.channel === 'whatsapp' ? 'message parts' : 'SMS'} in total (${info.segments} per person; names filled in may make some longer).`));
      }
      extra.push(h('li', {}, 'Quiet hours hold what would arrive at night; suppressed addresses get nothing.'));
      asking = true;
      let go;
      try { go = await confirmSend({ campaign: { channel: ctx.channel, name: 'Manual send' }, recipients: count, extra }); } finally { asking = false; }
      if (!go) return;
    }
    const names = new Map(Array.from(picked.values()).map((c) => [c.id, c.name]));
    try {
      const answer = await whileBusy(sendButton, 'Sending…', () => manualAction.run((key) =>
        api('POST', '/manual-send', body, { idempotencyKey: key('manual', body) })));
      clearForm();
      render(manualResult, h('p', { class: 'success' }, manualSummary(answer, names), ' ',
        h('a', { href: `#/campaigns/${answer.id}` }, 'Watch it go out')));
    } catch (error) {
      if (error.code === 'duplicate_send') {
        const again = h('button', { type: 'button', id: 'send-again', onclick: () => send(true) }, 'Send again anyway');
        render(manualResult, h('div', { class: 'notice', role: 'alert', id: 'duplicate-question' },
          h('p', {}, error.message && !DEVELOPER_WORDS.test(error.message) ? error.message : 'You sent this same message to the same people a few minutes ago. Send it again?',
            /\?\s*$/.test(error.message || '?') ? ' If you do, they get it twice.' : ' They would get it twice.'),
          h('div', { class: 'row' }, again, h('button', { type: 'button', onclick: () => render(manualResult) }, 'Don\'t send'))));
        return;
      }
      showError(manualForm, friendlyError(error, ctx.channel));
    }
  }

  showChosen();
  const manualForm = h('form', { class: 'card', novalidate: true, onsubmit: (event) => { event.preventDefault(); send(false); } },
    h('h2', {}, `Send ${ctx.channel === 'sms' ? 'an' : 'a'} ${channelName} message now`),
    h('p', { class: 'muted' }, 'To a few customers, outside a campaign: it shows in the campaigns list with its own progress and logs.'),
    search, found, h('h3', {}, 'Recipients'), chosen, field('Or type addresses', addresses, 'addresses'),
    email ? field('Subject', manualSubject, 'subject') : null, field('Message', manualBody, 'body'),
    h('div', { class: 'form-error error-text', role: 'alert' }), sendButton, manualResult);
  render(ctx.view, h('h1', {}, 'Test and manual send'), h('div', { class: 'two' }, manualForm, testForm));
}
