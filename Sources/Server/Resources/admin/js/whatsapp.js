// WhatsApp's approved message templates, picked by name, with their variables as fields (each
// may hold a customer detail). When the service cannot list the templates, the owner types the
// template's ID from Twilio and fills the variables row by row — never JSON.
import { api } from './api.js';
import { h, render } from './dom.js';
import { shortcodeMenu } from './pickers.js';
import { insertIntoTextarea } from './email-editor.js';

const APPROVAL = { pending: 'waiting for WhatsApp\'s approval', rejected: 'refused by WhatsApp', unsubmitted: 'not sent to WhatsApp for approval yet' };

/** A template's variables as `{name, example}` (the service answers objects; plain names too). */
function variablesOf(template) {
  return (template.variables || []).map((v) => (typeof v === 'object' && v ? { name: String(v.name), example: v.example || '' } : { name: String(v), example: '' }));
}

function variableRow(key, value, { fixedKey, onChange, onRemove, example }) {
  const keyInput = h('input', { type: 'number', min: 1, max: 99, value: key, class: 'var-key', 'aria-label': 'Blank number', readonly: fixedKey });
  const valueInput = h('input', { value: value || '', class: 'var-value', 'aria-label': `What fills blank ${key}`,
    placeholder: example ? `e.g. ${example}, or a customer detail` : 'e.g. {customer_first_name|there}' });
  for (const input of [keyInput, valueInput]) input.addEventListener('input', onChange);
  const row = h('div', { class: 'var-row', dataset: { variable: key } },
    h('span', { class: 'var-label' }, fixedKey ? `{{${key}}}` : 'Blank'), fixedKey ? null : keyInput, valueInput,
    shortcodeMenu((code) => insertIntoTextarea(valueInput, code), { label: 'Insert…' }),
    onRemove ? h('button', { type: 'button', class: 'link', onclick: () => { row.remove(); onRemove(); } }, 'Remove') : null);
  row.read = () => [String(fixedKey ? key : keyInput.value).trim(), valueInput.value];
  return row;
}

/**
 * The WhatsApp template part of the editor. `campaign` gives `content_sid` and
 * `content_variables`. Returns `{element, value() → {content_sid, content_variables} | {}, setDisabled, onChange}`.
 */
export async function whatsappTemplateFields(campaign) {
  const listeners = [];
  const changed = () => { for (const fn of listeners) fn(); };
  let templates = [];
  try {
    const answer = await api('GET', '/whatsapp-templates');
    templates = Array.isArray(answer?.items) ? answer.items : [];
  } catch { /* not offered by this service: the owner types the ID */ }

  const use = h('input', { type: 'checkbox', id: 'wa-use-template', checked: !!campaign.content_sid });
  const rows = h('div', { class: 'var-rows', id: 'wa-variables' });
  const templateBody = h('div', { class: 'preview-message', id: 'wa-template-body', hidden: true });
  let sidInput = null;
  let select = null;

  function fillRows(keys, values, fixedKeys, examples = {}) {
    render(rows, keys.map((key) => variableRow(key, values?.[key], {
      fixedKey: fixedKeys, onChange: changed, onRemove: fixedKeys ? null : changed, example: examples[key],
    })));
  }

  let picker;
  if (templates.length) {
    select = h('select', { id: 'wa-template', name: 'content_sid', 'aria-label': 'Approved template' },
      h('option', { value: '' }, 'Choose an approved template…'),
      templates.map((t) => {
        const waiting = t.approval && t.approval !== 'approved' && t.approval !== 'other' ? APPROVAL[t.approval] : null;
        return h('option', { value: t.sid, selected: t.sid === campaign.content_sid, disabled: !!waiting && t.sid !== campaign.content_sid },
          `${t.name}${t.language ? ` (${t.language})` : ''}${waiting ? ` — ${waiting}` : ''}`);
      }));
    if (campaign.content_sid && !templates.some((t) => t.sid === campaign.content_sid)) {
      select.append(h('option', { value: campaign.content_sid, selected: true }, 'A template this account no longer lists'));
    }
    const showTemplate = (values) => {
      const template = templates.find((t) => t.sid === select.value);
      templateBody.hidden = !template;
      if (template) {
        render(templateBody, template.body || '');
        const variables = variablesOf(template);
        fillRows(variables.map((v) => v.name), values, true, Object.fromEntries(variables.map((v) => [v.name, v.example])));
      } else {
        render(rows);
      }
    };
    select.addEventListener('change', () => { showTemplate(readValues()); changed(); });
    picker = h('div', {}, h('label', { for: 'wa-template' }, 'Approved template'), select, templateBody);
    showTemplate(campaign.content_variables || {});
  } else {
    sidInput = h('input', { id: 'wa-template-id', name: 'content_sid', value: campaign.content_sid || '', placeholder: 'HX…', autocomplete: 'off' });
    sidInput.addEventListener('input', changed);
    const keys = Object.keys(campaign.content_variables || {});
    fillRows(keys.length ? keys : ['1'], campaign.content_variables || {}, false);
    picker = h('div', {},
      h('label', { for: 'wa-template-id' }, 'Template ID (from Twilio, starts with HX)'), sidInput,
      h('div', { class: 'muted' }, 'In Twilio: Messaging › Content Template Builder, the template\'s ID.'),
      h('div', { class: 'label' }, 'What fills the template\'s blanks {{1}}, {{2}}…'));
  }
  const addRow = sidInput ? h('button', { type: 'button', onclick: () => {
    const used = Array.from(rows.children).map((row) => Number(row.read()[0]) || 0);
    const next = String(Math.max(0, ...used) + 1);
    rows.append(variableRow(next, '', { fixedKey: false, onChange: changed, onRemove: changed }));
    changed();
  } }, 'Add a blank') : null;

  function readValues() {
    const values = {};
    for (const row of rows.children) {
      const [key, value] = row.read();
      if (key) values[key] = value;
    }
    return values;
  }

  const body = h('div', { class: 'wa-template-body', hidden: !use.checked }, picker, rows, addRow);
  use.addEventListener('change', () => { body.hidden = !use.checked; changed(); });
  const element = h('div', { class: 'field wa-template', dataset: { field: 'content_sid' } },
    h('label', { class: 'check' }, use, 'Send an approved WhatsApp template'),
    h('div', { class: 'muted' }, 'WhatsApp delivers a free-form message only to customers who wrote to you in the last 24 hours; everyone else needs a template WhatsApp approved.'),
    body,
    h('div', { class: 'error-text', role: 'alert' }));
  return {
    element,
    value() {
      if (!use.checked) return {};
      const sid = (select ? select.value : sidInput.value).trim();
      if (!sid) throw Object.assign(new Error(select ? 'Choose the approved template.' : 'Enter the template ID from Twilio (it starts with HX).'), { field: 'content_sid' });
      if (!select && !/^HX[0-9A-Za-z]{8,}$/.test(sid)) {
        throw Object.assign(new Error('The template ID starts with HX followed by letters and digits; copy it from Twilio.'), { field: 'content_sid' });
      }
      const variables = readValues();
      return { content_sid: sid, content_variables: Object.keys(variables).length ? variables : null };
    },
    usesTemplate: () => use.checked,
    setDisabled(disabled) { for (const control of element.querySelectorAll('input, select, button')) control.disabled = disabled; },
    onChange: (fn) => listeners.push(fn),
  };
}
