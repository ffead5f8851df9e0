/**
 * Child of bench/lib-loopback.ts: echo servers in a process of their own, so that the probe measures what a message
 * between two processes costs. Two of them: plain TCP on loopback (no libp2p, no crypto: the machine's own price)
 * and a libp2p node built as every Cocoon node is (`buildLibp2p`: TCP, Noise, yamux) echoing on one protocol
 * (the same plus what libp2p's stack adds to each message). Prints
 * `{"event":"listening","port":N,"multiaddr":"/ip4/127.0.0.1/tcp/.../p2p/..."}` and exits when its stdin closes.
 */
import { createServer } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { buildLibp2p } from '../node/libp2p.js'
import { ECHO_PROTOCOL } from './lib-loopback.js'

const server = createServer(socket => {
  socket.setNoDelay(true)
  socket.on('data', data => { socket.write(data) })
  socket.on('error', () => {})
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const address = server.address()
if (address == null || typeof address === 'string') throw new Error('no TCP address')

const node = await buildLibp2p({ role: 'client', privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
await node.start()
await node.handle(ECHO_PROTOCOL, (stream) => {
  stream.addEventListener('message', (evt) => { stream.send(evt.data) })
})

process.stdout.write(`${JSON.stringify({ event: 'listening', port: address.port, multiaddr: node.getMultiaddrs()[0].toString() })}\n`)
process.stdin.resume()
process.stdin.on('end', () => { process.exit(0) })
