import { Command, CommanderError } from 'commander'
import { registerChatCommand } from './chat.js'
import { registerDevnetCommand } from './devnet.js'
import { registerInitCommand } from './init.js'
import { registerModelsCommand } from './models.js'
import { registerNetworkCommand } from './network.js'
import { registerRegistryCommand } from './registry.js'
import { registerStartCommand } from './start.js'
import { registerStatusCommand } from './status.js'

/** Assembles the `cocoon` program; each command lives in its own file. */
export function buildProgram (): Command {
  const program = new Command('cocoon')
    .description('Cocoon: a confidential AI compute network. One program, three roles: client, proxy, worker.')
    .version('0.1.0')
    // Commander's own errors (unknown option, missing argument) as one line, like every other cocoon error; its
    // showHelpAfterError would add the hint as a second line.
    .configureOutput({ outputError: (text, write) => { write(oneLineError(text)) } })
    .exitOverride()
  registerInitCommand(program)
  registerStartCommand(program)
  registerStatusCommand(program)
  registerChatCommand(program)
  registerDevnetCommand(program)
  registerNetworkCommand(program)
  registerRegistryCommand(program)
  registerModelsCommand(program)
  return program
}

/** `error: unknown option '--x'\n` -> `cocoon: unknown option '--x' (run with --help for usage)\n`. */
export function oneLineError (text: string): string {
  const message = text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()
  return `cocoon: ${message} (run with --help for usage)\n`
}

export async function main (argv: string[]): Promise<void> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode
      return
    }
    process.stderr.write(`cocoon: ${(err as Error).message}\n`)
    process.exitCode = 1
  }
}
