import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { MODEL_KEY_PREFIX, PROXY_KEY } from './constants.js'

/** The DHT content key for a namespace string: CIDv1(raw, sha256(name)). */
export async function keyFor (name: string): Promise<CID> {
  const digest = await sha256.digest(new TextEncoder().encode(name))
  return CID.createV1(raw.code, digest)
}

export async function proxyKey (): Promise<CID> {
  return keyFor(PROXY_KEY)
}

/** `modelHash` is the model file's sha256 as lowercase hex. */
export async function modelKey (modelHash: string): Promise<CID> {
  if (!/^[0-9a-f]{64}$/.test(modelHash)) {
    throw new TypeError(`model hash must be 64 lowercase hex characters, got "${modelHash}"`)
  }
  return keyFor(MODEL_KEY_PREFIX + modelHash)
}
