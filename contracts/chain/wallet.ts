import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Address, type Cell, internal, SendMode, type StateInit } from '@ton/core'
import { type KeyPair, mnemonicNew, mnemonicToPrivateKey, mnemonicValidate } from '@ton/crypto'
import { type TonClient, WalletContractV5R1 } from '@ton/ton'
import { pino, type Logger } from 'pino'
import { DEVNET_PROBE_TIMEOUT_MS, TX_POLL_INTERVAL_MS, TX_TIMEOUT_MS, WALLET_FEE_RESERVE } from '../constants.js'
import { ChainRequestError, InsufficientFundsError, InvalidArgumentError, TransactionTimeoutError } from '../errors.js'
import { sleep } from './client.js'

export const WALLET_MNEMONIC_FILE = 'wallet.mnemonic'

export interface Wallet {
  mnemonic: string[]
  keyPair: KeyPair
  contract: WalletContractV5R1
  address: Address
}

/** Reads `<dataDir>/<file>` (24 words), or creates one with mode 0600 when absent. */
export async function loadOrCreateMnemonic (dataDir: string, file = WALLET_MNEMONIC_FILE): Promise<string[]> {
  const path = join(dataDir, file)
  try {
    const words = (await readFile(path, 'utf8')).trim().split(/\s+/)
    if (!(await mnemonicValidate(words))) throw new InvalidArgumentError(`${path} does not hold a valid TON mnemonic`)
    return words
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const words = await mnemonicNew()
  await mkdir(dataDir, { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, words.join(' ') + '\n', { mode: 0o600 })
  await chmod(tmp, 0o600)
  await rename(tmp, path)
  return words
}

/** A WalletContractV5R1 (basechain, mainnet wallet id; the devnet emulates mainnet config). */
export async function walletFromMnemonic (mnemonic: string[]): Promise<Wallet> {
  const keyPair = await mnemonicToPrivateKey(mnemonic)
  const contract = WalletContractV5R1.create({ workchain: 0, publicKey: keyPair.publicKey })
  return { mnemonic, keyPair, contract, address: contract.address }
}

export interface OutgoingMessage {
  to: Address
  value: bigint
  body?: Cell
  init?: StateInit
  /** @default true */
  bounce?: boolean
}

export interface SendOptions {
  timeoutMs?: number
  pollMs?: number
  logger?: Logger
}

/**
 * Signs and sends up to 255 messages from the wallet (deploying the wallet with its first
 * send), then waits, as on a real chain, until the wallet's seqno moves past the one used.
 */
export async function sendAndWait (client: TonClient, wallet: Wallet, messages: OutgoingMessage[], opts: SendOptions = {}): Promise<void> {
  const log = opts.logger ?? pino({ level: 'silent' })
  if (messages.length === 0) return
  const opened = client.open(wallet.contract)
  const balance = await opened.getBalance()
  const total = messages.reduce((s, m) => s + m.value, 0n)
  if (balance < total + WALLET_FEE_RESERVE) {
    throw new InsufficientFundsError(`wallet ${wallet.address.toString()} holds ${balance} nanoTON, needs ${total + WALLET_FEE_RESERVE}`)
  }
  const seqno = await opened.getSeqno()
  await opened.sendTransfer({
    seqno,
    secretKey: wallet.keyPair.secretKey,
    sendMode: SendMode.PAY_GAS_SEPARATELY | SendMode.IGNORE_ERRORS,
    messages: messages.map(m => internal({ to: m.to, value: m.value, body: m.body, init: m.init, bounce: m.bounce ?? true }))
  })
  log.debug({ wallet: wallet.address.toString(), seqno, messages: messages.length }, 'sent transfer')
  const deadline = Date.now() + (opts.timeoutMs ?? TX_TIMEOUT_MS)
  while (Date.now() < deadline) {
    await sleep(opts.pollMs ?? TX_POLL_INTERVAL_MS)
    try {
      if (await opened.getSeqno() > seqno) return
    } catch (err) {
      log.debug({ err }, 'seqno poll failed; retrying')
    }
  }
  throw new TransactionTimeoutError(`wallet ${wallet.address.toString()}: seqno ${seqno} not confirmed after ${opts.timeoutMs ?? TX_TIMEOUT_MS} ms`)
}

/**
 * Devnet only: asks the devnet's `faucet` JSON-RPC method for `amountNano` and returns once
 * the transfer is on chain (the emulator processes it before answering).
 */
export async function requestFaucet (endpoint: string, address: Address | string, amountNano: bigint): Promise<void> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'faucet', params: { address: address.toString(), amount: amountNano.toString() } })
  })
  const body = await res.json().catch(() => null) as { ok?: boolean, error?: string } | null
  if (!res.ok || body?.ok !== true) {
    throw new ChainRequestError(`faucet at ${endpoint} failed: ${body?.error ?? res.statusText}`)
  }
}

/**
 * True when `endpoint` is a Cocoon devnet (it answers the devnet-only `devnet` method); false for toncenter and
 * any other chain, which answer it with an error. Only a devnet has a faucet to ask.
 */
export async function isDevnet (endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'devnet', params: {} }),
      signal: AbortSignal.timeout(DEVNET_PROBE_TIMEOUT_MS)
    })
    const body = await res.json().catch(() => null) as { ok?: boolean, result?: { '@type'?: string } } | null
    return res.ok && body?.ok === true && body.result?.['@type'] === 'devnet'
  } catch {
    return false
  }
}
