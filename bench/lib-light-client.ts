/**
 * The light client exactly as an app embeds it: `createClient()` (a libp2p node in DHT client mode bootstrapped
 * to a proxy, verifying offers against the registry on the chain), resolved once it knows a proxy.
 */
import { createClient } from '../node/client/create-client.js'
import type { LightClient } from '../node/client/light-client.js'
import type { CocoonLibp2p } from '../node/libp2p.js'

export interface ChainRef { endpoint: string, registry: string }

export interface EmbeddedClient {
  libp2p: CocoonLibp2p
  /** The event-level client (what the gateway uses); `ready()` returns at once, createClient already waited. */
  client: LightClient
  stop: () => Promise<void>
}

export async function startLightClient (bootstrap: string, chain: ChainRef): Promise<EmbeddedClient> {
  const c = await createClient({ bootstrap: [bootstrap], ton: chain.endpoint, registry: chain.registry })
  return { libp2p: c.libp2p, client: c.backend, stop: async () => { await c.stop() } }
}
