/** The OpenAI-compatible HTTP gateway and the client that `cocoon chat` uses to talk to one. */
export type { ChatBackend, ChatEvent, ChatMessage, ChatRequest, BackendModel } from './backend.js'
export { startGateway, type Gateway, type GatewayOptions } from './gateway.js'
export {
  GatewayRequestError, InvalidRequestBodyError, BodyTooLargeError, RouteNotFoundError, MethodNotAllowedError,
  UnauthorizedError, describeError, statusForCode, type OpenAIErrorBody
} from './errors.js'
export { streamChat, listModels, type StreamChatOptions, type ListModelsOptions } from './sse-client.js'
export { GatewayError, GatewayUnreachableError, GatewayProtocolError } from './client-errors.js'
export { parseSse, type SseEvent } from './sse-parser.js'
export { DEFAULT_GATEWAY_URL } from './constants.js'
