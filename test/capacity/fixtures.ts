import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { wireBytes } from '../../protocols/common/bytes.js'
import type { CapacityAnnouncement } from '../../protocols/capacity/index.js'

export async function makePeer (): Promise<Uint8Array> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toMultihash().bytes
}

export function announcement (peerId: Uint8Array, over: Partial<CapacityAnnouncement> = {}): CapacityAnnouncement {
  return {
    peerId: wireBytes(peerId),
    models: [{ id: 'cocoon-tiny', sha256: new Uint8Array(32).fill(7), contextLength: 512, priceNanoPerToken: 1000n }],
    slots: 4,
    freeSlots: 4,
    queue: 0,
    tokensPerSecond: 100,
    firstTokenMs: 5,
    gpu: '',
    gpuMemoryBytes: 0n,
    certHash: new Uint8Array(32).fill(1),
    seq: 10n,
    ts: 1_000_000n,
    ...over
  }
}
