/**
 * "Plays the browser" through the local server's sign-in and consent pages with plain `fetch`
 * and hand-kept cookies. vscode-free and dependency-free: other tests import it.
 *
 *   const location = await authorizeAsUser(authorizeUrl, { username: 'demo', password: 'demo', decision: 'allow' });
 *   // → 'http://127.0.0.1:PORT/callback?code=…&state=…&iss=…'
 *   //   or, in no-callback mode (redirect_uri=urn:ietf:wg:oauth:2.0:oob, or none registered), the code itself.
 *
 * It throws when the flow does not end in a redirect or a code (error page, wrong password,
 * denied in no-callback mode); `authorizeAsUserDetailed` returns those outcomes instead.
 */

export interface AuthorizeAsUserOptions {
  readonly username: string;
  readonly password: string;
  readonly decision: 'allow' | 'deny';
  /**
   * Cookies by name; pass the same map to several calls to stay signed in like a real browser
   * (the second call then skips the sign-in page). Default: a fresh jar per call.
   */
  readonly cookies?: Map<string, string>;
}

export type AuthorizeResult =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'code'; readonly code: string }
  /** Any other page: the error page, a rejected sign-in, the "access denied" page. */
  | { readonly kind: 'page'; readonly status: number; readonly html: string };

export async function authorizeAsUser(authorizeUrl: string, options: AuthorizeAsUserOptions): Promise<string> {
  const result = await authorizeAsUserDetailed(authorizeUrl, options);
  switch (result.kind) {
    case 'redirect':
      return result.location;
    case 'code':
      return result.code;
    case 'page':
      throw new Error(`The authorization ended on a page (HTTP ${result.status}): ${pageText(result.html)}`);
  }
}

export async function authorizeAsUserDetailed(
  authorizeUrl: string,
  options: AuthorizeAsUserOptions,
): Promise<AuthorizeResult> {
  const jar = options.cookies ?? new Map<string, string>();
  let response = await send(jar, authorizeUrl, 'GET');
  let html = await response.text();
  if (response.status >= 300 && response.status < 400) {
    return { kind: 'redirect', location: response.headers.get('location') ?? '' };
  }
  if (response.status === 200 && /name="username"/.test(html)) {
    const form = readForm(html, authorizeUrl);
    response = await send(jar, form.action, 'POST', {
      csrf: form.csrf,
      username: options.username,
      password: options.password,
    });
    html = await response.text();
  }
  if (response.status === 200 && /name="decision"/.test(html)) {
    const form = readForm(html, authorizeUrl);
    response = await send(jar, form.action, 'POST', { csrf: form.csrf, decision: options.decision });
    html = await response.text();
  }
  if (response.status >= 300 && response.status < 400) {
    return { kind: 'redirect', location: response.headers.get('location') ?? '' };
  }
  const code = /<code id="code">([^<]*)<\/code>/.exec(html);
  if (response.status === 200 && code) {
    return { kind: 'code', code: unescapeHtml(code[1]!) };
  }
  return { kind: 'page', status: response.status, html };
}

async function send(
  jar: Map<string, string>,
  url: string,
  method: 'GET' | 'POST',
  form?: Record<string, string>,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (jar.size > 0) {
    headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(url, {
    method,
    headers,
    redirect: 'manual',
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  for (const cookie of response.headers.getSetCookie()) {
    const pair = cookie.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq > 0) {
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  return response;
}

function readForm(html: string, pageUrl: string): { action: string; csrf: string } {
  const action = /<form[^>]*\baction="([^"]*)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1];
  if (csrf === undefined) {
    throw new Error('The page has no csrf field.');
  }
  return { action: new URL(unescapeHtml(action ?? ''), pageUrl).toString(), csrf: unescapeHtml(csrf) };
}

function unescapeHtml(value: string): string {
  return value.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[entity]!,
  );
}

function pageText(html: string): string {
  return unescapeHtml(
    html
      .replace(/<style>[\s\S]*?<\/style>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  )
    .trim()
    .slice(0, 300);
}
