import type { PeerIdCache } from '../common/peer-ids.js'
import { CocoonError } from '../common/errors.js'
import { JOB_ID_BYTES, PRESEALED_ATTEMPT } from './constants.js'
import type { RouteRequest, SealedJob } from './gen/messages.js'

/** The checks a proxy makes of a client's RouteRequest before it picks a worker; anything off is BAD_REQUEST. */

/**
 * The fast path's pre-sealed job must be attempt 1 of a well-formed job for the routed model. Its preferred worker is
 * parsed through the proxy's `peerIds`: clients name the same few workers job after job.
 */
export function validatePresealed (r: RouteRequest, peerIds: PeerIdCache): { job: SealedJob, worker: string } {
  const job = r.sealed
  if (job == null || r.preferredWorker == null) throw new CocoonError('BAD_REQUEST', 'a pre-sealed job needs its preferred worker')
  if (job.attempt !== PRESEALED_ATTEMPT || job.jobId.byteLength !== JOB_ID_BYTES) throw new CocoonError('BAD_REQUEST', 'a pre-sealed job is attempt 1 with a 16-byte job id')
  if (job.model !== r.model) throw new CocoonError('BAD_REQUEST', 'sealed job names another model than the route')
  let worker: string
  try {
    worker = peerIds.fromMultihash(r.preferredWorker).toString()
  } catch {
    throw new CocoonError('BAD_REQUEST', 'preferred worker is not a peer id')
  }
  return { job, worker }
}

export function validateRoute (r: RouteRequest): void {
  if (r.model === '' || r.model.length > 256) throw new CocoonError('BAD_REQUEST', 'route needs a model id')
  if (r.maxTokens < 1) throw new CocoonError('BAD_REQUEST', 'maxTokens must be at least 1')
}
