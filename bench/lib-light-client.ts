/**
 * The light client as an app embeds it (what `createClient()` amounts to): a libp2p node in DHT client mode
 * bootstrapped to a proxy, and a LightClient that verifies offers against the registry on the chain.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { RegistryView } from '../contracts/index.js'
import { LightClient } from '../node/client/light-client.js'
import { buildLibp2p, type CocoonLibp2p } from '../node/libp2p.js'
import { offerVerifier } from '../node/roles/trust.js'
import { AttestationCache } from '../protocols/attestation/index.js'

export interface ChainRef { endpoint: string, registry: string }

export interface EmbeddedClient {
  libp2p: CocoonLibp2p
  client: LightClient
  stop: () => Promise<void>
}

/** Builds and starts the client node; `ready()` on the result waits for a proxy. */
export async function startLightClient (bootstrap: string, chain: ChainRef): Promise<EmbeddedClient> {
  const libp2p = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: [], bootstrap: [bootstrap] })
  await libp2p.start()
  const registry = new RegistryView({ endpoint: chain.endpoint, registry: chain.registry })
  const client = new LightClient({ libp2p, verify: offerVerifier(new AttestationCache({ registry })) })
  return { libp2p, client, stop: async () => { await libp2p.stop() } }
}
