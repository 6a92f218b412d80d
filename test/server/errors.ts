import type { Response } from 'express';

/**
 * An error that becomes a JSON answer `{"error", "message"}` with an HTTP status.
 * Handlers throw it; the error middleware in `app.ts` renders it.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendJsonError(
  res: Response,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  res.status(status).json({ error: code, message });
}

export const badRequest = (code: string, message: string): HttpError => new HttpError(400, code, message);
export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);
export const conflict = (code: string, message: string): HttpError => new HttpError(409, code, message);

/** An OAuth error answer: RFC 6749 §5.2's `error` and `error_description`, and the contract's `message`. */
export function oauthErrorJson(
  res: Response,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  res.set(headers).status(status).json({ error, error_description: description, message: description });
}
