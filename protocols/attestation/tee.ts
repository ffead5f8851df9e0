import type { Collateral } from './collateral.js'
import type { TdMeasurements } from './measurements.js'

/** A quote and the collateral it verifies against. */
export interface TeeEvidence {
  quote: Uint8Array
  collateral: Collateral
}

/**
 * The trusted execution environment a worker runs in. Implementations: the dev TEE over a test authority
 * (`DevTeeProvider`), and a real Intel TDX guest (`TdxTeeProvider`), which takes quotes through the Linux
 * configfs-tsm report interface and fetches their collateral from a PCCS.
 */
export interface TeeProvider {
  readonly tee: 'tdx'
  /** The measurements (MRTD, RTMR0-3) the next quote will report; the certificate's image hash comes from them. */
  measurements (): Promise<TdMeasurements>
  /** A quote whose REPORTDATA is `reportData` (64 bytes). */
  quote (reportData: Uint8Array): Promise<TeeEvidence>
}
