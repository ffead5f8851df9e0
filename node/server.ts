/** Cocoon's node side as a library: run nodes, the OpenAI-compatible gateway, or a whole local network. */
export { createNode, CocoonNode, type CreateNodeOptions, type RoleModule } from './create-node.js'
export { NodeConfigSchema, loadConfig, type NodeConfig, type Role } from './config.js'
export { startGateway, type Gateway, type ChatBackend } from './http/index.js'
export { startNetwork, type NetworkOptions, type LocalNetwork } from './network/launcher.js'
