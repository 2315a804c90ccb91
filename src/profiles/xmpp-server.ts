/**
 * The server side of the XMPP SASL wire format (RFC 6120 §6.4), loaded on a server profile's
 * first element by `xmpp.server()`.
 */
import type { SaslErrorCode } from '../core/errors.js'
import { base64Encode } from '../codec/base64.js'
import { mechanismName, type CommandLine, type Refusal, type ResponseLine, type ServerWire } from './common.js'
import type { XmlElement } from './xml.js'
import { MAX_ELEMENT, open, parseSasl, payloadText, withPayload } from './xmpp-syntax.js'

function conditionFor(refusal: Refusal): SaslErrorCode {
  switch (refusal) {
    case 'already-authenticated':
    case 'line-too-long':
    case 'unknown-command':
    case 'syntax':
    case 'protocol-violation':
      return 'malformed-request'
    case 'server-not-verified':
      return 'temporary-auth-failure'
    default:
      return refusal
  }
}

export function serverWire(): ServerWire {
  return {
    multiline: true,
    defaultMaxLineLength: MAX_ELEMENT,
    successCarriesData: true,
    command(line): CommandLine {
      let element: XmlElement
      try {
        element = parseSasl(line, Number.POSITIVE_INFINITY)
      } catch {
        return { type: 'refuse', refusal: 'syntax' }
      }
      if (element.name !== 'auth') return { type: 'refuse', refusal: 'unknown-command' }
      const name = element.attributes.get('mechanism')
      if (name === undefined) return { type: 'refuse', refusal: 'syntax' }
      const mechanism = mechanismName(name)
      // RFC 6120 §6.4.2: names are upper case; anything else is not a mechanism we know.
      if (mechanism === undefined || mechanism !== name) return { type: 'refuse', refusal: 'invalid-mechanism' }
      let text: string
      try {
        text = payloadText(element)
      } catch {
        return { type: 'refuse', refusal: 'syntax' }
      }
      return { type: 'auth', mechanism, initial: text === '' ? undefined : text }
    },
    response(line): ResponseLine {
      let element: XmlElement
      try {
        element = parseSasl(line, Number.POSITIVE_INFINITY)
      } catch {
        return { type: 'refuse', refusal: 'malformed-request' }
      }
      // RFC 6120 §6.4.4: <abort/> cancels.
      if (element.name === 'abort') return { type: 'cancel' }
      if (element.name !== 'response') return { type: 'refuse', refusal: 'malformed-request' }
      let text: string
      try {
        text = payloadText(element)
      } catch {
        return { type: 'refuse', refusal: 'malformed-request' }
      }
      return { type: 'data', text: text === '=' ? '' : text }
    },
    challenge: (data) => withPayload('challenge', base64Encode(data)),
    // RFC 6120 §6.4.6: success data inside <success>, "=" when present but empty.
    success: (data) => withPayload('success', data === undefined ? '' : data.length === 0 ? '=' : base64Encode(data)),
    refuse: (refusal) => `${open('failure')}><${conditionFor(refusal)}/></failure>`,
  }
}
