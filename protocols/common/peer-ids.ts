import type { PeerId } from '@libp2p/interface'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'

/** @default 1024: more workers than a proxy routes to, few enough to be a few hundred KiB at most. */
export const PEER_ID_CACHE_ENTRIES = 1024

/**
 * Peer ids parsed once and shared. Parsing one (base58 or multihash, then its public key) and printing it took
 * 0.15-0.18 ms after a 20 ms pause here, and the proxy did it twice on each job's way to the worker (the client's
 * preferred worker, then the picked one), for the same few workers every time. A PeerId is immutable, so one
 * object serves every caller. Bounded: the least recently used entry goes. A string or multihash that does not
 * parse throws as `peerIdFromString` / `peerIdFromMultihash` do, and is not kept.
 */
export class PeerIdCache {
  private readonly byKey = new Map<string, PeerId>()

  constructor (private readonly maxEntries = PEER_ID_CACHE_ENTRIES) {}

  fromString (id: string): PeerId {
    return this.remember(`s${id}`, () => peerIdFromString(id))
  }

  /** From a multihash's bytes (as in the job protocol's `preferredWorker` and `workerPeerId`). */
  fromMultihash (bytes: Uint8Array): PeerId {
    return this.remember(`m${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`, () => peerIdFromMultihash(Digest.decode(bytes)))
  }

  get size (): number {
    return this.byKey.size
  }

  private remember (key: string, parse: () => PeerId): PeerId {
    const kept = this.byKey.get(key)
    if (kept != null) {
      this.byKey.delete(key)
      this.byKey.set(key, kept)
      return kept
    }
    const parsed = parse()
    this.byKey.set(key, parsed)
    if (this.byKey.size > this.maxEntries) this.byKey.delete(this.byKey.keys().next().value as string)
    return parsed
  }
}
