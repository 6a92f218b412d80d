import { HttpError } from './errors';

/**
 * Path rules of the files API (pure, no I/O; checked before any disk access).
 *
 * A path is absolute and `/`-separated. In URLs each segment is percent-encoded; in JSON bodies
 * (move) paths are plain strings. Rejected with 400 `invalid_path`: empty segments (`//`, a
 * trailing `/`), `.` and `..` (also when percent-encoded, `%2e%2e`), `\`, NUL and other C0 control
 * characters, an encoded `/` inside a segment (`%2F`), invalid percent-encoding or UTF-8, names
 * over 255 UTF-8 bytes, and names starting with `.gitshare-upload-` (reserved for the server's
 * temporary upload files). The root is `/` (in URLs: the bare prefix, with or without a `/`).
 */

export const TEMP_PREFIX = '.gitshare-upload-';
const MAX_NAME_BYTES = 255;
const MAX_DEPTH = 64;

const invalid = (message: string): HttpError => new HttpError(400, 'invalid_path', message);

function checkSegment(segment: string): void {
  if (segment === '') {
    throw invalid('Empty path segments are not allowed.');
  }
  if (segment === '.' || segment === '..') {
    throw invalid('"." and ".." are not allowed in paths.');
  }
  if (segment.includes('/')) {
    throw invalid('A name cannot contain "/".');
  }
  if (segment.includes('\\')) {
    throw invalid('Backslashes are not allowed in paths.');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(segment)) {
    throw invalid('Control characters (NUL included) are not allowed in paths.');
  }
  if (/[\ud800-\udfff]/.test(segment.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
    throw invalid('Names must be valid UTF-8.');
  }
  if (Buffer.byteLength(segment, 'utf8') > MAX_NAME_BYTES) {
    throw invalid(`Names are limited to ${MAX_NAME_BYTES} bytes of UTF-8.`);
  }
  if (segment.startsWith(TEMP_PREFIX)) {
    throw invalid(`Names starting with ${TEMP_PREFIX} are reserved.`);
  }
}

/** Segments of a URL path tail (what follows e.g. `/api/v1/files`), percent-decoded and checked. */
export function segmentsFromUrl(rawTail: string): string[] {
  if (rawTail === '' || rawTail === '/') {
    return [];
  }
  if (!rawTail.startsWith('/')) {
    throw invalid('Paths start with "/".');
  }
  const raw = rawTail.slice(1).split('/');
  if (raw.length > MAX_DEPTH) {
    throw invalid(`Paths are limited to ${MAX_DEPTH} levels.`);
  }
  return raw.map((encoded) => {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      throw invalid('Invalid percent-encoding or UTF-8 in the path.');
    }
    checkSegment(segment);
    return segment;
  });
}

/** Segments of a plain path string (JSON bodies), checked. */
export function segmentsFromString(value: unknown): string[] {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw invalid('A path must be a string starting with "/".');
  }
  if (value === '/') {
    return [];
  }
  const raw = value.slice(1).split('/');
  if (raw.length > MAX_DEPTH) {
    throw invalid(`Paths are limited to ${MAX_DEPTH} levels.`);
  }
  raw.forEach(checkSegment);
  return raw;
}

export function toApiPath(segments: readonly string[]): string {
  return '/' + segments.join('/');
}
