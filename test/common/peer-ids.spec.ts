import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PeerIdCache } from '../../protocols/common/peer-ids.js'

describe('PeerIdCache', () => {
  const newPeer = async (): Promise<ReturnType<typeof peerIdFromPrivateKey>> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

  it('parses a peer id from its string or multihash once, and hands out the same object after', async () => {
    const peer = await newPeer()
    const cache = new PeerIdCache()
    const fromString = cache.fromString(peer.toString())
    assert.ok(fromString.equals(peer))
    assert.equal(fromString.publicKey?.toString(), peer.publicKey?.toString())
    assert.equal(cache.fromString(peer.toString()), fromString)
    const fromMultihash = cache.fromMultihash(peer.toMultihash().bytes)
    assert.equal(fromMultihash.toString(), peer.toString())
    assert.equal(cache.fromMultihash(Uint8Array.from(peer.toMultihash().bytes)), fromMultihash, 'the same bytes in another buffer')
    assert.equal(cache.size, 2)
  })

  it('throws for what does not parse, and keeps nothing for it', () => {
    const cache = new PeerIdCache()
    assert.throws(() => cache.fromString('not-a-peer-id'))
    assert.throws(() => cache.fromMultihash(new Uint8Array([0x12, 0x03, 1, 2])))
    assert.equal(cache.size, 0)
  })

  it('holds at most its limit, dropping the least recently used', async () => {
    const [a, b, c] = [await newPeer(), await newPeer(), await newPeer()]
    const cache = new PeerIdCache(2)
    const first = cache.fromString(a.toString())
    cache.fromString(b.toString())
    cache.fromString(a.toString()) // a is now the most recently used
    cache.fromString(c.toString()) // b goes
    assert.equal(cache.size, 2)
    assert.equal(cache.fromString(a.toString()), first)
    const bAgain = cache.fromString(b.toString())
    assert.ok(bAgain.equals(b))
    assert.equal(cache.size, 2)
  })
})
