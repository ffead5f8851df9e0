import { DEV_IMAGE_MEASUREMENTS, type TdMeasurements } from '../measurements.js'
import type { TeeEvidence, TeeProvider } from '../tee.js'
import type { TestAuthority } from './authority.js'

/**
 * The TEE of a machine without one: quotes come from a test authority and report fixed measurements
 * (the dev image unless told otherwise).
 */
export class DevTeeProvider implements TeeProvider {
  readonly tee = 'tdx' as const
  private readonly authority: TestAuthority
  private readonly reported: TdMeasurements

  constructor (authority: TestAuthority, measurements: TdMeasurements = DEV_IMAGE_MEASUREMENTS) {
    this.authority = authority
    this.reported = measurements
  }

  async measurements (): Promise<TdMeasurements> {
    return this.reported
  }

  async quote (reportData: Uint8Array): Promise<TeeEvidence> {
    return {
      quote: this.authority.quote({ reportData, mrTd: this.reported.mrTd, rtmrs: this.reported.rtmrs }),
      collateral: this.authority.collateral()
    }
  }
}
