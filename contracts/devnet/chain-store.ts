import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Address, Cell, loadTransaction, type Message, type Transaction } from '@ton/core'
import { Blockchain, snapshotFromSerializable, snapshotToSerializable } from '@ton/sandbox'

type SerializableSnapshot = ReturnType<typeof snapshotToSerializable>
import { pino, type Logger } from 'pino'
import { DEVNET_TX_LOG_PER_ACCOUNT } from '../constants.js'

export const CHAIN_STATE_FILE = 'chain.json'

interface StoredChain {
  version: 1
  seqno: number
  snapshot: SerializableSnapshot
  /** Raw address -> transaction BOCs, oldest first, the newest DEVNET_TX_LOG_PER_ACCOUNT kept (our own log: the emulator's lookup is not usable). */
  txLog: Record<string, string[]>
}

/** Writes a file whole or not at all: temp file in the same folder, then rename. */
export async function writeFileAtomic (path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(tmp, data, { mode })
  await rename(tmp, path)
}

/**
 * The emulator as a chain: one sandbox Blockchain whose clock follows wall time, every call
 * serialised through one queue, a per-account transaction log, and the state written to
 * `<dataDir>/chain.json` after each change and read back on start.
 */
export class ChainStore {
  /** Counts state changes; served as the masterchain seqno. */
  seqno: number
  private tail: Promise<unknown> = Promise.resolve()
  private readonly txLog: Map<string, string[]>

  private constructor (readonly sandbox: Blockchain, private readonly path: string, stored: StoredChain | null, private readonly log: Logger, private readonly txLogLimit: number) {
    this.seqno = stored?.seqno ?? 1
    this.txLog = new Map(Object.entries(stored?.txLog ?? {}))
  }

  /** `txLogPerAccount`: how many transactions getTransactions can see per account. @default DEVNET_TX_LOG_PER_ACCOUNT */
  static async open (dataDir: string, logger: Logger = pino({ level: 'silent' }), opts: { txLogPerAccount?: number } = {}): Promise<{ store: ChainStore, restored: boolean }> {
    await mkdir(dataDir, { recursive: true })
    const path = join(dataDir, CHAIN_STATE_FILE)
    const sandbox = await Blockchain.create()
    let stored: StoredChain | null = null
    try {
      stored = JSON.parse(await readFile(path, 'utf8')) as StoredChain
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    if (stored != null) {
      await sandbox.loadFrom(snapshotFromSerializable(stored.snapshot))
      logger.info({ path, seqno: stored.seqno }, 'devnet state restored')
    }
    const store = new ChainStore(sandbox, path, stored, logger, Math.max(1, opts.txLogPerAccount ?? DEVNET_TX_LOG_PER_ACCOUNT))
    store.tick()
    return { store, restored: stored != null }
  }

  /** Runs `fn` after every earlier call has finished: the emulator is never used concurrently. */
  run<T> (fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn)
    this.tail = next.catch(() => undefined)
    return next
  }

  /** Moves the chain clock to wall time (never backwards), so expiry and unbonding work. */
  tick (): void {
    const now = Math.floor(Date.now() / 1000)
    this.sandbox.now = Math.max(this.sandbox.now ?? 0, now)
  }

  /** Processes a message and everything it causes; records and persists the result. Call inside run(). */
  async apply (message: Cell | Message): Promise<Transaction[]> {
    this.tick()
    const result = await this.sandbox.sendMessage(message)
    this.record(result.transactions)
    await this.persist()
    return result.transactions
  }

  record (transactions: Transaction[]): void {
    for (const tx of transactions) {
      const dest = tx.inMessage?.info.dest
      if (dest == null || !('hash' in dest)) continue
      const key = (dest as Address).toRawString()
      const list = this.txLog.get(key) ?? []
      list.push(tx.raw.toBoc({ idx: false }).toString('base64'))
      // Keep the newest only: getTransactions pages back from the newest, and chain.json is rewritten on every change.
      if (list.length > this.txLogLimit) list.splice(0, list.length - this.txLogLimit)
      this.txLog.set(key, list)
    }
    if (transactions.length > 0) this.seqno++
  }

  /** The account's transactions, newest first. */
  transactionsOf (address: Address): Transaction[] {
    const list = this.txLog.get(address.toRawString()) ?? []
    return list.slice().reverse().map(b64 => loadTransaction(Cell.fromBase64(b64).beginParse()))
  }

  async persist (): Promise<void> {
    const stored: StoredChain = {
      version: 1,
      seqno: this.seqno,
      snapshot: snapshotToSerializable(this.sandbox.snapshot()),
      txLog: Object.fromEntries(this.txLog)
    }
    await writeFileAtomic(this.path, JSON.stringify(stored))
    this.log.trace({ seqno: this.seqno }, 'devnet state saved')
  }
}
