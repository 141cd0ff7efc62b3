import type { SimSetupToken } from './vault-state.js';

/**
 * The stand-in for PayPal's login and consent screen: plain HTML forms, no script, so a test can read the form
 * and post it like a browser would, and a person at `npm start` can click through it.
 */

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · PayPal simulator</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.4rem; } label { display: block; margin: 1rem 0 .3rem; } input[type=email] { width: 100%; padding: .4rem; }
.actions { margin-top: 1.5rem; display: flex; gap: .8rem; } button { padding: .5rem 1rem; } .error { color: #b00020; }
</style>
</head>
<body>
<p><small>PayPal simulator: no real account is charged.</small></p>
${body}
</body>
</html>
`;
}

export function approvalPage(token: SimSetupToken, opts: { payerEmail?: string; error?: string } = {}): string {
  const merchant = token.brandName ?? 'The merchant';
  return layout(
    'Save PayPal for future payments',
    `<h1>${escapeHtml(merchant)} would like to save your PayPal account</h1>
<p>Once saved, ${escapeHtml(merchant)} can charge your PayPal account later without asking you each time.</p>
${token.description ? `<p>${escapeHtml(token.description)}</p>` : ''}
${opts.error ? `<p class="error">${escapeHtml(opts.error)}</p>` : ''}
<form method="post" action="/agreements/approve">
<input type="hidden" name="approval_session_id" value="${escapeHtml(token.id)}">
<label for="payer_email">PayPal account (e-mail)</label>
<input type="email" id="payer_email" name="payer_email" value="${escapeHtml(opts.payerEmail ?? token.defaultPayerEmail)}">
<div class="actions">
<button type="submit" name="action" value="approve">Agree and continue</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel and return to ${escapeHtml(merchant)}</button>
</div>
</form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
