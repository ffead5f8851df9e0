import { concat } from 'uint8arrays/concat'
import type { Codec } from '../common/frames.js'
import { ClientFrame, ProxyFrame, WorkFrame, WorkRequest, Usage } from './gen/messages.js'

/** The protons codecs of the job protocols, in the shape FrameStream takes. */
export const codecs = {
  client: { encode: ClientFrame.encode, decode: ClientFrame.decode } satisfies Codec<ClientFrame>,
  proxy: { encode: ProxyFrame.encode, decode: ProxyFrame.decode } satisfies Codec<ProxyFrame>,
  workRequest: { encode: WorkRequest.encode, decode: WorkRequest.decode } satisfies Codec<WorkRequest>,
  work: { encode: WorkFrame.encode, decode: WorkFrame.decode } satisfies Codec<WorkFrame>
}

const FINAL_LABEL = new TextEncoder().encode('cocoon/final/v1')

/** Bytes the worker signs in `Final`: binds the usage and the answer's hash to this job and attempt. */
export function finalSigningBytes (jobId: Uint8Array, attempt: number, usage: Usage, outputHash: Uint8Array): Uint8Array {
  const attemptBytes = new Uint8Array(4)
  new DataView(attemptBytes.buffer).setUint32(0, attempt)
  return concat([FINAL_LABEL, jobId, attemptBytes, Usage.encode(usage), outputHash])
}
