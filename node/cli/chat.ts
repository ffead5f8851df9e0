/**
 * `cocoon chat [--model ID] PROMPT`: streams an answer from a running client gateway to the
 * terminal. A thin client over plain fetch (node/http/sse-client.ts); the gateway does the work.
 */
import { InvalidArgumentError, Option, type Command } from 'commander'
import { DEFAULT_GATEWAY_URL } from '../http/constants.js'
import { GatewayError, GatewayProtocolError, GatewayUnreachableError } from '../http/client-errors.js'
import { listModels, streamChat } from '../http/sse-client.js'
import type { ChatMessage } from '../http/backend.js'

/** Where the command reads and writes; tests swap these for buffers. */
export interface ChatCommandIO {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown }
  /** Reads the whole of stdin, for the prompt `-`. */
  readStdin: () => Promise<string>
  setExitCode: (code: number) => void
}

const processIO: ChatCommandIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk)
    return Buffer.concat(chunks).toString('utf8')
  },
  setExitCode: code => { process.exitCode = code }
}

interface ChatOptions {
  model?: string
  gateway: string
  apiKey?: string
  maxTokens?: number
  system?: string
}

export function registerChatCommand (program: Command, io: ChatCommandIO = processIO): void {
  program
    .command('chat')
    .description('stream an answer from a running Cocoon client gateway to the terminal')
    .argument('<prompt...>', 'the prompt; several words are joined with spaces, "-" reads it from stdin')
    .option('-m, --model <id>', 'model to ask (default: the first model the network serves with a worker)')
    .addOption(new Option('-g, --gateway <url>', 'base URL of the OpenAI-compatible gateway').env('COCOON_GATEWAY').default(DEFAULT_GATEWAY_URL))
    .addOption(new Option('--api-key <key>', 'bearer token, when the gateway was started with --api-key').env('COCOON_API_KEY'))
    .option('--max-tokens <n>', 'most tokens to generate', parsePositiveInt)
    .option('-s, --system <text>', 'system message to put before the prompt')
    .addHelpText('after', `
Examples:
  $ cocoon chat "Why is the sky blue?"
  $ cocoon chat --model tiny --max-tokens 64 Tell me a joke
  $ echo "Summarise this" | cocoon chat -

The gateway is started by \`cocoon network\` or \`cocoon start --role client --http 127.0.0.1:8080\`.`)
    .action(async (words: string[], options: ChatOptions) => {
      await runChat(words, options, io)
    })
}

async function runChat (words: string[], options: ChatOptions, io: ChatCommandIO): Promise<void> {
  const controller = new AbortController()
  const onSigint = (): void => { controller.abort() }
  process.once('SIGINT', onSigint)
  let endsWithNewline = true
  try {
    const prompt = words.length === 1 && words[0] === '-' ? (await io.readStdin()).trim() : words.join(' ')
    if (prompt === '') throw new UsageError('the prompt is empty')
    const common = { url: options.gateway, apiKey: options.apiKey, signal: controller.signal }
    const model = options.model ?? await pickModel(common)
    const messages: ChatMessage[] = options.system != null ? [{ role: 'system', content: options.system }] : []
    messages.push({ role: 'user', content: prompt })
    for await (const delta of streamChat({ ...common, model, messages, maxTokens: options.maxTokens })) {
      io.stdout.write(delta)
      endsWithNewline = delta.endsWith('\n')
    }
    if (!endsWithNewline) io.stdout.write('\n')
  } catch (err) {
    if (!endsWithNewline) io.stdout.write('\n')
    if (controller.signal.aborted) {
      io.setExitCode(130)
      return
    }
    io.stderr.write(`cocoon chat: ${describe(err, options.gateway)}\n`)
    io.setExitCode(1)
  } finally {
    process.off('SIGINT', onSigint)
  }
}

/** The first model some worker serves, so that `cocoon chat "hi"` works on a fresh network. */
async function pickModel (options: { url: string, apiKey?: string, signal: AbortSignal }): Promise<string> {
  const models = await listModels(options)
  const chosen = models.find(m => (m.workers ?? 1) > 0) ?? models[0]
  if (chosen == null) throw new UsageError('the gateway serves no models yet (are any workers up?)')
  return chosen.id
}

class UsageError extends Error {
  static override readonly name = 'UsageError'
  override readonly name = 'UsageError'
  readonly code = 'USAGE'
}

function describe (err: unknown, gateway: string): string {
  if (err instanceof GatewayUnreachableError) {
    return `cannot reach the gateway at ${gateway} — is \`cocoon network\` or \`cocoon start --role client --http ...\` running?`
  }
  if (err instanceof GatewayError) return `${err.message} (${err.code})`
  if (err instanceof GatewayProtocolError || err instanceof UsageError) return err.message
  return err instanceof Error ? err.message : String(err)
}

function parsePositiveInt (value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
}
