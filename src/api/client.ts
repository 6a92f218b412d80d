/**
 * GitShareClient: the typed endpoints of the files API (contract section 3),
 * one instance per signed-in account. Every request goes through the one
 * request function (requester.ts: bearer header, timeouts, retries, one refresh
 * after a 401); the resumable download is in download.ts. Trees, the file
 * system and commands call the typed methods below and never fetch themselves.
 */

import * as l10n from '@vscode/l10n';
import { concatBytes } from '../common/bytes';
import { GitShareError } from '../common/errors';
import type { RequestBody } from '../common/http';
import {
  downloadFile,
  type DownloadOptions,
  type DownloadResult,
  type DownloadSink,
  type TransferOptions,
} from './download';
import { paginate } from './pagination';
import { baseName, encodePath, isValidPath, nameProblem, normalizePath } from './paths';
import {
  ApiRequester,
  MAX_PAGE_ENTRIES,
  MAX_READ_BYTES,
  type ApiRequesterOptions,
  type ApiResponse,
} from './requester';
import { parseEntry, parseFolderPage, parseUser, quoteEtag, type Entry, type FolderPage, type User } from './types';

export type GitShareClientOptions = ApiRequesterOptions;

/** A local file to upload, opened by the extension host (node/localFiles.ts, browser/localFiles.ts). */
export interface UploadSource {
  /** Its size when it was looked at: the request's Content-Length. */
  readonly size: number;
  /** A fresh body for one attempt; `onBytes` hears of every piece as it is sent. */
  open(onBytes: (bytes: number) => void): RequestBody | Promise<RequestBody>;
}

/** What an upload may replace. */
export type WritePrecondition =
  /** Only if the file still has this ETag (the save of an opened file). */
  | { readonly ifMatch: string }
  /** Only if nothing is there yet. */
  | { readonly ifNoneMatch: '*' }
  /** Create or replace. */
  | undefined;

export interface ReadResult {
  readonly data: Uint8Array;
  readonly etag: string | undefined;
}

export class GitShareClient {
  private readonly http: ApiRequester;

  constructor(options: GitShareClientOptions) {
    this.http = new ApiRequester(options);
  }

  // ---- the typed API (contract section 3)

  async user(signal?: AbortSignal): Promise<User> {
    const response = await this.http.request({ method: 'GET', apiPath: '/api/v1/user', retry: 'idempotent', signal });
    return parseUser(await response.json());
  }

  /** The file or folder at `path` (`GET /api/v1/metadata/{path}`): the contract's "metadata", here an `Entry`. */
  async entry(path: string, signal?: AbortSignal): Promise<Entry> {
    const response = await this.http.request({
      method: 'GET',
      apiPath: '/api/v1/metadata' + encodePath(path),
      retry: 'idempotent',
      signal,
    });
    const entry = parseEntry(await response.json());
    // An answer about another path, or under another name, would make a download land under
    // that name (`.git`, `.vscode`) or the editor show another file: it is refused.
    const asked = normalizePath(path);
    if (!isValidPath(entry.path) || normalizePath(entry.path) !== asked || entry.name !== baseName(asked)) {
      throw new GitShareError(
        'protocol',
        l10n.t('GitShare answered with another file or folder than the one asked for, so the answer was refused.'),
        {
          detail: `GET /api/v1/metadata${encodePath(path)}: the answer names ${JSON.stringify(entry.name)} at ${JSON.stringify(entry.path)}`,
        },
      );
    }
    return entry;
  }

  /** Like `entry`, but undefined when nothing is there. */
  async tryEntry(path: string, signal?: AbortSignal): Promise<Entry | undefined> {
    try {
      return await this.entry(path, signal);
    } catch (error) {
      if (error instanceof GitShareError && error.kind === 'notFound') {
        return undefined;
      }
      throw error;
    }
  }

  async listFolder(
    path: string,
    options: { cursor?: string; limit?: number; signal?: AbortSignal } = {},
  ): Promise<FolderPage> {
    const response = await this.http.request({
      method: 'GET',
      apiPath: '/api/v1/folders' + encodePath(path),
      query: { limit: options.limit, cursor: options.cursor },
      retry: 'idempotent',
      signal: options.signal,
    });
    const page = parseFolderPage(await response.json());
    if (page.entries.length > MAX_PAGE_ENTRIES) {
      throw new GitShareError(
        'protocol',
        l10n.t('GitShare sent a folder listing page with far more entries than allowed.'),
        {
          detail: `GET /api/v1/folders${encodePath(path)}: ${page.entries.length} entries on one page (at most ${MAX_PAGE_ENTRIES} accepted)`,
        },
      );
    }
    // A child's path is its folder's path plus its name: anything else would make the tree,
    // the editor or a download act on a file elsewhere. Such an entry is left out, and only
    // the log names it (its name is the server's text); its neighbours still show.
    // (Names the contract forbids are refused one by one by whoever shows or writes them.)
    const folder = normalizePath(path);
    const entries = page.entries.filter((entry) => {
      if (nameProblem(entry.name) !== undefined || entry.path === (folder === '/' ? '' : folder) + '/' + entry.name) {
        return true;
      }
      this.http.logger.warn(
        `GET /api/v1/folders${encodePath(path)}: left out entry ${JSON.stringify(entry.name)}: its path ${JSON.stringify(entry.path)} is not in that folder`,
      );
      return false;
    });
    return entries.length === page.entries.length ? page : { ...page, entries };
  }

  /** Every entry of a folder, page after page, fetched only as the caller consumes them. */
  iterateFolder(
    path: string,
    options: { pageSize?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<Entry, void, undefined> {
    return paginate(async (cursor) => {
      const page = await this.listFolder(path, { cursor, limit: options.pageSize, signal: options.signal });
      return { items: page.entries, nextCursor: page.nextCursor };
    }, options.signal);
  }

  async createFolder(path: string, signal?: AbortSignal): Promise<Entry> {
    const response = await this.http.request({
      method: 'POST',
      apiPath: '/api/v1/folders' + encodePath(path),
      retry: 'unprocessedOnly',
      signal,
    });
    return parseEntry(await response.json());
  }

  async delete(path: string, options: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const response = await this.http.request({
      method: 'DELETE',
      apiPath: '/api/v1/files' + encodePath(path),
      query: { recursive: options.recursive ? 'true' : undefined },
      retry: 'idempotent',
      signal: options.signal,
    });
    response.discard();
  }

  async move(from: string, to: string, options: { overwrite?: boolean; signal?: AbortSignal } = {}): Promise<Entry> {
    const payload = JSON.stringify({
      from: normalizePath(from),
      to: normalizePath(to),
      overwrite: options.overwrite ?? false,
    });
    const response = await this.http.request({
      method: 'POST',
      apiPath: '/api/v1/move',
      headers: { 'Content-Type': 'application/json' },
      body: () => payload,
      retry: 'unprocessedOnly',
      signal: options.signal,
    });
    return parseEntry(await response.json());
  }

  /**
   * Reads a whole file into memory: for the editor, which needs the bytes anyway.
   * At most `maxBytes` (MAX_READ_BYTES): a larger file is refused with a
   * `tooLarge` error that says to download it, before its body is read when the
   * server announces the length.
   */
  async readFile(path: string, signal?: AbortSignal, maxBytes = MAX_READ_BYTES): Promise<ReadResult> {
    const response = await this.http.request({
      method: 'GET',
      apiPath: '/api/v1/files' + encodePath(path),
      retry: 'idempotent',
      signal,
    });
    const tooLarge = (size: string) =>
      new GitShareError(
        'tooLarge',
        l10n.t(
          'This file is larger than {0}, too large to open in an editor. Use Download… to save it to your computer.',
          formatMiB(maxBytes),
        ),
        {
          detail: `GET ${path}: ${size} bytes, more than ${maxBytes}`,
          code: 'too_large_to_open',
        },
      );
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (announced > maxBytes) {
      response.discard();
      throw tooLarge(String(announced));
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > maxBytes) {
        response.discard();
        throw tooLarge(`over ${received}`);
      }
      chunks.push(chunk);
    }
    const data = concatBytes(chunks);
    checkLength(response, data.length, path);
    return { data, etag: response.headers.get('etag') ?? undefined };
  }

  /** Writes bytes already in memory (the editor's save). */
  async writeFile(
    path: string,
    data: Uint8Array,
    precondition: WritePrecondition,
    signal?: AbortSignal,
  ): Promise<Entry> {
    const response = await this.http.request({
      method: 'PUT',
      apiPath: '/api/v1/files' + encodePath(path),
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(data.byteLength),
        ...preconditionHeaders(precondition),
      },
      body: () => data,
      // The whole body is in memory, so a replay is exact; still, a PUT that reached
      // the server may have replaced the file, so only "not processed" is retried.
      retry: 'unprocessedOnly',
      signal,
    });
    return parseEntry(await response.json());
  }

  /** Sends a local file up, as the host's source gives it (the Node host streams it from disk). */
  async upload(
    path: string,
    source: UploadSource,
    precondition: WritePrecondition,
    options: TransferOptions = {},
  ): Promise<Entry> {
    const size = source.size;
    const response = await this.http.request({
      method: 'PUT',
      apiPath: '/api/v1/files' + encodePath(path),
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(size),
        ...preconditionHeaders(precondition),
      },
      body: (watch) => {
        let sent = 0;
        options.onProgress?.(0, size);
        return source.open((bytes) => {
          sent += bytes;
          watch();
          options.onProgress?.(sent, size);
        });
      },
      retry: 'unprocessedOnly',
      signal: options.signal,
    });
    return parseEntry(await response.json());
  }
  /**
   * Streams a remote file into the host's sink for its destination; resumes a
   * broken connection and never leaves a partial file (download.ts).
   */
  download(path: string, sink: DownloadSink, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadFile(this.http, path, sink, options);
  }
}

// ---- helpers

function preconditionHeaders(precondition: WritePrecondition): Record<string, string> {
  if (!precondition) {
    return {};
  }
  if ('ifMatch' in precondition) {
    return { 'If-Match': quoteEtag(precondition.ifMatch) };
  }
  return { 'If-None-Match': '*' };
}

function checkLength(response: ApiResponse, received: number, path: string): void {
  const length = response.headers.get('content-length');
  if (length !== null && Number(length) !== received) {
    throw new GitShareError('network', l10n.t('The download was incomplete.'), {
      detail: `GET ${path}: got ${received} of ${length} bytes`,
    });
  }
}

function formatMiB(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
