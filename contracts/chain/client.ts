// The module itself, not the package root: the root also loads every wallet, jetton, multisig and elector contract
// and TonClient4, none of which a registry read uses, and light clients read the registry.
import { TonClient } from '@ton/ton/dist/client/TonClient.js'

export interface ChainEndpoint {
  /** toncenter v2 JSON-RPC URL, e.g. `http://127.0.0.1:8081/jsonRPC` or `https://testnet.toncenter.com/api/v2/jsonRPC`. */
  endpoint: string
  apiKey?: string
}

/** Nodes reach TON only through this client, so devnet, testnet and mainnet differ by endpoint alone. */
export function createTonClient ({ endpoint, apiKey }: ChainEndpoint): TonClient {
  return new TonClient({ endpoint, apiKey, timeout: 15_000 })
}

export function sleep (ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
