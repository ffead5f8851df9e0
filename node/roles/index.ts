import type { Role } from '../config.js'
import type { RoleFactory } from '../create-node.js'
import { clientRole } from './client.js'
import { proxyRole } from './proxy.js'
import { workerRole } from './worker.js'

/** The services a role switches on; the node itself is the same for all three. */
export function roleFactory (role: Role): RoleFactory {
  switch (role) {
    case 'worker': return workerRole
    case 'proxy': return proxyRole
    case 'client': return clientRole
  }
}
