// A small email editor for the owner (no third-party code): a contenteditable page with a
// toolbar (paragraph, heading, bold, italic, link, image by URL, the call-to-action button of
// DESIGN §15 as a table-based link that survives Gmail, Outlook and Apple Mail) and a shortcode
// inserter. It writes clean HTML into a textarea (the body the API gets); "HTML" shows that
// textarea for experts. What goes into the editable page is sanitized first: no scripts, no
// event handlers, no javascript: links — the body is the owner's own, but it never runs here.
import { h, render } from './dom.js';
import { shortcodeMenu } from './pickers.js';

const KEEP = new Set(['P', 'BR', 'STRONG', 'B', 'EM', 'I', 'U', 'A', 'IMG', 'H1', 'H2', 'H3', 'UL', 'OL', 'LI', 'TABLE', 'TBODY',
  'THEAD', 'TR', 'TD', 'TH', 'DIV', 'BLOCKQUOTE', 'HR', 'CENTER']);
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'INPUT', 'BUTTON', 'SELECT', 'TEXTAREA', 'LINK', 'META',
  'TITLE', 'HEAD', 'SVG', 'MATH', 'NOSCRIPT', 'TEMPLATE', 'FRAME', 'FRAMESET', 'BASE', 'AUDIO', 'VIDEO', 'SOURCE']);
const ATTRIBUTES = {
  A: ['href', 'style', 'target', 'title'],
  IMG: ['src', 'alt', 'width', 'height', 'style'],
  TABLE: ['role', 'cellpadding', 'cellspacing', 'border', 'width', 'align', 'style', 'bgcolor'],
  TD: ['style', 'align', 'bgcolor', 'width', 'valign'],
  TH: ['style', 'align'],
  P: ['style'], DIV: ['style', 'align'], H1: ['style'], H2: ['style'], H3: ['style'],
};
const RENAME = { B: 'strong', I: 'em' };

/** True when a URL is safe to keep: http(s), mailto, tel, a shortcode, or relative. */
function safeURL(value, { image = false } = {}) {
  const text = String(value || '').trim();
  if (!text) return false;
  if (/^\{[a-z_]+(\|[^}]*)?\}/i.test(text)) return !image;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text.replace(/[\u0000-\u0020]/g, ''));
  if (!scheme) return !image;
  const name = scheme[1].toLowerCase();
  return image ? ['http', 'https'].includes(name) : ['http', 'https', 'mailto', 'tel'].includes(name);
}

function safeStyle(value) {
  const text = String(value || '');
  return /expression\s*\(|javascript:|url\s*\(|behavior\s*:|@import/i.test(text) ? null : text;
}

const VOID = new Set(['BR', 'IMG', 'HR']);
const BLOCK = new Set(['P', 'H1', 'H2', 'H3', 'UL', 'OL', 'TABLE', 'DIV', 'BLOCKQUOTE', 'HR', 'CENTER']);

function escapeAttribute(value) {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeData(value) {
  // The editor's non-breaking spaces between words are plain spaces in the message.
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/\u00a0(?=[^\s\u00a0]|$)/g, ' ').replace(/\u00a0/g, '&nbsp;');
}

/**
 * The allowed parts of `source`'s children as HTML text, written here (never through a live
 * element, whose style attribute this page's CSP would refuse). `styleName` is the attribute a
 * style is written to: `style` in the message, `data-style` in the editable page (where the
 * admin's CSP allows no inline style; the editor's CSS shows buttons and images instead).
 */
function cleanChildren(source, styleName) {
  let html = '';
  for (const node of Array.from(source.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) { html += escapeData(node.nodeValue); continue; }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = node.tagName.toUpperCase();
    if (DROP.has(tag)) continue;
    if (!KEEP.has(tag)) { html += cleanChildren(node, styleName); continue; }  // unwrap (span, font, html, body…)
    let attributes = '';
    let hasURL = false;
    for (const attribute of ATTRIBUTES[tag] || []) {
      let value = attribute === 'style' ? (node.getAttribute('data-style') ?? node.getAttribute('style')) : node.getAttribute(attribute);
      if (value === null) continue;
      if (attribute === 'href' && !safeURL(value)) continue;
      if (attribute === 'src' && !safeURL(value, { image: true })) continue;
      if (attribute === 'style' && ((value = safeStyle(value)) === null || !value.trim())) continue;
      if (attribute === 'href' || attribute === 'src') hasURL = true;
      attributes += ` ${attribute === 'style' ? styleName : attribute}="${escapeAttribute(value)}"`;
    }
    if (tag === 'A' && !hasURL) { html += cleanChildren(node, styleName); continue; }
    if (tag === 'IMG' && !hasURL) continue;
    const name = RENAME[tag] || tag.toLowerCase();
    html += VOID.has(tag) ? `<${name}${attributes}>` : `<${name}${attributes}>${cleanChildren(node, styleName)}</${name}>`;
  }
  return html;
}

/** Clean HTML from any HTML: the allowed tags and attributes only (parsed inertly, never run). */
export function sanitizeHTML(html, { forEditor = false } = {}) {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html || ''}`, 'text/html');
  return cleanChildren(parsed.body, forEditor ? 'data-style' : 'style');
}

/** The editable page's content as the message's HTML: loose text at the top in paragraphs. */
function pageToHTML(page) {
  // A copy of the page in an inert document, tidied there and written out by cleanChildren.
  const parsed = document.implementation.createHTMLDocument('');
  const body = parsed.body;
  body.append(...Array.from(page.childNodes, (node) => parsed.importNode(node, true)));
  let inline = [];
  const flush = () => {
    if (!inline.length) return;
    const p = parsed.createElement('p');
    inline[0].before(p);
    for (const node of inline) p.append(node);
    inline = [];
  };
  for (const node of Array.from(body.childNodes)) {
    const block = node.nodeType === Node.ELEMENT_NODE && BLOCK.has(node.tagName.toUpperCase());
    if (block) flush(); else inline.push(node);
  }
  flush();
  for (const p of Array.from(body.querySelectorAll('p'))) {
    if (!p.textContent.trim() && !p.querySelector('img')) p.remove();  // the editor's empty lines
  }
  return cleanChildren(body, 'style');
}

/** Whether the body is HTML (as the service decides): a tag of a known kind. */
export function looksLikeHTML(text) {
  return /<\/?(p|br|div|a|strong|b|em|i|table|img|h[1-6]|ul|ol|li|html|body|span|center)\b[^>]*>/i.test(text || '');
}

/** Parts the visual editor cannot keep (a full page with styles, forms, scripts). */
function needsExpertView(html) {
  return /<(html|head|style|script|body|iframe|form|object|embed|svg|video)\b|\son[a-z]+\s*=|javascript:/i.test(html || '');
}

function escapeText(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A plain-text body as paragraphs (blank lines) and line breaks. */
export function textToHTML(text) {
  const paragraphs = String(text || '').replace(/\r\n?/g, '\n').split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);
  return paragraphs.map((p) => `<p>${escapeText(p).replace(/\n/g, '<br>')}</p>`).join('\n');
}

/** The §15 call to action: a table-based link that renders as a button in email clients. */
export function buttonHTML(label, url, color = '#3b5bdb') {
  const c = /^#[0-9a-f]{3,8}$/i.test(color) ? color : '#3b5bdb';
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:16px 0;border-collapse:separate;">`
    + `<tr><td align="center" bgcolor="${c}" style="background:${c};border-radius:6px;">`
    + `<a href="${escapeText(url)}" target="_blank" style="display:inline-block;padding:12px 24px;font-family:Arial,Helvetica,sans-serif;`
    + `font-size:16px;font-weight:bold;line-height:20px;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeText(label)}</a>`
    + `</td></tr></table>`;
}

/** Serializes the editable page: clean HTML, one block per line. */
function serialize(page) {
  return pageToHTML(page).replace(/(<\/(p|h[1-3]|table|ul|ol|blockquote|div)>)(?!\n)/g, '$1\n').trim();
}

/**
 * The editor. `textarea` is the body field (name=body) the form reads; it stays the source of
 * truth, and is only rewritten when the owner edits in the visual view. Returns
 * `{element, setValue(html), insert(text), setDisabled(flag), onChange(fn)}`.
 */
export function emailEditor(textarea, { onChange } = {}) {
  const page = h('div', {
    class: 'email-page', contenteditable: 'true', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Email message', id: 'email-page',
  });
  const listeners = onChange ? [onChange] : [];
  const changed = () => { for (const fn of listeners) fn(textarea.value); };
  let expert = false;
  let savedRange = null;

  function load(html) {
    const source = looksLikeHTML(html) ? html : textToHTML(html);
    // Sanitized first (no script, no handler, no javascript: link), parsed inertly, then moved in.
    const clean = new DOMParser().parseFromString(`<!doctype html><body>${sanitizeHTML(source, { forEditor: true }) || '<p><br></p>'}`, 'text/html');
    page.replaceChildren(...Array.from(clean.body.childNodes, (node) => document.importNode(node, true)));
    for (const table of page.querySelectorAll('table[role=presentation]')) table.setAttribute('contenteditable', 'false');
  }

  function sync() {
    textarea.value = serialize(page);
    changed();
  }

  function saveSelection() {
    const selection = document.getSelection();
    if (selection.rangeCount && page.contains(selection.getRangeAt(0).commonAncestorContainer)) savedRange = selection.getRangeAt(0).cloneRange();
  }

  function restoreSelection() {
    page.focus();
    const selection = document.getSelection();
    selection.removeAllRanges();
    if (savedRange) selection.addRange(savedRange);
    else {
      const range = document.createRange();
      range.selectNodeContents(page);
      range.collapse(false);
      selection.addRange(range);
    }
  }

  function command(name, argument) {
    restoreSelection();
    document.execCommand(name, false, argument);
    saveSelection();
    sync();
  }

  function insertHTML(html) {
    restoreSelection();
    document.execCommand('insertHTML', false, html);
    for (const table of page.querySelectorAll('table[role=presentation]')) table.setAttribute('contenteditable', 'false');
    saveSelection();
    sync();
  }

  // A small panel under the toolbar asks for a link, an image or a button.
  const panel = h('div', { class: 'editor-panel', hidden: true });
  function ask(title, fields, onDone) {
    const inputs = fields.map((f) => h('input', { type: f.type || 'text', value: f.value || '', placeholder: f.placeholder || '', 'aria-label': f.label, dataset: { name: f.name } }));
    const problem = h('div', { class: 'error-text', role: 'alert' });
    const done = () => {
      const values = Object.fromEntries(inputs.map((input) => [input.dataset.name, input.value.trim()]));
      const message = onDone(values);
      if (message) { problem.textContent = message; return; }
      panel.hidden = true;
    };
    render(panel, h('strong', {}, title),
      fields.map((f, i) => h('label', { class: 'panel-field' }, h('span', {}, f.label), inputs[i], f.hint ? h('span', { class: 'muted' }, f.hint) : null)),
      problem,
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'primary', onclick: done, dataset: { panel: 'insert' } }, 'Insert'),
        h('button', { type: 'button', onclick: () => { panel.hidden = true; } }, 'Cancel')));
    for (const input of inputs) input.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); done(); } });
    panel.hidden = false;
    inputs[0]?.focus();
  }
  const urlProblem = (url) => (!url ? 'Enter the web address.' : (!/^https?:\/\//i.test(url) && !/^\{/.test(url) ? 'Enter the full web address, starting with https://' : null));

  const tool = (label, title, action, extra = {}) => h('button', {
    type: 'button', title, 'aria-label': title, dataset: { tool: extra.id || label.toLowerCase() }, class: extra.class,
    onmousedown: (event) => { event.preventDefault(); saveSelection(); },
    onclick: action,
  }, label);
  const blockSelect = h('select', { 'aria-label': 'Text style', class: 'block-style', onchange: () => { command('formatBlock', `<${blockSelect.value}>`); blockSelect.value = 'p'; } },
    h('option', { value: 'p' }, 'Paragraph'), h('option', { value: 'h2' }, 'Heading'), h('option', { value: 'h3' }, 'Small heading'));
  blockSelect.addEventListener('mousedown', saveSelection);
  const shortcodes = shortcodeMenu((code) => {
    if (expert) { insertIntoTextarea(textarea, code); return; }
    insertHTML(escapeText(code));
  });
  const htmlToggle = h('button', { type: 'button', class: 'html-toggle', 'aria-pressed': 'false', dataset: { tool: 'html' }, onclick: () => setExpert(!expert) }, 'HTML');

  const toolbar = h('div', { class: 'editor-toolbar', role: 'toolbar', 'aria-label': 'Formatting' },
    blockSelect,
    tool('B', 'Bold', () => command('bold'), { id: 'bold', class: 'tool-bold' }),
    tool('I', 'Italic', () => command('italic'), { id: 'italic', class: 'tool-italic' }),
    tool('Link', 'Add a link', () => {
      const selected = savedRange && !savedRange.collapsed ? savedRange.toString() : '';
      ask('Link', [
        { name: 'url', label: 'Web address', placeholder: 'https://your-salon.com/book' },
        ...(selected ? [] : [{ name: 'text', label: 'Text to show', placeholder: 'Book online' }]),
      ], ({ url, text }) => {
        const problem = urlProblem(url);
        if (problem) return problem;
        if (selected) command('createLink', url);
        else insertHTML(`<a href="${escapeText(url)}">${escapeText(text || url)}</a>`);
        return null;
      });
    }),
    tool('Image', 'Add an image from a web address', () => ask('Image', [
      { name: 'url', label: 'Image address', placeholder: 'https://your-salon.com/photo.jpg', hint: 'The image must be online; email programs load it from there.' },
      { name: 'alt', label: 'Description', placeholder: 'Our new treatment room', hint: 'Shown when the image does not load.' },
    ], ({ url, alt }) => {
      if (!/^https?:\/\/\S+$/i.test(url)) return 'Enter the image\'s full web address, starting with https://';
      insertHTML(`<img src="${escapeText(url)}" alt="${escapeText(alt)}" data-style="max-width:100%;height:auto;">`);
      return null;
    })),
    tool('Button', 'Add a button (e.g. Book now)', () => ask('Button', [
      { name: 'label', label: 'Button text', value: 'Book now' },
      { name: 'url', label: 'Web address it opens', placeholder: 'https://your-salon.com/book' },
      { name: 'color', label: 'Colour', type: 'color', value: '#3b5bdb' },
    ], ({ label, url, color }) => {
      if (!label) return 'Enter the button\'s text.';
      const problem = urlProblem(url);
      if (problem) return problem;
      insertHTML(`${sanitizeHTML(buttonHTML(label, url, color), { forEditor: true })}<p><br></p>`);
      return null;
    }), { id: 'button' }),
    shortcodes,
    h('span', { class: 'spacer' }),
    htmlToggle);

  const expertNote = h('div', { class: 'muted editor-note', hidden: true });

  function setExpert(on, { silent = false } = {}) {
    if (!on && needsExpertView(textarea.value)
      && !silent && !confirm('This message has parts the visual editor cannot keep (page styles, scripts or forms). Switch anyway and remove them?')) return;
    expert = on;
    htmlToggle.setAttribute('aria-pressed', String(on));
    textarea.hidden = !on;
    page.hidden = on;
    for (const control of toolbar.querySelectorAll('button:not(.html-toggle), select')) control.disabled = on && !control.closest('.shortcodes');
    shortcodes.querySelector('select').disabled = false;
    render(expertNote, on ? 'HTML view for experts: you edit the message\'s code. Press HTML again for the visual editor.' : '');
    expertNote.hidden = !on;
    if (!on) { load(textarea.value); sync(); }
  }

  page.addEventListener('input', sync);
  page.addEventListener('keyup', saveSelection);
  page.addEventListener('mouseup', saveSelection);
  page.addEventListener('paste', (event) => {
    // Pasted text comes in as text (paragraphs kept), never as someone else's HTML.
    event.preventDefault();
    const text = event.clipboardData?.getData('text/plain') || '';
    document.execCommand('insertHTML', false, textToHTML(text) || '');
    sync();
  });
  page.addEventListener('drop', (event) => event.preventDefault());
  textarea.addEventListener('input', changed);
  try { document.execCommand('defaultParagraphSeparator', false, 'p'); } catch { /* older browsers */ }

  load(textarea.value);
  const element = h('div', { class: 'email-editor' }, toolbar, panel, page, textarea, expertNote);
  textarea.hidden = true;
  if (needsExpertView(textarea.value)) setExpert(true, { silent: true });
  return {
    element,
    setValue(html) {
      textarea.value = html;
      if (!expert && needsExpertView(html)) setExpert(true, { silent: true });
      else if (!expert) load(html);
      changed();
    },
    insert(code) { if (expert) insertIntoTextarea(textarea, code); else insertHTML(escapeText(code)); },
    setDisabled(disabled) {
      page.contentEditable = disabled ? 'false' : 'true';
      page.classList.toggle('disabled', disabled);
      textarea.disabled = disabled;
      for (const control of toolbar.querySelectorAll('button, select')) control.disabled = disabled && !control.classList.contains('html-toggle');
    },
    onChange: (fn) => listeners.push(fn),
  };
}

/** Puts `text` at the caret of a textarea or input (or at its end). */
export function insertIntoTextarea(control, text) {
  const start = control.selectionStart ?? control.value.length;
  const end = control.selectionEnd ?? start;
  control.value = control.value.slice(0, start) + text + control.value.slice(end);
  control.focus();
  control.selectionStart = control.selectionEnd = start + text.length;
  control.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * The email as its recipient sees it: a frame of the admin's own `email-frame.html` (whose CSP
 * allows an email's inline styles and web images, which this page's CSP does not), in which the
 * message is shown in a `sandbox=""` srcdoc frame — nothing in an email ever runs. Answers
 * `{element, show(html)}`; `element` is the outer frame (id `email-preview`).
 */
export function emailPreviewFrame() {
  const frame = h('iframe', {
    class: 'email-frame', id: 'email-preview', src: 'email-frame.html', sandbox: 'allow-scripts', title: 'Email preview', referrerpolicy: 'no-referrer',
  });
  let ready = false;
  let pending = null;
  const post = () => {
    if (ready && pending !== null && frame.contentWindow) frame.contentWindow.postMessage({ emailHTML: pending }, '*');
  };
  window.addEventListener('message', (event) => {
    if (event.source === frame.contentWindow && event.data?.emailFrameReady) { ready = true; post(); }
  });
  return {
    element: frame,
    show(html) {
      pending = String(html ?? '');
      frame.dataset.html = pending.length;
      post();
    },
  };
}
