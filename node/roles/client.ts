import { startGateway, type Gateway } from '../http/index.js'
import { LightClient } from '../client/light-client.js'
import { splitHostPort } from '../config.js'
import type { NodeParts, RoleModule } from '../create-node.js'
import { attestationCache, offerVerifier } from './trust.js'

/** The client role: a light node that runs jobs for its owner, and optionally the OpenAI-compatible gateway. */
export async function clientRole (parts: NodeParts): Promise<RoleModule> {
  const { config, logger, libp2p } = parts
  const client = new LightClient({ libp2p, verify: offerVerifier(attestationCache(config, logger)), logger: logger.child({ component: 'client' }) })
  let gateway: Gateway | undefined
  return {
    async start () {
      if (config.http != null) {
        const { host, port } = splitHostPort(config.http)
        // startGateway logs the URL it listens on.
        gateway = await startGateway({ backend: client, host, port, apiKey: config.apiKey, logger: logger.child({ component: 'http' }) })
      }
      // Finding a proxy can take a moment in a young network; the gateway answers 503 meanwhile.
      client.ready().then(async () => logger.info({ proxies: (await client.findProxies()).map(String) }, 'proxy found; ready for jobs'), (err) => logger.warn({ err: (err as Error).message }, 'no proxy yet'))
    },
    async stop () {
      await gateway?.close()
      client.stop()
    },
    status () {
      return { gateway: gateway?.url }
    }
  }
}
