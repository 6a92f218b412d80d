/**
 * Turns HTTP outcomes into GitShareErrors: a short message for the person,
 * the server's own words kept in `detail` for the log.
 */

import * as l10n from '@vscode/l10n';
import { GitShareError, type ErrorKind } from '../common/errors';

export interface ServerErrorBody {
  readonly error?: string;
  readonly message?: string;
}

export function parseServerErrorBody(text: string): ServerErrorBody {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      return {
        error: typeof record.error === 'string' ? record.error : undefined,
        message: typeof record.message === 'string' ? record.message : undefined,
      };
    }
  } catch {
    // Not JSON: a proxy's HTML page, say. The status still tells us enough.
  }
  return {};
}

/** The `error="…"` parameter of a `WWW-Authenticate: Bearer` challenge. */
export function bearerError(challenge: string | null | undefined): string | undefined {
  const match = challenge ? /error="([^"]*)"/i.exec(challenge) : null;
  return match ? match[1] : undefined;
}

/** What a 409's code means, in the display language (built at call time, after activate() configured l10n). */
function conflictMessage(code: string | undefined): string {
  switch (code) {
    case 'already_exists':
      return l10n.t('Something with that name already exists on GitShare.');
    case 'not_empty':
      return l10n.t('The folder is not empty.');
    case 'not_a_folder':
      return l10n.t('That is a file, not a folder.');
    case 'not_a_file':
      return l10n.t('That is a folder, not a file.');
    default:
      return l10n.t('That conflicts with what is on GitShare.');
  }
}

export interface ResponseFacts {
  readonly status: number;
  readonly body: ServerErrorBody;
  readonly wwwAuthenticate?: string | null;
  /** e.g. `GET /api/v1/files/a.txt`, for the log. */
  readonly request: string;
}

export function errorFromResponse(facts: ResponseFacts): GitShareError {
  const { status, body } = facts;
  const code = body.error ?? bearerError(facts.wwwAuthenticate);
  const detail = `${facts.request} → ${status}${code ? ` ${code}` : ''}${body.message ? `: ${body.message}` : ''}`;
  let kind: ErrorKind;
  let message: string;
  switch (true) {
    case status === 400 && code === 'invalid_path':
      kind = 'invalidInput';
      message = l10n.t('GitShare does not accept that name.');
      break;
    case status === 400:
      kind = 'protocol';
      message = l10n.t('GitShare did not accept the request.');
      break;
    case status === 401:
      kind = 'signInRequired';
      message = l10n.t('Your GitShare session has ended. Sign in again.');
      break;
    case status === 403:
      kind = 'forbidden';
      message =
        code === 'insufficient_scope'
          ? l10n.t('Your GitShare sign-in does not allow this. Sign in again and allow file access.')
          : l10n.t('You do not have permission to do this on GitShare.');
      break;
    case status === 404:
      kind = 'notFound';
      message = l10n.t('The file or folder was not found on GitShare.');
      break;
    case status === 409:
      kind = 'conflict';
      message = conflictMessage(code);
      break;
    case status === 412:
      kind = 'preconditionFailed';
      message = l10n.t('The file changed on GitShare since you opened it.');
      break;
    case status === 413:
      kind = 'tooLarge';
      message = l10n.t('The file is too large for GitShare.');
      break;
    case status === 407:
      // A proxy between here and GitShare answered, not GitShare.
      return proxyAuthenticationError(facts.request);
    case status === 429:
      kind = 'rateLimited';
      message = l10n.t('GitShare is busy. Try again in a moment.');
      break;
    case status >= 500:
      kind = 'server';
      message = l10n.t('GitShare had a problem. Try again later.');
      break;
    default:
      kind = 'protocol';
      message = l10n.t('GitShare answered unexpectedly (HTTP {0}).', status);
  }
  return new GitShareError(kind, message, { detail, status, code });
}

/**
 * The one wording for an answer the extension cannot make sense of (not JSON, wrong shape, absurd
 * status). A function, not a constant: a module-level string would be made before activate()
 * hands l10n the display language's bundle.
 */
export function unreadableAnswer(): string {
  return l10n.t(
    'GitShare sent an answer this extension cannot use. Check the server address, or show the log for details.',
  );
}

/** A failure below HTTP: refused, reset, DNS, TLS. */
export function networkError(serverUrl: string, request: string, cause: unknown): GitShareError {
  const certificate = certificateError(serverUrl, cause, request);
  if (certificate) {
    return certificate;
  }
  const code = (cause as { code?: string } | undefined)?.code;
  const host = safeHost(serverUrl);
  return new GitShareError('network', l10n.t('Cannot reach GitShare at {0}. Check your connection.', host), {
    detail: `${request}: ${code ?? ''} ${cause instanceof Error ? cause.message : String(cause)}`.trim(),
    cause,
    code,
  });
}

/**
 * In the browser: GitShare at `serverUrl` answers, but not requests from this web page's origin
 * (no CORS headers), so VS Code in the browser cannot use it. One message that says exactly that,
 * never "cannot reach": the server is there, and only its administrator can change this.
 */
export function corsError(
  serverUrl: string,
  request: string,
  origin: string | undefined,
  cause: unknown,
): GitShareError {
  const host = safeHost(serverUrl);
  return new GitShareError(
    'cors',
    origin
      ? l10n.t(
          'GitShare at {0} does not allow requests from VS Code in the browser ({1}). Use desktop VS Code, or ask the administrator of the server to allow this origin (CORS).',
          host,
          origin,
        )
      : l10n.t(
          'GitShare at {0} does not allow requests from VS Code in the browser. Use desktop VS Code, or ask the administrator of the server to allow it (CORS).',
          host,
        ),
    {
      detail: `${request}: the browser refused the answer (no CORS headers for ${origin ?? 'this origin'}); the server is reachable`,
      cause,
      code: 'cors_not_allowed',
    },
  );
}

export function timeoutError(serverUrl: string, request: string, ms: number): GitShareError {
  return new GitShareError(
    'timeout',
    l10n.t('GitShare at {0} did not answer in time. Try again, or check the server address.', safeHost(serverUrl)),
    {
      detail: `${request}: no progress for ${ms} ms`,
    },
  );
}

/** The proxy VS Code uses wants credentials (HTTP 407, from a forwarded request or a CONNECT). */
export function proxyAuthenticationError(request: string): GitShareError {
  return new GitShareError(
    'network',
    l10n.t(
      'The proxy between VS Code and GitShare asks for credentials (HTTP 407 Proxy Authentication Required). Enter them when VS Code asks, set http.proxyAuthorization, or ask your IT department; GitShare: Check Connection shows which proxy is used.',
    ),
    { detail: `${request} → 407 from the proxy`, status: 407, code: 'proxy_authentication_required' },
  );
}

/**
 * What is wrong with a certificate, by Node's error code (OpenSSL's names): one whole sentence
 * naming the server, saying what the person can do; none suggests turning verification off,
 * because that would hand the session to whoever sits in between. Functions, not constants:
 * l10n.t runs after activate() has loaded the translations.
 */
const untrustedCa = (host: string) =>
  l10n.t(
    'The certificate of the GitShare server {0} is signed by a certificate authority this computer does not trust. If your organisation uses its own certificate authority, add it to the trusted certificates of this computer (see "Networks" in the GitShare README) and try again.',
    host,
  );
const CERTIFICATE_PROBLEMS: Record<string, (host: string) => string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: untrustedCa,
  UNABLE_TO_GET_ISSUER_CERT: untrustedCa,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: untrustedCa,
  SELF_SIGNED_CERT_IN_CHAIN: untrustedCa,
  DEPTH_ZERO_SELF_SIGNED_CERT: (host) =>
    l10n.t(
      'The certificate of the GitShare server {0} is self-signed, so this computer cannot trust it. Ask the administrator of the server for a certificate from a trusted certificate authority, or add it to the trusted certificates of this computer (see "Networks" in the GitShare README).',
      host,
    ),
  CERT_HAS_EXPIRED: (host) =>
    l10n.t(
      "The certificate of the GitShare server {0} has expired. Ask the administrator of the server to renew it; check also that this computer's clock is right.",
      host,
    ),
  CERT_NOT_YET_VALID: (host) =>
    l10n.t(
      "The certificate of the GitShare server {0} is not valid yet. Check that this computer's clock is right.",
      host,
    ),
  ERR_TLS_CERT_ALTNAME_INVALID: (host) =>
    l10n.t(
      "The certificate of the GitShare server {0} is for another name. Check that gitshare.serverUrl uses the server's name exactly as its certificate does.",
      host,
    ),
  CERT_REVOKED: (host) =>
    l10n.t(
      'The certificate of the GitShare server {0} has been revoked. Ask the administrator of the server for a new one.',
      host,
    ),
  CERT_SIGNATURE_FAILURE: (host) =>
    l10n.t(
      'The certificate of the GitShare server {0} has an invalid signature. Someone may be intercepting the connection; ask your IT department.',
      host,
    ),
  CERT_UNTRUSTED: untrustedCa,
  CERT_REJECTED: untrustedCa,
  INVALID_CA: untrustedCa,
};

/** The first error code found on the error or its causes (node-fetch puts the socket's code on its own). */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in CERTIFICATE_PROBLEMS) {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return (error as { code?: unknown } | undefined)?.code as string | undefined;
}

/** True for Node's codes of a certificate the client refused. */
export function isCertificateCode(code: string | undefined): boolean {
  return code !== undefined && code in CERTIFICATE_PROBLEMS;
}

/**
 * A TLS certificate the client refused, as one message that names the server and the problem;
 * undefined for any other failure. Nothing was sent: the handshake failed before the request.
 */
export function certificateError(url: string, cause: unknown, request?: string): GitShareError | undefined {
  const code = errorCode(cause);
  if (!isCertificateCode(code)) {
    return undefined;
  }
  const host = safeHost(url);
  return new GitShareError('certificate', CERTIFICATE_PROBLEMS[code!](host), {
    detail: `${request ?? url}: ${code} ${cause instanceof Error ? cause.message : String(cause)}`.trim(),
    cause,
    code,
  });
}

function safeHost(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}
