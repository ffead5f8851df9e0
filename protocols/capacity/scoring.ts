import { createTopicScoreParams, type TopicScoreParams } from '@libp2p/gossipsub/score'
import { INVALID_MESSAGE_WEIGHT } from './constants.js'

/**
 * Gossip scoring for the capacity topic. Only P4 (invalid deliveries) is switched on: a peer whose messages we
 * REJECT loses score quickly and, below gossipsub's graylist threshold, is ignored. Delivery-rate terms (P3) stay
 * off because honest workers publish at their own pace and a quiet network must not punish anyone.
 */
export function capacityTopicScoreParams (): TopicScoreParams {
  return createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 1,
    firstMessageDeliveriesWeight: 0,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: INVALID_MESSAGE_WEIGHT,
    invalidMessageDeliveriesDecay: 0.99
  })
}
