/** Public surface of contracts/: what protocols/ and node/ import. */
export { compiledContracts } from './compiled.js'
export * from './constants.js'
export * from './errors.js'
export { Op, ExitCode, AllowList, EntryStatus, type AllowListKind, type EntryStatusValue } from './opcodes.js'
export { Registry, registryConfigToCell, type RegistryConfig, type RegistryAllowLists } from './wrappers/Registry.js'
export { WorkerEntry, workerEntryInitData, type WorkerEntryConfig, type WorkerEntryState } from './wrappers/WorkerEntry.js'
export { bigIntToHash, hashToBigInt, type RegistryParams, type WorkerCert } from './wrappers/codec.js'
export { registryCode, workerEntryCode } from './wrappers/code.js'
export * from './wrappers/messages.js'
export { createTonClient, type ChainEndpoint } from './chain/client.js'
export { RegistryView, type RegistryViewInit, type RegistryWorkerEntry } from './chain/registry-view.js'
export {
  loadOrCreateMnemonic, walletFromMnemonic, sendAndWait, requestFaucet, isDevnet, WALLET_MNEMONIC_FILE,
  type Wallet, type OutgoingMessage, type SendOptions
} from './chain/wallet.js'
export {
  ensureWorkerRegistered, unbondWorker, withdrawWorkerStake,
  type EnsureWorkerOptions, type WorkerChainOptions
} from './chain/worker.js'
export { checkRegistration, type RegistrationToCheck } from './chain/preflight.js'
export {
  configureRegistry, setAllowListed, setRegistryParams, slashWorker, readRegistrySummary,
  type AdminOptions, type ConfigureRegistryOptions, type RegistrySummary
} from './chain/admin.js'
export { startDevnet, readDevnetInfo, DEVNET_INFO_FILE, type Devnet, type DevnetInfo, type DevnetOptions } from './devnet/devnet.js'
