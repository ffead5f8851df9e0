/**
 * Cocoon as a library. Most apps need only `createClient`:
 *
 * ```js
 * import { createClient } from 'cocoon-network'
 * const client = await createClient({ bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo...'], ton: 'http://127.0.0.1:8081/jsonRPC', registry: 'EQ...' })
 * const answer = client.chat({ model: 'cocoon-tiny', messages: [{ role: 'user', content: 'Hello' }], maxTokens: 32 })
 * for await (const text of answer) process.stdout.write(text)
 * console.log(await answer.result)   // { finishReason, usage: { promptTokens, completionTokens }, costNano }
 * await client.stop()
 * ```
 *
 * Running nodes, a gateway or a whole local network from code: `cocoon-network/server`. It is a separate entry so
 * that an app embedding the client does not load the model engine or the devnet emulator.
 */
export { createClient, CocoonClient, type CreateClientOptions, type ChatOptions, type ChatResult, type ChatStream } from './client/create-client.js'
export type { ClientEventMap } from './client/light-client.js'
export type { ChatBackend, ChatEvent, ChatRequest, BackendModel } from './http/backend.js'
export { CocoonError, ErrorCodes, type ErrorCode } from '../protocols/common/errors.js'
