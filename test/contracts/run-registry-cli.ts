/** Child-process half of registry-cli.spec.ts: runs `cocoon registry` with the error handling of node/cli/main.ts. */
import { Command, CommanderError } from 'commander'
import { registerRegistryCommand } from '../../node/cli/registry.js'

const program = new Command('cocoon').exitOverride()
registerRegistryCommand(program)
try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (!(err instanceof CommanderError)) process.stderr.write(`cocoon: ${(err as Error).message}\n`)
  process.exitCode = err instanceof CommanderError ? err.exitCode : 1
}
