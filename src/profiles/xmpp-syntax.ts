/**
 * The XML of XMPP SASL (RFC 6120 §6.4) both sides of the profile share.
 */
import { SaslError } from '../core/errors.js'
import { parseXmlElement, type XmlElement } from './xml.js'

/**
 * RFC 6120 §6.4: the namespace of every SASL element.
 *
 * @example
 * ```ts
 * `<auth xmlns="${NS}" mechanism="PLAIN">`
 * ```
 */
export const NS = 'urn:ietf:params:xml:ns:xmpp-sasl'

/** Longest element a client profile parses (a 64 KiB token in base64 plus markup). */
export const MAX_ELEMENT = 131072


/** In the SASL namespace, or in one declared outside the element (inherited from the stream). */
export function isSasl(element: XmlElement): boolean {
  return element.namespace === undefined || element.namespace === NS
}

/** Strips the whitespace pretty-printers put around base64 (RFC 6120 §9 examples wrap it). */
export function payloadText(element: XmlElement): string {
  if (element.children.length > 0) throw new SaslError('malformed-request', `XMPP: <${element.name}> must hold only base64`)
  return element.text.replace(/[ \t\r\n]+/g, '')
}

export function parseSasl(input: string, maxLength: number): XmlElement {
  const element = parseXmlElement(input, maxLength)
  if (!isSasl(element)) throw new SaslError('malformed-request', `XMPP: <${element.name}> is not in the SASL namespace`)
  return element
}

export const open = (name: string, attributes = ''): string => `<${name} xmlns="${NS}"${attributes}`
export const withPayload = (name: string, payload: string, attributes = ''): string =>
  payload === '' ? `${open(name, attributes)}/>` : `${open(name, attributes)}>${payload}</${name}>`
