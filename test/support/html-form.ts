/** Reads a plain HTML form and submits it as a browser would, for pages that work without script. */

export interface HtmlForm {
  action: string;
  method: string;
  /** name → value of the form's inputs (hidden, text, email…). */
  fields: Record<string, string>;
  /** The submit buttons: name, value and label. */
  buttons: { name: string; value: string; label: string }[];
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : unescapeHtml(match[1]);
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** The first form of the page; throws when there is none, since the page is then not what the test expects. */
export function readForm(html: string): HtmlForm {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(html);
  if (!form?.[1] || form[2] === undefined) throw new Error(`no form in page:\n${html}`);
  const fields: Record<string, string> = {};
  for (const [tag] of form[2].matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    if (name) fields[name] = attribute(tag, 'value') ?? '';
  }
  const buttons = [...form[2].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)].map(([, tag = '', label = '']) => ({
    name: attribute(tag, 'name') ?? '',
    value: attribute(tag, 'value') ?? '',
    label: unescapeHtml(label.trim()),
  }));
  return {
    action: attribute(form[1], 'action') ?? '',
    method: (attribute(form[1], 'method') ?? 'get').toLowerCase(),
    fields,
    buttons,
  };
}

/**
 * Posts the form with the button whose value is `button` pressed and `changes` typed into its fields. The redirect is
 * not followed, so the test sees the 303 and where it leads.
 */
export async function submitForm(
  pageUrl: string,
  form: HtmlForm,
  button: string,
  changes: Record<string, string> = {},
): Promise<Response> {
  const pressed = form.buttons.find((b) => b.value === button);
  if (!pressed) throw new Error(`no button ${button} in form (${form.buttons.map((b) => b.value).join(', ')})`);
  const body = new URLSearchParams({ ...form.fields, ...changes, [pressed.name]: pressed.value });
  return fetch(new URL(form.action, pageUrl), {
    method: form.method.toUpperCase(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}
