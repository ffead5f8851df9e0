import { lpStream } from '@libp2p/utils'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { CocoonError, toCocoonError } from '../common/errors.js'
import { decodeCollateral, encodeCollateral, type Collateral } from './collateral.js'
import { ATTEST_MAX_MESSAGE_BYTES, ATTEST_MAX_REQUEST_BYTES, ATTEST_PROTOCOL, ATTEST_TIMEOUT_MS } from './constants.js'
import { attestationError } from './errors.js'
import { AttestRequest, AttestResponse } from './gen/messages.js'

/** What a worker serves on /cocoon/attest/1.0.0. */
export interface AttestationBundle {
  /** The encoded certificate. */
  certificate: Uint8Array
  collateral: Collateral
}

const FRAME_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError'])
const MALFORMED_ERRORS = new Set(['InvalidMessageLengthError', 'UnexpectedEOFError'])

/** Maps a stream or decoding failure to the wire error codes: FRAME_TOO_LARGE, MALFORMED, TIMEOUT, ... */
export function toAttestError (err: unknown): CocoonError {
  const name = (err as { name?: string })?.name ?? ''
  if (FRAME_ERRORS.has(name)) return new CocoonError('FRAME_TOO_LARGE', (err as Error).message, undefined, { cause: err })
  if (MALFORMED_ERRORS.has(name)) {
    return new CocoonError('MALFORMED', (err as Error).message, undefined, { cause: err })
  }
  return toCocoonError(err)
}

/** Decodes one protobuf frame; bytes that are not the message are MALFORMED. */
function decodeFrame<T> (codec: { decode: (bytes: Uint8Array | Uint8ArrayList) => T }, bytes: Uint8Array | Uint8ArrayList, what: string): T {
  try {
    return codec.decode(bytes)
  } catch (err) {
    throw new CocoonError('MALFORMED', `${what} does not decode: ${(err as Error).message}`, undefined, { cause: err })
  }
}

/**
 * Serves one attest exchange on an inbound stream: one request frame in, one response frame out, each read
 * under `timeoutMs`. Any failure resets the stream and is returned (never thrown) for the caller to log.
 */
export async function serveAttestRequest (stream: Stream, bundle: () => Promise<AttestationBundle | undefined>, options: { timeoutMs?: number } = {}): Promise<CocoonError | undefined> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? ATTEST_TIMEOUT_MS)
  const lp = lpStream(stream, { maxDataLength: ATTEST_MAX_REQUEST_BYTES })
  try {
    decodeFrame(AttestRequest, await lp.read({ signal }), 'attest request')
    const current = await bundle()
    const response = current == null
      ? { error: 'this node has no attestation certificate' }
      : { certificate: current.certificate, collateral: encodeCollateral(current.collateral) }
    await lp.write(AttestResponse.encode(response as AttestResponse), { signal })
    await stream.close({ signal })
    return undefined
  } catch (err) {
    const error = err instanceof CocoonError ? err : toAttestError(err)
    stream.abort(error)
    return error
  }
}

export interface FetchCertificateOptions {
  signal?: AbortSignal
  /** @default ATTEST_TIMEOUT_MS */
  timeoutMs?: number
  /** @default ATTEST_MAX_MESSAGE_BYTES */
  maxMessageBytes?: number
}

/** A libp2p node (dials the peer) or an open connection to it. */
export type AttestDialer = Pick<Libp2p, 'dialProtocol'> | Pick<Connection, 'newStream' | 'remotePeer'>

async function openAttestStream (via: AttestDialer, peerId: PeerId, signal: AbortSignal): Promise<Stream> {
  if ('newStream' in via) {
    if (!via.remotePeer.equals(peerId)) throw new CocoonError('BAD_REQUEST', `connection is to ${via.remotePeer.toString()}, not ${peerId.toString()}`)
    return await via.newStream(ATTEST_PROTOCOL, { signal })
  }
  return await via.dialProtocol(peerId, ATTEST_PROTOCOL, { signal })
}

/**
 * Asks a peer for its certificate and collateral over /cocoon/attest/1.0.0. Does not verify them: pass the
 * result to `verifyCertificate` or `AttestationCache.verify` with `expectedPeerId: peerId`.
 * Throws CocoonError: TIMEOUT, MALFORMED, FRAME_TOO_LARGE, ATTESTATION (reason NO_CERTIFICATE), ...
 */
export async function fetchCertificate (via: AttestDialer, peerId: PeerId, options: FetchCertificateOptions = {}): Promise<AttestationBundle> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? ATTEST_TIMEOUT_MS)
  const signal = options.signal == null ? timeout : AbortSignal.any([options.signal, timeout])
  let stream: Stream | undefined
  try {
    stream = await openAttestStream(via, peerId, signal)
    const lp = lpStream(stream, { maxDataLength: options.maxMessageBytes ?? ATTEST_MAX_MESSAGE_BYTES })
    await lp.write(AttestRequest.encode({}), { signal })
    const response = decodeFrame(AttestResponse, await lp.read({ signal }), 'attest response')
    await stream.close({ signal })
    if (response.error != null) throw attestationError('NO_CERTIFICATE', `${peerId.toString()}: ${response.error}`)
    if (response.certificate.length === 0) throw new CocoonError('MALFORMED', 'attest response carries no certificate')
    return { certificate: response.certificate, collateral: decodeCollateral(response.collateral) }
  } catch (err) {
    const error = err instanceof CocoonError ? err : toAttestError(err)
    stream?.abort(error)
    throw error
  }
}
