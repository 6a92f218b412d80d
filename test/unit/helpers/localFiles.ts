/**
 * The API client's upload and download with the Node host's local side (node/localFiles.ts), as
 * the transfer jobs call them: a local path in, a local path out.
 */
import type { GitShareClient, WritePrecondition } from '../../../src/api/client';
import type { DownloadOptions, TransferOptions } from '../../../src/api/download';
import { nodeLocalFiles } from '../../../src/node/localFiles';

export async function uploadFrom(
  client: GitShareClient,
  remote: string,
  local: string,
  precondition: WritePrecondition,
  options?: TransferOptions,
) {
  return client.upload(remote, await nodeLocalFiles.uploadSource(local), precondition, options);
}

export function downloadTo(client: GitShareClient, remote: string, local: string, options?: DownloadOptions) {
  return client.download(remote, nodeLocalFiles.downloadSink(local), options);
}
