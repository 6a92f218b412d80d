import type { NextFunction, Request, Response } from 'express';

/**
 * CORS as the contract's section 4 asks of a GitShare that serves VS Code in the browser (a web
 * worker whose every request is a `fetch` from the page's origin): a preflight gets 204 with the
 * methods and the requested headers; every answer to a request with an allowed `Origin`, errors
 * included, names that origin and exposes the headers the extension reads (a browser hides `ETag`
 * otherwise). No cookies are involved, so no `Access-Control-Allow-Credentials`.
 *
 * Not on the authorize page: a person's browser navigates there, no script reads it.
 */

/** `true`: any origin (the local server's own policy); a list: only these origins. */
export type CorsOrigins = true | readonly string[];

export const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
export const CORS_EXPOSE_HEADERS = 'ETag, Location, Retry-After, WWW-Authenticate, Last-Modified, Content-Length';
/** Seconds a browser may keep a preflight's answer (Chromium keeps at most 7200). */
export const CORS_MAX_AGE_SECONDS = 600;

/** A path a browser navigates to rather than fetches. */
function isNavigation(path: string): boolean {
  return path.startsWith('/oauth2/authorize');
}

export function corsMiddleware(origins: CorsOrigins): (req: Request, res: Response, next: NextFunction) => void {
  const allowed = (origin: string): boolean => origins === true || origins.includes(origin);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (isNavigation(req.path)) {
      next();
      return;
    }
    // The answer depends on the Origin, whether it is allowed or not: a cache must not mix them.
    res.vary('Origin');
    if (!origin || !allowed(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    const preflightMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && preflightMethod !== undefined) {
      res.vary('Access-Control-Request-Headers');
      res.setHeader('Access-Control-Allow-Methods', CORS_ALLOW_METHODS);
      const requested = req.headers['access-control-request-headers'];
      if (requested) {
        res.setHeader('Access-Control-Allow-Headers', requested);
      }
      res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
    next();
  };
}
