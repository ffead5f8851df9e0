import { toNano } from '@ton/core'
import type { RegistryParams } from './wrappers/codec.js'

/** Tunables of contracts/, with their defaults and why. */

/**
 * How long RegistryView keeps an answer. Registry lookups sit on the job path (every offer
 * is checked), while entries change on the scale of minutes; 10 s keeps the chain load low
 * and a slash or renewal visible quickly. 0 switches caching off.
 * @default 10_000
 */
export const REGISTRY_CACHE_TTL_MS = 10_000

/** Gap between seqno / entry polls after a send; a real chain makes a block every ~2-5 s. @default 1_000 */
export const TX_POLL_INTERVAL_MS = 1_000

/** Give up waiting for a sent transaction after this long (several blocks on testnet). @default 90_000 */
export const TX_TIMEOUT_MS = 90_000

/**
 * Value sent on top of the stake with RegisterWorker. The registry needs 0.05 TON above
 * the minimum stake (REGISTER_FEE_RESERVE in registry.tolk); the rest of the fee part
 * ends up in the stake, so a little more is harmless. @default 0.1 TON
 */
export const REGISTER_FEE_MARGIN = toNano('0.1')

/** Value attached to renew / unbond / withdraw / admin messages; excess comes back. @default 0.05 TON */
export const OPERATION_VALUE = toNano('0.05')

/** A wallet must keep this much after a send for its own fees. @default 0.05 TON */
export const WALLET_FEE_RESERVE = toNano('0.05')

/** How long `isDevnet` waits for an endpoint to say it is a devnet (a local one answers in milliseconds). @default 5_000 */
export const DEVNET_PROBE_TIMEOUT_MS = 5_000

/**
 * Transactions the devnet keeps per account for getTransactions; older ones are dropped so chain.json stays
 * bounded (a wallet renewing every few hours would otherwise grow it forever). Balances and state are unaffected.
 * @default 200
 */
export const DEVNET_TX_LOG_PER_ACCOUNT = 200

/** Value the devnet deploys the registry with (pays its storage). @default 1 TON */
export const REGISTRY_DEPLOY_VALUE = toNano('1')

/** What the devnet's faucet gives the admin wallet on first start. @default 10_000 TON */
export const DEVNET_ADMIN_FUNDING = toNano('10000')

/** Largest single faucet request, so a typo cannot drain the emulator treasury. @default 100_000 TON */
export const DEVNET_FAUCET_MAX = toNano('100000')

/**
 * Registry parameters the devnet deploys with, chosen so that tests run fast:
 * 1 TON minimum stake, 5% proxy fee, 60 s unbonding (withdraw a minute after unbond),
 * certificates valid at most 7 days.
 */
export const DEVNET_REGISTRY_PARAMS: RegistryParams = {
  minStake: toNano('1'),
  proxyFeeBps: 500,
  unbondingDelay: 60,
  certMaxLifetime: 7 * 24 * 3600
}

/** Default devnet listen address; bound to loopback unless told otherwise. */
export const DEVNET_HOST = '127.0.0.1'
export const DEVNET_PORT = 8081

/** The devnet serves JSON-RPC on this path (and on `/`), like toncenter's `/api/v2/jsonRPC`. */
export const DEVNET_RPC_PATH = '/jsonRPC'
