// The editor's saved-audience choice (DESIGN §16): use one of the channel's saved audiences (the
// campaign then carries `audience_id`, read when it sends, so a repeating campaign follows later
// edits) or the editor's own choices, which can be saved as a new audience. Names stay text.
import { api, query } from './api.js';
import { h, render } from './dom.js';
import { describe } from './audiences.js';

/**
 * `{element, selected()}`: `selected()` is the chosen audience (`{id, name, segment, filters}`)
 * or null for the editor's own choices. `current()` gives those choices (`{segment, filters}`)
 * for "Save as audience"; `onChange(audience|null)` follows every change.
 */
export function audienceChoice({ channel, selectedID, mayCreate, current, onChange }) {
  let audiences = [];
  const select = h('select', { name: 'audience_id', id: 'audience-choice' });
  const summary = h('div', { class: 'muted', id: 'audience-summary' });
  // Its own line for errors (never `.form-error`: the editor's save reports there).
  const error = h('div', { class: 'error-text audience-error', role: 'alert' });
  const selected = () => audiences.find((a) => String(a.id) === select.value) || null;

  function fill(chosenID) {
    render(select,
      h('option', { value: '' }, 'No: choose who below'),
      audiences.map((a) => h('option', { value: String(a.id), selected: String(a.id) === String(chosenID ?? '') }, a.name)));
    update();
  }
  function update() {
    const audience = selected();
    summary.textContent = audience ? `${describe(audience)}. Who it reaches is read when the campaign sends.` : '';
    if (saveButton) saveButton.hidden = !!audience;
    onChange(audience);
  }
  async function load(chosenID) {
    const page = await api('GET', `/audiences${query({ channel, per_page: 100 })}`);
    audiences = page.items;
    fill(chosenID);
  }
  async function saveCurrent(button) {
    const name = prompt('Name this audience (only your team sees it)');
    if (name === null || name.trim() === '') return;
    error.textContent = '';
    button.disabled = true;
    try {
      const { segment, filters } = current();
      const created = await api('POST', '/audiences', { name: name.trim(), channel, segment, filters });
      await load(created.id);
    } catch (failure) {
      error.textContent = failure?.message || String(failure);
    } finally {
      button.disabled = false;
    }
  }
  select.addEventListener('change', update);
  const saveButton = mayCreate ? h('button', { type: 'button', id: 'save-audience', onclick: (event) => saveCurrent(event.currentTarget) },
    'Save who below as an audience') : null;
  const element = h('div', { class: 'field', dataset: { field: 'audience_id' } },
    h('label', { for: 'audience-choice' }, 'Use a saved audience'),
    h('div', { class: 'row' }, select, saveButton), summary, error);
  load(selectedID).catch((failure) => { error.textContent = failure?.message || String(failure); });
  return { element, selected };
}
