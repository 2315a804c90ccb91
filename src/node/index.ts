/**
 * Node-only helpers: channel binding from a `node:tls` socket.
 *
 * @module saslkit/node
 */
export { channelBinding } from './channel-binding.js'
export type { ChannelBindingOptions } from './channel-binding.js'
