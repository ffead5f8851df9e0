/** Child-process half of devnet-cli.spec.ts: runs `cocoon devnet` as the lead's CLI will wire it. */
import { Command } from 'commander'
import { registerDevnetCommand } from '../../node/cli/devnet.js'

const program = new Command('cocoon')
registerDevnetCommand(program)
await program.parseAsync(process.argv)
