export * from './constants.js'
export * from './keys.js'
export * from './lookup.js'
export * from './provider.js'
