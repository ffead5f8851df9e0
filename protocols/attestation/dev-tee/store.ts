import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { CocoonError } from '../../common/errors.js'
import { TestAuthority, createTestAuthority, type CreateTestAuthorityOptions, type TestAuthorityState } from './authority.js'

/** File name of each part of a saved authority; keys are written mode 0600. */
const FILES = {
  rootCertPem: { name: 'root-ca.pem', secret: false },
  platformCaCertPem: { name: 'pck-platform-ca.pem', secret: false },
  pckCertPem: { name: 'pck.pem', secret: false },
  tcbSigningCertPem: { name: 'tcb-signing.pem', secret: false },
  pckKeyPem: { name: 'pck.key', secret: true },
  attestationKeyPem: { name: 'attestation.key', secret: true }
} as const satisfies Record<Exclude<keyof TestAuthorityState, 'collateral'>, { name: string, secret: boolean }>
const COLLATERAL_FILE = 'collateral.json'

async function writeInto (dir: string, state: TestAuthorityState): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  for (const [field, file] of Object.entries(FILES) as Array<[keyof typeof FILES, typeof FILES[keyof typeof FILES]]>) {
    const path = `${dir}/${file.name}`
    const mode = file.secret ? 0o600 : 0o644
    await writeFile(path, state[field], { mode })
    await chmod(path, mode) // writeFile's mode only applies to a file it creates
  }
  await writeFile(`${dir}/${COLLATERAL_FILE}`, JSON.stringify(state.collateral, null, 2) + '\n', { mode: 0o644 })
}

/** Writes the authority's certificates, keys (0600) and collateral into `dir`, replacing what is there. */
export async function saveTestAuthority (authority: TestAuthority, dir: string): Promise<void> {
  await writeInto(dir, authority.state)
}

/** Reads an authority written by `saveTestAuthority`. */
export async function loadTestAuthority (dir: string): Promise<TestAuthority> {
  const state: Partial<Record<keyof TestAuthorityState, unknown>> = {}
  try {
    for (const [field, file] of Object.entries(FILES)) {
      state[field as keyof typeof FILES] = await readFile(`${dir}/${file.name}`, 'utf8')
    }
    state.collateral = JSON.parse(await readFile(`${dir}/${COLLATERAL_FILE}`, 'utf8'))
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new CocoonError('BAD_REQUEST', code === 'ENOENT' ? `no test authority in ${dir}` : `test authority in ${dir} is unreadable: ${(err as Error).message}`, { dir, missing: code === 'ENOENT' }, { cause: err })
  }
  return new TestAuthority(state as unknown as TestAuthorityState)
}

/**
 * Loads the authority in `dir`, or creates and saves one. Safe when several local processes start at once:
 * each writes a complete copy beside `dir` and renames it into place; whoever loses the race loads the winner's.
 */
export async function loadOrCreateTestAuthority (dir: string, options: CreateTestAuthorityOptions = {}): Promise<TestAuthority> {
  try {
    return await loadTestAuthority(dir)
  } catch (err) {
    if ((err as CocoonError).data?.missing !== true) throw err
  }
  const authority = await createTestAuthority(options)
  const staging = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeInto(staging, authority.state)
  try {
    await rename(staging, dir)
    return authority
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    const code = (err as { code?: string }).code
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err
    return await loadTestAuthority(dir)
  }
}
