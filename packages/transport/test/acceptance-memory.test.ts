/**
 * The transport acceptance suite over the in-memory hub (the hub queues texts for parties
 * that are not attached, like a mailbox).
 */
import { DEFAULT_MAX_ENVELOPE_BYTES } from '../src/envelope.ts';
import { createMemoryNetwork } from '../src/transport.ts';
import { acceptanceSuite } from '../src/testing/acceptance.ts';

acceptanceSuite('in-memory', async () => {
  const network = createMemoryNetwork();
  return {
    maxEnvelopeBytes: DEFAULT_MAX_ENVELOPE_BYTES,
    async setup(session, _protocol, _ids, parties) {
      return {
        transport: async (p) => network.transport(session, p, parties),
        async inject(_from, to, text) {
          network.inject(session, to, text);
          return true;
        },
      };
    },
    async cleanup() {},
  };
});
