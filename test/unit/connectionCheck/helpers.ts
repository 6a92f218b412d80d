import type { ConnectionCheckInput } from '../../../src/connectionCheck/connectionCheck';
import type { FetchLike } from '../../../src/node/fetch';
import { nodeNetwork } from '../../../src/node/networkChecks';
import { nodeTransport } from '../../../src/node/transport';

/** What the Node extension host hands Check Connection; `fetch` replaces node-fetch (a trusted CA, say). */
export function nodeHost(fetch?: FetchLike): Pick<ConnectionCheckInput, 'transport' | 'hostNetwork'> {
  return { transport: nodeTransport(fetch), hostNetwork: nodeNetwork };
}
