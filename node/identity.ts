import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import type { NodeStore } from './store.js'

const IDENTITY_KEY = 'libp2p-identity'

/** The node's libp2p key: created once, then the same PeerId across restarts. */
export async function loadOrCreateIdentity (store: NodeStore): Promise<{ privateKey: PrivateKey, created: boolean }> {
  const saved = await store.getBytes(IDENTITY_KEY)
  if (saved != null) return { privateKey: privateKeyFromProtobuf(saved), created: false }
  const privateKey = await generateKeyPair('Ed25519')
  await store.putBytes(IDENTITY_KEY, privateKeyToProtobuf(privateKey))
  return { privateKey, created: true }
}
