/**
 * A tiny strict XML reader for exactly what XMPP SASL needs (RFC 6120 §6.4): one complete
 * element with attributes, namespace declarations, text and child elements. It refuses what
 * RFC 6120 §11.1 forbids in a stream (comments, processing instructions, DTDs, entity
 * references other than the predefined five and character references) and anything beyond
 * its size, depth and element-count limits, always with `SaslError('malformed-request')`.
 */
import { SaslError } from '../core/errors.js'

/** One parsed element. */
export interface XmlElement {
  /** Local name (`auth` for `<sasl:auth>`). */
  readonly name: string
  /**
   * Resolved namespace, or undefined when the element's prefix (or the default namespace) is
   * not declared inside the parsed text: it is inherited from the stream, which we do not see.
   */
  readonly namespace: string | undefined
  /** Unprefixed attributes by name, plus `xml:lang`; other prefixed attributes are foreign and dropped. */
  readonly attributes: ReadonlyMap<string, string>
  readonly children: readonly XmlElement[]
  /** The character data directly inside this element (CDATA included), entities decoded. */
  readonly text: string
}

const MAX_DEPTH = 8
const MAX_ELEMENTS = 512
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace'

// XML 1.0 §2.2 Char: no C0 controls but TAB/LF/CR, no lone surrogates, no U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
// XML Namespaces §3 NCName (a practical subset of the Name production: ASCII plus all non-ASCII).
const NCNAME = /[A-Za-z_\u00c0-\uffff][A-Za-z0-9_.\-\u00b7\u00c0-\uffff]*/y
const TEXT = /[^<&]+/y
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function malformed(message: string): SaslError {
  return new SaslError('malformed-request', `XML: ${message}`)
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
}

interface Draft {
  prefix: string | undefined
  name: string
  attributes: Map<string, string>
  declarations: Map<string, string>
  children: XmlElement[]
  text: string
}

class Reader {
  readonly #s: string
  #i = 0
  #elements = 0

  constructor(s: string) {
    this.#s = s
  }

  parse(): XmlElement {
    this.#skipSpace()
    const root = this.#element(new Map(), 1)
    this.#skipSpace()
    if (this.#i !== this.#s.length) throw malformed('trailing content after the element')
    return root
  }

  #skipSpace(): boolean {
    const start = this.#i
    while (this.#i < this.#s.length && ' \t\r\n'.includes(this.#s[this.#i]!)) this.#i++
    return this.#i > start
  }

  #expect(literal: string): void {
    if (!this.#s.startsWith(literal, this.#i)) throw malformed(`expected '${literal}'`)
    this.#i += literal.length
  }

  #ncname(): string {
    NCNAME.lastIndex = this.#i
    const m = NCNAME.exec(this.#s)
    if (m === null) throw malformed('expected a name')
    this.#i += m[0].length
    return m[0]
  }

  #qname(): { prefix: string | undefined; name: string } {
    const first = this.#ncname()
    if (this.#s[this.#i] !== ':') return { prefix: undefined, name: first }
    this.#i++
    return { prefix: first, name: this.#ncname() }
  }

  // XML 1.0 §4.1: the five predefined entities and character references only (RFC 6120 §11.1).
  #reference(): string {
    const end = this.#s.indexOf(';', this.#i)
    if (end < 0 || end - this.#i > 10) throw malformed('unterminated reference')
    const body = this.#s.slice(this.#i + 1, end)
    this.#i = end + 1
    if (Object.hasOwn(PREDEFINED, body)) return PREDEFINED[body]!
    const m = /^#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}))$/.exec(body)
    if (m === null) throw malformed('unknown entity reference')
    const cp = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16)
    if (!isXmlChar(cp)) throw malformed('character reference to a forbidden character')
    return String.fromCodePoint(cp)
  }

  #attributeValue(): string {
    const quote = this.#s[this.#i]
    if (quote !== '"' && quote !== "'") throw malformed('expected a quoted attribute value')
    this.#i++
    let value = ''
    for (;;) {
      const c = this.#s[this.#i]
      if (c === undefined) throw malformed('unterminated attribute value')
      if (c === quote) break
      if (c === '<') throw malformed("'<' in an attribute value")
      if (c === '&') value += this.#reference()
      else {
        // XML 1.0 §3.3.3: attribute-value normalisation turns TAB/CR/LF into spaces.
        value += c === '\t' || c === '\r' || c === '\n' ? ' ' : c
        this.#i++
      }
    }
    this.#i++
    return value
  }

  #element(scope: ReadonlyMap<string, string>, depth: number): XmlElement {
    if (depth > MAX_DEPTH) throw malformed('elements nested too deeply')
    if (++this.#elements > MAX_ELEMENTS) throw malformed('too many elements')
    this.#expect('<')
    const { prefix, name } = this.#qname()
    const draft: Draft = { prefix, name, attributes: new Map(), declarations: new Map(), children: [], text: '' }
    const seen = new Set<string>()
    let empty = false
    for (;;) {
      const spaced = this.#skipSpace()
      if (this.#s.startsWith('/>', this.#i)) {
        this.#i += 2
        empty = true
        break
      }
      if (this.#s[this.#i] === '>') {
        this.#i++
        break
      }
      if (!spaced) throw malformed('expected whitespace before an attribute')
      const attribute = this.#qname()
      const key = attribute.prefix === undefined ? attribute.name : `${attribute.prefix}:${attribute.name}`
      if (seen.has(key)) throw malformed('duplicate attribute')
      seen.add(key)
      this.#skipSpace()
      this.#expect('=')
      this.#skipSpace()
      const value = this.#attributeValue()
      if (attribute.prefix === undefined && attribute.name === 'xmlns') draft.declarations.set('', value)
      else if (attribute.prefix === 'xmlns') {
        // Namespaces in XML 1.0 §3: a prefix cannot be undeclared, nor bind 'xml'/'xmlns' elsewhere.
        if (value === '' || attribute.name === 'xmlns' || (attribute.name === 'xml' && value !== XML_NAMESPACE)) {
          throw malformed('invalid namespace declaration')
        }
        draft.declarations.set(attribute.name, value)
      } else if (attribute.prefix === undefined) draft.attributes.set(attribute.name, value)
      else if (attribute.prefix === 'xml') draft.attributes.set(key, value)
    }
    const inner = new Map(scope)
    for (const [p, ns] of draft.declarations) inner.set(p, ns)
    if (!empty) this.#content(draft, inner, depth)
    let namespace: string | undefined
    if (prefix === 'xml') namespace = XML_NAMESPACE
    else {
      namespace = inner.get(prefix ?? '')
      // Namespaces in XML 1.0 §5.2: xmlns="" puts unprefixed elements in no namespace.
      if (namespace === '') namespace = undefined
    }
    return { name, namespace, attributes: draft.attributes, children: draft.children, text: draft.text }
  }

  #content(draft: Draft, scope: ReadonlyMap<string, string>, depth: number): void {
    for (;;) {
      const c = this.#s[this.#i]
      if (c === undefined) throw malformed(`unclosed element <${draft.name}>`)
      if (c === '&') {
        draft.text += this.#reference()
      } else if (c !== '<') {
        TEXT.lastIndex = this.#i
        const chunk = TEXT.exec(this.#s)![0]
        if (chunk.includes(']]>')) throw malformed("']]>' in character data")
        draft.text += chunk
        this.#i += chunk.length
      } else if (this.#s.startsWith('</', this.#i)) {
        this.#i += 2
        const close = this.#qname()
        if (close.prefix !== draft.prefix || close.name !== draft.name) throw malformed('mismatched end tag')
        this.#skipSpace()
        this.#expect('>')
        return
      } else if (this.#s.startsWith('<![CDATA[', this.#i)) {
        const end = this.#s.indexOf(']]>', this.#i + 9)
        if (end < 0) throw malformed('unterminated CDATA section')
        draft.text += this.#s.slice(this.#i + 9, end)
        this.#i = end + 3
      } else if (this.#s.startsWith('<!', this.#i) || this.#s.startsWith('<?', this.#i)) {
        // RFC 6120 §11.1: no comments, processing instructions or DTDs in an XML stream.
        throw malformed('comments, processing instructions and DTDs are not allowed')
      } else {
        draft.children.push(this.#element(scope, depth + 1))
      }
    }
  }
}

/**
 * Parses exactly one element (surrounding whitespace allowed). Throws
 * `SaslError('malformed-request')` for anything else, or when `input` exceeds `maxLength`.
 */
export function parseXmlElement(input: string, maxLength: number): XmlElement {
  if (typeof input !== 'string') throw malformed('expected a string')
  if (input.length > maxLength) throw malformed(`element longer than ${maxLength} characters`)
  if (INVALID_CHAR.test(input)) throw malformed('forbidden character')
  return new Reader(input).parse()
}

/** Escapes text for element content or a double-quoted attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${c === '<' ? 'lt' : c === '>' ? 'gt' : c === '&' ? 'amp' : c === '"' ? 'quot' : 'apos'};`)
}
