// The admin UI: session start, channel switcher, provider banner and a hash router.
import { api, startSession } from './api.js';
import { mayExchangeLaunch } from './launch.js';
import { channelLabel, h, render } from './dom.js';
import { dashboardView } from './dashboard.js';
import { campaignsView } from './campaigns.js';
import { editorView } from './editor.js';
import { progressView } from './progress.js';
import { logsView } from './logs.js';
import { resultsView } from './results.js';
import { suppressionsView } from './suppressions.js';
import { templatesView } from './templates.js';
import { settingsView } from './settings.js';
import { customerView } from './customer.js';
import { sendView } from './send.js';
import { auditView } from './audit.js';
import { audiencesView } from './audiences.js';
import { broadcastView, broadcastsView } from './broadcasts.js';
import { broadcastEditorView } from './broadcast-editor.js';

const CHANNELS = [['sms', 'SMS'], ['whatsapp', 'WhatsApp'], ['email', 'Email']];
const CAPABILITY = {
  read: 'campaigns', create: 'campaigns_create', send: 'campaigns_send', delete: 'campaigns_delete',
  templates: 'campaign_templates', logs: 'campaign_logs', suppressions: 'campaign_suppressions',
};
const SECTIONS = [
  ['#/', 'Dashboard', 'read'], ['#/campaigns', 'Campaigns', 'read'], ['#/send', 'Test & manual send', 'send'],
  ['#/suppressions', 'Suppressions', 'suppressions'], ['#/templates', 'Templates', 'templates'],
  ['#/broadcasts', 'Broadcasts', 'read'], ['#/audiences', 'Audiences', 'read'], ['#/settings', 'Settings', 'read'],
  ['#/audit', 'History', 'logs'],
];
const ROUTES = [
  [/^#?\/?$/, dashboardView], [/^#\/dashboard$/, dashboardView], [/^#\/campaigns$/, campaignsView],
  [/^#\/campaigns\/new$/, editorView], [/^#\/campaigns\/(\d+)\/edit$/, editorView], [/^#\/campaigns\/(\d+)$/, progressView],
  [/^#\/campaigns\/(\d+)\/logs$/, logsView], [/^#\/campaigns\/(\d+)\/results$/, resultsView],
  [/^#\/customers\/(\d+)$/, customerView], [/^#\/suppressions$/, suppressionsView], [/^#\/templates$/, templatesView],
  [/^#\/broadcasts$/, broadcastsView], [/^#\/broadcasts\/new$/, broadcastEditorView],
  [/^#\/broadcasts\/(\d+)\/edit$/, broadcastEditorView], [/^#\/broadcasts\/(\d+)$/, broadcastView],
  [/^#\/audiences$/, audiencesView], [/^#\/settings$/, settingsView], [/^#\/send$/, sendView], [/^#\/audit$/, auditView],
];

const state = { me: null, channel: sessionStorage.getItem('bkntc.channel') || 'sms', cleanup: [], generation: 0 };

/** What a view gets: who is signed in, the channel, capability checks and navigation. */
function context(view, generation = state.generation) {
  return {
    me: state.me,
    channel: state.channel,
    view,
    can: (capability, channel = state.channel) =>
      (state.me?.capabilities?.[channel] || []).includes(`${channel}_${CAPABILITY[capability]}`),
    navigate: (hash) => { location.hash = hash; },
    // A page the user already left stops its timers at once.
    onLeave: (fn) => { if (generation === state.generation) state.cleanup.push(fn); else fn(); },
  };
}

function readableChannels() {
  return CHANNELS.filter(([id]) => (state.me?.capabilities?.[id] || []).includes(`${id}_campaigns`));
}

function renderHeader() {
  const ctx = context(null);
  render(document.getElementById('channels'), readableChannels().map(([id, label]) =>
    h('button', {
      type: 'button', 'aria-pressed': String(id === state.channel), dataset: { channel: id },
      onclick: () => { state.channel = id; sessionStorage.setItem('bkntc.channel', id); route(); },
    }, label)));
  const current = location.hash.split('/').slice(0, 2).join('/') || '#/';
  render(document.getElementById('sections'), SECTIONS.filter(([, , cap]) => ctx.can(cap)).map(([hash, label]) =>
    h('a', { href: hash, 'aria-current': (current === hash || (hash === '#/' && current === '#')) ? 'page' : null }, label)));
  const provider = state.me?.providers?.[state.channel];
  const banner = document.getElementById('banner');
  banner.className = 'banner';
  if (provider && !provider.configured) {
    render(banner, h('strong', {}, `${channelLabel(state.channel)} cannot send yet: `), provider.missing || 'the provider is not configured.');
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
}

async function route() {
  for (const fn of state.cleanup.splice(0)) fn();
  if (!readableChannels().some(([id]) => id === state.channel)) state.channel = readableChannels()[0]?.[0] || 'sms';
  renderHeader();
  const view = document.getElementById('view');
  const hash = location.hash || '#/';
  const match = ROUTES.map(([pattern, fn]) => [hash.match(pattern), fn]).find(([m]) => m);
  if (!readableChannels().length) {
    render(view, h('div', { class: 'empty' }, 'Your account may not use campaigns on any channel. Ask an administrator for access.'));
    return;
  }
  if (!match) {
    render(view, h('div', { class: 'empty' }, 'This page does not exist. ', h('a', { href: '#/' }, 'Back to the dashboard')));
    return;
  }
  // Each visit renders into its own container, shown only while it is the latest one: an
  // answer that arrives after the user moved on never overwrites the newer page.
  const generation = ++state.generation;
  const container = h('div');
  render(view, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await match[1](context(container, generation), ...match[0].slice(1));
  } catch (error) {
    render(container, h('div', { class: 'banner error', role: 'alert' }, error.message || String(error)));
  }
  if (generation === state.generation) render(view, container);
}

async function start() {
  try {
    await startSession(mayExchangeLaunch);
    state.me = await api('GET', '/me');
  } catch (error) {
    const banner = document.getElementById('banner');
    banner.className = 'banner error';
    banner.hidden = false;
    render(banner, error.message || String(error));
    render(document.getElementById('view'));
    return;
  }
  route();
}

// A new launch token in the address bar (another user, tenant or a fresh link) starts over.
window.addEventListener('hashchange', () => {
  if (location.hash.includes('launch=')) start(); else route();
});

start();
