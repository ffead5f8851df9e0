/**
 * Child of bench/lib-loopback.ts: a plain TCP echo server on loopback (no libp2p, no crypto), so that the probe
 * measures only what the machine adds to a message between two processes. Prints `{"event":"listening","port":N}`
 * and exits when its stdin closes.
 */
import { createServer } from 'node:net'

const server = createServer(socket => {
  socket.setNoDelay(true)
  socket.on('data', data => { socket.write(data) })
  socket.on('error', () => {})
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('no TCP address')
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: address.port })}\n`)
})
process.stdin.resume()
process.stdin.on('end', () => { process.exit(0) })
