/**
 * `cocoon models list | add PATH`: what a worker can serve, and registering a GGUF file so that
 * `cocoon start --role worker --model ID` finds it. Also the progress bar `start` shows while a
 * model is hashed and loaded.
 */
import { resolve } from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { addModelFile, listModels, type LoadProgress, type ModelListRow } from '../../models/index.js'
import { defaultDataDir } from '../paths.js'

const PHASE_LABEL: Record<LoadProgress['phase'], string> = { hash: 'hashing', load: 'loading' }

/**
 * A progress callback that draws one bar per (model, phase) on stderr, or nothing when stderr is
 * not a terminal (logs, `cocoon network` children). Call `stop()` when loading is over.
 */
export function createModelProgress (stream: NodeJS.WriteStream = process.stderr): { onProgress: (ref: string, p: LoadProgress) => void, stop: () => void } {
  if (stream.isTTY !== true) return { onProgress: () => {}, stop: () => {} }
  const bars = new cliProgress.MultiBar({
    stream,
    format: '{label} {ref} [{bar}] {percentage}% {doneMiB}/{totalMiB} MiB',
    hideCursor: true,
    clearOnComplete: false
  }, cliProgress.Presets.shades_classic)
  const byKey = new Map<string, cliProgress.SingleBar>()
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1)
  return {
    onProgress (ref, p) {
      const key = `${ref}\0${p.phase}`
      const payload = { label: PHASE_LABEL[p.phase], ref, doneMiB: mib(p.done), totalMiB: mib(p.total) }
      let bar = byKey.get(key)
      if (bar == null) {
        bar = bars.create(Math.max(p.total, 1), p.done, payload)
        byKey.set(key, bar)
      }
      bar.update(p.done, payload)
    },
    stop () { bars.stop() }
  }
}

function formatBytes (n: number | undefined, approximate = false): string {
  if (n == null) return '-'
  const s = n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`
  return approximate ? `~${s}` : s
}

/** Hex digits of a sha256 shown in the table; `--json` has the whole hash. */
const SHORT_SHA256_CHARS = 12

/** A short hash, or "on add" for a catalog build whose hash is recorded when the operator adds the file. */
function formatSha256 (r: ModelListRow): string {
  if (r.sha256 == null) return r.sha256Source === 'on-add' ? 'on add' : '-'
  return r.sha256.slice(0, SHORT_SHA256_CHARS)
}

export function formatModelList (rows: readonly ModelListRow[]): string {
  const header = ['ID', 'NAME', 'SHA256', 'SIZE', 'MEMORY', 'CONTEXT', 'LICENSE', 'STATUS']
  const table = rows.map(r => [
    r.id,
    r.name,
    formatSha256(r),
    formatBytes(r.sizeBytes, r.sizeIsApproximate),
    formatBytes(r.memoryBytes, true),
    r.contextLength?.toString() ?? '-',
    r.license ?? '-',
    r.installed ? `ready${r.path != null ? ` ${r.path}` : ' (built in)'}` : 'not added'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...table.map(row => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i])).join('  ')
  return [line(header), ...table.map(line)].join('\n') + '\n'
}

export function registerModelsCommand (program: Command): void {
  const models = program.command('models')
    .description('list the models this node can serve, or add a GGUF file')

  models.command('list')
    .description('catalog models (with size, memory for one slot at 4096 tokens, licence) and files added to this node')
    .addHelpText('after', '\nSHA256 is the model\'s identity on the network. A catalog build\'s hash is the published file\'s\n' +
      '(its Hugging Face LFS hash, at the revision its URL names). "on add" means the catalog pins no hash\n' +
      'for that build: it is taken from your file when you run `cocoon models add PATH`, and shown from then on.\n')
    .option('--data <dir>', 'data directory (default: $COCOON_DATA or ~/.cocoon)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { data?: string, json?: boolean }) => {
      const rows = await listModels(resolve(opts.data ?? defaultDataDir()))
      process.stdout.write(opts.json === true ? JSON.stringify(rows, null, 2) + '\n' : formatModelList(rows))
    })

  models.command('add')
    .description('hash a GGUF file, read its metadata and record it, so `--model ID` can serve it')
    .argument('<path>', 'the .gguf file')
    .option('--data <dir>', 'data directory (default: $COCOON_DATA or ~/.cocoon)')
    .option('--id <id>', 'id to register it under (default: its catalog id, else the file name)')
    .addHelpText('after', '\nA file that is not GGUF, or is damaged or truncated, is refused with an error. A file named like a\n' +
      'catalog build whose hash differs from the catalog\'s, or whose architecture the bundled llama.cpp\n' +
      'does not list, is recorded with a warning (the first as an unlisted model, not as that build).\n' +
      'Example:\n  cocoon models add ~/Downloads/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf\n  cocoon start --role worker --model qwen2.5-0.5b-instruct-q4_k_m\n')
    .action(async (path: string, opts: { data?: string, id?: string }) => {
      const progress = createModelProgress()
      try {
        const { record: rec, warnings } = await addModelFile(resolve(opts.data ?? defaultDataDir()), path, {
          id: opts.id,
          onProgress: p => { progress.onProgress(path, p) }
        })
        progress.stop()
        for (const w of warnings) process.stderr.write(`warning: ${w.message}\n`)
        process.stdout.write(`added ${rec.id}  sha256 ${rec.sha256}  ${formatBytes(rec.sizeBytes)}  ${rec.architecture}` +
          `${rec.contextLength != null ? `  context ${rec.contextLength}` : ''}${rec.catalogId != null ? `  (catalog: ${rec.catalogId})` : ''}\n`)
      } finally {
        progress.stop()
      }
    })
}
