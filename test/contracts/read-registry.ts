/**
 * Child-process half of devnet.spec.ts: reads the registry through an unmodified TonClient
 * (via RegistryView) and prints what it sees as JSON.
 *   node --import tsx test/contracts/read-registry.ts ENDPOINT REGISTRY WORKER_KEY_HEX IMAGE_HEX MODEL_HEX
 */
import { RegistryView } from '../../contracts/chain/registry-view.js'

const [endpoint, registry, workerKeyHex, imageHex, modelHex] = process.argv.slice(2)
const view = new RegistryView({ endpoint, registry, cacheTtlMs: 0 })
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const entry = await view.workerEntry(Buffer.from(workerKeyHex, 'hex'))
process.stdout.write(JSON.stringify({
  roots: (await view.acceptedRoots()).map(hex),
  imageAllowed: await view.isImageAllowed(Buffer.from(imageHex, 'hex')),
  modelAllowed: await view.isModelAllowed(Buffer.from(modelHex, 'hex')),
  otherModelAllowed: await view.isModelAllowed(Buffer.alloc(32, 0xfe)),
  entry: entry == null ? null : { ...entry, certHash: hex(entry.certHash), imageHash: hex(entry.imageHash), stake: entry.stake.toString() }
}) + '\n')
