export { SaslError, asSaslError } from './errors.js'
export type { SaslErrorCode, SaslErrorOptions, SaslReply } from './errors.js'
export type {
  ChannelBinding,
  ClientRandomOptions,
  Identity,
  Mechanism,
  MechanismTraits,
  SaslClient,
  SaslServer,
  ScramStoredKeys,
  SecurityLayer,
  ServerChannel,
  ServerOptions,
  ServerStep,
  StoredCredentials,
} from './types.js'
export { negotiate } from './negotiate.js'
export type { NegotiationPolicy } from './negotiate.js'
