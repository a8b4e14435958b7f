// Whether to exchange a `#launch=` token (DESIGN §13, "Bridge and UI"). Inside a frame it is the
// WordPress page's own (only the service and BKNTC_ADMIN_FRAME_ANCESTORS may frame /admin/). In
// a top-level window the link may come from anyone, and opening it would sign this browser in
// as whoever minted it (login CSRF): the user first confirms which account and tenant it opens.
import { h } from './dom.js';

/** The token's `{user, tenant}` from its first base64url part (not verified), or null. */
export function launchClaims(token) {
  try {
    const part = token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    const user = claims.user ?? claims.user_id;
    const tenant = claims.tenant ?? claims.tenant_id ?? null;
    const id = (value) => Number.isSafeInteger(value) && value > 0;
    return id(user) && (tenant === null || id(tenant)) ? { user, tenant } : null;
  } catch {
    return null;
  }
}

/** Asks "Open Campaigns as WordPress user #5 for tenant #2?"; resolves true only for Open. */
function confirmLaunch({ user, tenant }) {
  return new Promise((resolve) => {
    const question = `Open Campaigns as WordPress user #${user} ${tenant === null ? 'on this site' : `for tenant #${tenant}`}?`;
    const dialog = h('dialog', { id: 'launch-confirm', 'aria-labelledby': 'launch-question' },
      h('p', { id: 'launch-question' }, question),
      h('p', { class: 'muted' }, 'This link signs you in to Campaigns. Open it only if it came from your own WordPress admin.'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', dataset: { launch: 'cancel' }, onclick: () => dialog.close('cancel') }, 'Cancel'),
        h('button', { type: 'button', class: 'primary', dataset: { launch: 'open' }, onclick: () => dialog.close('open') }, 'Open')));
    // Escape closes it too, with no value: that is a Cancel.
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'open');
    });
    document.getElementById('dialog-root').append(dialog);
    dialog.showModal();
  });
}

/** True when the token may be exchanged: inside a frame, or confirmed by the user. */
export async function mayExchangeLaunch(token) {
  if (window.top !== window.self) return true;
  const claims = launchClaims(token);
  if (!claims) throw new Error('This link cannot be read. Open WordPress → Booknetic → Campaigns again; links from it work for two minutes.');
  return confirmLaunch(claims);
}
