// The email preview's frame page (email-frame.html, its own CSP: inline styles and web images
// allowed, as in a mail program). The editor posts the message's HTML; it is shown in a
// sandbox="" srcdoc frame, so nothing in the email ever runs. Only the page that embeds this
// one may set it.
window.addEventListener('message', (event) => {
  if (event.source !== window.parent || typeof event.data?.emailHTML !== 'string') return;
  const frame = document.getElementById('message');
  frame.srcdoc = event.data.emailHTML;
});
window.parent.postMessage({ emailFrameReady: true }, '*');
