/** Milliseconds since the epoch. Pure logic takes one of these so the simulator can run it on virtual time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()
