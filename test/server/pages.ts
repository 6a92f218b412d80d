/**
 * The pages a person sees during sign-in, and their sessions.
 *
 * The form flow, all on one URL (the authorization request's own URL, query included):
 *
 *   1. `GET /oauth2/authorize/?client_id=…&redirect_uri=…&…`
 *      - unknown client, or redirect URI not registered → error page (400), never a redirect;
 *      - other bad parameters → redirect back with `error=…` (or the error page in no-callback mode);
 *      - no signed-in session → the sign-in page (200). It sets the session cookie
 *        `gitshare_session` (HttpOnly, SameSite=Lax, Path=/oauth2/) if there was none;
 *      - signed in → the consent page (200).
 *   2. Sign-in page: `<form method="post" action="(same URL)">` with fields `username`,
 *      `password` and hidden `csrf`, and a "Sign in" button.
 *      POST → wrong name or password: the sign-in page again with an error, status 401;
 *      right: the session is replaced by a fresh signed-in one (new cookie, new `csrf`) and
 *      the consent page is returned directly (200, no extra redirect).
 *   3. Consent page: names the application and each scope in words; a form with hidden `csrf` and
 *      `<button name="decision" value="allow">` / `value="deny"`.
 *      POST decision=allow → 302 to `redirect_uri` + `code`, `state`, `iss` (RFC 9207), or, with no
 *      callback URL, the code page with the code in `<code id="code">`;
 *      POST decision=deny → 302 with `error=access_denied&state=…&iss=…` (or a page saying so).
 *   Every POST must carry the session cookie and its `csrf` value (synchronizer token); otherwise
 *   → 403 error page and nothing happens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'gitshare_session';
const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly userId: number | undefined;
  readonly expiresAt: number;
}

/** Browser sessions, in memory: a restart signs the person out of the pages (tokens survive). */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  find(req: Request): Session | undefined {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session && session.expiresAt < Date.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  findOrCreate(req: Request, res: Response): Session {
    return this.find(req) ?? this.create(res, undefined);
  }

  /** A new session (new id and csrf); used on sign-in so a planted cookie is worthless. */
  create(res: Response, userId: number | undefined, previous?: Session): Session {
    if (previous) {
      this.sessions.delete(previous.id);
    }
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      userId,
      expiresAt: Date.now() + SESSION_LIFETIME_MS,
    };
    if (this.sessions.size > 10_000) {
      const now = Date.now();
      for (const [id, old] of this.sessions) {
        if (old.expiresAt < now) {
          this.sessions.delete(id);
        }
      }
    }
    this.sessions.set(session.id, session);
    res.append(
      'Set-Cookie',
      `${SESSION_COOKIE}=${session.id}; Path=/oauth2/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_LIFETIME_MS / 1000}`,
    );
    return session;
  }

  csrfMatches(session: Session, submitted: unknown): boolean {
    if (typeof submitted !== 'string') {
      return false;
    }
    const a = Buffer.from(session.csrf);
    const b = Buffer.from(submitted);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

const SCOPE_WORDS: Readonly<Record<string, string>> = {
  'files:read': 'See your files and folders, and download them (files:read)',
  'files:write': 'Create, change, move and delete your files and folders (files:write)',
};

const CSS = `
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1f23;background:#fff}
h1{font-size:1.4rem}label{display:block;margin-top:1rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.2rem;margin-right:.5rem;padding:.5rem 1.2rem;font-size:1rem;cursor:pointer}
button:focus,input:focus{outline:3px solid #0366d6;outline-offset:1px}
.error{color:#b00020;font-weight:600}code#code{font-size:1.3rem;padding:.4rem;background:#f1f3f5;user-select:all;word-break:break-all}
.muted{color:#57606a}`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · GitShare</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set('Content-Type', 'text/html; charset=utf-8')
    .set('Cache-Control', 'no-store')
    .set('X-Frame-Options', 'DENY')
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .set('Referrer-Policy', 'no-referrer')
    .send(html);
}

export function signInPage(action: string, clientName: string, csrf: string, error?: string): string {
  return layout(
    'Sign in',
    `<h1>Sign in to GitShare</h1>
<p><strong>${escapeHtml(clientName)}</strong> wants to use your GitShare account. Sign in to continue.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(
  action: string,
  clientName: string,
  username: string,
  scopes: readonly string[],
  destination: string,
  csrf: string,
): string {
  const items = scopes.map((scope) => `<li>${escapeHtml(SCOPE_WORDS[scope] ?? scope)}</li>`).join('\n');
  return layout(
    'Allow access',
    `<h1>Allow <span id="client-name">${escapeHtml(clientName)}</span> to use your GitShare account?</h1>
<p class="muted">Signed in as <strong>${escapeHtml(username)}</strong>.</p>
<p>${escapeHtml(clientName)} will be able to:</p>
<ul id="scopes">
${items}
</ul>
<p class="muted">${escapeHtml(destination)}</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function codePage(clientName: string, code: string): string {
  return layout(
    'Your code',
    `<h1>Copy this code into ${escapeHtml(clientName)}</h1>
<p>Copy the code below and paste it into <strong>${escapeHtml(clientName)}</strong> to finish signing in. It works once and expires in 10 minutes.</p>
<p><code id="code">${escapeHtml(code)}</code></p>
<p class="muted">You can close this page afterwards.</p>`,
  );
}

export function deniedPage(clientName: string): string {
  return layout(
    'Access denied',
    `<h1>Access denied</h1>
<p>You did not allow <strong>${escapeHtml(clientName)}</strong> to use your GitShare account. You can close this page.</p>`,
  );
}

export function errorPage(title: string, message: string): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p class="muted">Go back to the application and try signing in again.</p>`,
  );
}
