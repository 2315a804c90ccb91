import { describe, expect, it } from 'vitest'
import protocol from '../vectors/protocol.json' with { type: 'json' }
import { base64Encode, external, plain, xmpp } from '../../src/index.js'
import { parseXmlElement } from '../../src/profiles/xml.js'
import { bytes, challenge, fakeMechanism, saslRejects, scriptedClient, scriptedServer, success } from '../helpers/profiles.js'

const NS = 'urn:ietf:params:xml:ns:xmpp-sasl'
const v = protocol.vectors.find((x) => x.id === 'XMPP SASL example exchange (SCRAM-SHA-1)')!
const expected = v.expected as { transcript: string[]; auth_decoded: string; challenge_decoded: string; response_decoded: string; success_decoded: string }
const [features, auth, challengeEl, response, successEl] = expected.transcript.map((line) => line.slice(3)) as [string, string, string, string, string]
const credentials = (u: string) => (u === 'tim' ? { password: 'tanstaaftanstaaf' } : undefined)

/** What matters in an element: its name, namespace, mechanism and base64 payload. */
function essence(element: string) {
  const e = parseXmlElement(element, 1 << 20)
  return { name: e.name, namespace: e.namespace, mechanism: e.attributes.get('mechanism'), payload: e.text.replace(/\s+/g, ''), children: e.children.map((c) => c.name) }
}

describe(`XMPP: ${v.id} — ${v.source}`, () => {
  it('parses the offered mechanisms from the stream features', () => {
    expect(xmpp.parseMechanisms(features)).toEqual(['SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1', 'PLAIN'])
  })

  it('client: sends the auth and response elements, and passes the success data to finish()', async () => {
    const client = scriptedClient('SCRAM-SHA-1', { initial: expected.auth_decoded, responses: [expected.response_decoded] })
    const ex = xmpp.client(client)
    const first = await ex.begin()
    expect(first).toBe(`<auth xmlns="${NS}" mechanism="SCRAM-SHA-1">${base64Encode(bytes(expected.auth_decoded))}</auth>`)
    expect(essence(first)).toEqual(essence(auth))
    const act = await ex.receive(challengeEl)
    expect(essence(act.send!)).toEqual(essence(response))
    expect(new TextDecoder().decode(client.challenges[0])).toBe(expected.challenge_decoded)
    expect(await ex.receive(successEl)).toEqual({ done: true })
    expect(client.finished.map((d) => new TextDecoder().decode(d))).toEqual([expected.success_decoded])
  })

  it('server: reads the pretty-printed auth and response, answers challenge and success with data', async () => {
    const server = scriptedServer('SCRAM-SHA-1', [challenge(expected.challenge_decoded), success(expected.success_decoded)])
    const srv = xmpp.server({ mechanisms: [fakeMechanism('SCRAM-SHA-1', { server: () => server })] })
    expect(srv.advertise()).toBe(`<mechanisms xmlns="${NS}"><mechanism>SCRAM-SHA-1</mechanism></mechanisms>`)
    const r1 = await srv.receive(auth)
    expect(essence(r1.reply)).toEqual(essence(challengeEl))
    const r2 = await srv.receive(response)
    expect(essence(r2.reply)).toEqual(essence(successEl))
    expect(r2.done).toBe(true)
    expect(server.responses.map((r) => new TextDecoder().decode(r))).toEqual([expected.auth_decoded, expected.response_decoded])
  })
})

describe('XMPP client', () => {
  it('reads elements whatever the attribute order, namespace prefix, quotes and whitespace', async () => {
    const forms = [
      `<success xmlns="${NS}"/>`,
      `<success xmlns='${NS}'></success>`,
      `  <success\n   xmlns = '${NS}'\t/>\r\n`,
      `<sasl:success xmlns:sasl="${NS}"/>`,
      `<sasl:success xmlns:sasl="${NS}" xmlns="jabber:client"></sasl:success>`,
      '<success/>', // the namespace is the stream's, which the caller's framing declared
    ]
    for (const form of forms) {
      const ex = xmpp.client(plain.client({ username: 'tim', password: 'tanstaaftanstaaf' }))
      await ex.begin()
      expect(await ex.receive(form)).toEqual({ done: true })
    }
  })

  it('passes "=" in <success> as empty additional data, and no text as none — RFC 6120 §6.4.6', async () => {
    for (const [element, data] of [
      [`<success xmlns="${NS}">=</success>`, new Uint8Array(0)],
      [`<success xmlns="${NS}"> </success>`, undefined],
      [`<success xmlns="${NS}">dj1vaw==</success>`, bytes('v=ok')],
      [`<success xmlns="${NS}"><![CDATA[dj1v]]>aw==</success>`, bytes('v=ok')],
    ] as const) {
      const client = scriptedClient('X', { initial: 'a' })
      const ex = xmpp.client(client)
      await ex.begin()
      await ex.receive(element)
      expect(client.finished).toEqual([data])
    }
  })

  it('reads "=" or nothing in <challenge> as an empty challenge, and whitespace between elements as a keepalive', async () => {
    const client = scriptedClient('X', { responses: ['a', 'b'] })
    const ex = xmpp.client(client)
    await ex.begin()
    expect(await ex.receive(' \n')).toEqual({})
    expect(await ex.receive(`<challenge xmlns="${NS}">=</challenge>`)).toEqual({ send: `<response xmlns="${NS}">YQ==</response>` })
    expect(await ex.receive(`<challenge xmlns="${NS}"/>`)).toEqual({ send: `<response xmlns="${NS}">Yg==</response>` })
    expect(client.challenges).toEqual([new Uint8Array(0), new Uint8Array(0)])
  })

  it('reads the failure condition and text — RFC 6120 §6.5', async () => {
    const cases: Array<[string, string, Record<string, unknown>]> = [
      [`<failure xmlns="${NS}"><not-authorized/><text xml:lang="en">Wrong password</text></failure>`, 'not-authorized', { condition: 'not-authorized', text: 'Wrong password' }],
      [`<failure xmlns="${NS}"><text>Later &amp; again</text><temporary-auth-failure/></failure>`, 'temporary-auth-failure', { text: 'Later & again' }],
      [`<failure xmlns="${NS}"><account-disabled/></failure>`, 'account-disabled', { condition: 'account-disabled', text: '' }],
      [`<failure xmlns="${NS}"><bad-protocol/></failure>`, 'not-authorized', { condition: 'bad-protocol' }],
      [`<failure xmlns="${NS}"/>`, 'not-authorized', { status: 'failure' }],
      [`<f:failure xmlns:f="${NS}"><f:credentials-expired/></f:failure>`, 'credentials-expired', {}],
    ]
    for (const [element, code, reply] of cases) {
      const ex = xmpp.client(plain.client({ username: 'tim', password: 'x' }))
      await ex.begin()
      const error = await saslRejects(ex.receive(element), code)
      expect(error.reply).toMatchObject({ code: 0, status: 'failure', ...reply })
    }
  })

  it('sends <auth/> without an initial response and "=" for an empty one — RFC 6120 §6.4.2', async () => {
    expect(await xmpp.client(scriptedClient('X-SERVER-FIRST', {})).begin()).toBe(`<auth xmlns="${NS}" mechanism="X-SERVER-FIRST"/>`)
    expect(await xmpp.client(external.client({})).begin()).toBe(`<auth xmlns="${NS}" mechanism="EXTERNAL">=</auth>`)
  })

  it('refuses a <challenge> with child elements or bad base64 after the first', async () => {
    const ex = xmpp.client(scriptedClient('X', { initial: 'a', responses: ['b'] }))
    await ex.begin()
    await saslRejects(ex.receive(`<challenge xmlns="${NS}"><x/></challenge>`), 'malformed-request')
    const ex2 = xmpp.client(scriptedClient('X', { initial: 'a', responses: ['b'] }))
    await ex2.begin()
    await saslRejects(ex2.receive(`<success xmlns="${NS}">!!!!</success>`), 'incorrect-encoding')
  })
})

describe('XMPP server', () => {
  const srv = () => xmpp.server({ mechanisms: [plain], channel: { secure: true }, credentials })

  it('reads <auth> in any form, and answers <success/>', async () => {
    for (const element of [
      `<auth mechanism="PLAIN" xmlns="${NS}">AHRpbQB0YW5zdGFhZnRhbnN0YWFm</auth>`,
      `<x:auth xmlns:x='${NS}' mechanism='PLAIN'>\n  AHRpbQB0\n  YW5zdGFh\n  ZnRhbnN0YWFm\n</x:auth>`,
      `<auth xmlns="${NS}" mechanism="&#80;LAIN">AHRpbQB0YW5zdGFhZnRhbnN0YWFm</auth>`,
    ]) {
      expect(await srv().receive(element)).toMatchObject({ reply: `<success xmlns="${NS}"/>`, done: true, identity: { authcid: 'tim' } })
    }
  })

  it('takes "=" or an empty <response/> as an empty response', async () => {
    for (const empty of [`<response xmlns="${NS}">=</response>`, `<response xmlns="${NS}"/>`]) {
      const s = xmpp.server({ mechanisms: [external], identity: 'tim' })
      expect((await s.receive(`<auth xmlns="${NS}" mechanism="EXTERNAL"/>`)).reply).toBe(`<challenge xmlns="${NS}"/>`)
      expect((await s.receive(empty)).reply).toBe(`<success xmlns="${NS}"/>`)
    }
  })

  it('sends empty success data as "=" — RFC 6120 §6.4.6', async () => {
    const s = xmpp.server({ mechanisms: [fakeMechanism('X', { server: () => scriptedServer('X', [success(new Uint8Array(0))]) })] })
    expect((await s.receive(`<auth xmlns="${NS}" mechanism="X">=</auth>`)).reply).toBe(`<success xmlns="${NS}">=</success>`)
  })

  it('refuses a lower-case mechanism, a foreign namespace, and an element with children', async () => {
    expect((await srv().receive(`<auth xmlns="${NS}" mechanism="plain">AA==</auth>`)).reply).toBe(`<failure xmlns="${NS}"><invalid-mechanism/></failure>`)
    expect((await srv().receive(`<auth xmlns="jabber:client" mechanism="PLAIN">AA==</auth>`)).reply).toBe(`<failure xmlns="${NS}"><malformed-request/></failure>`)
    expect((await srv().receive(`<auth xmlns="${NS}" mechanism="PLAIN"><x/></auth>`)).reply).toBe(`<failure xmlns="${NS}"><malformed-request/></failure>`)
  })
})

describe('XMPP parseMechanisms', () => {
  it('reads <mechanisms> alone, inside <stream:features>, or finds none', () => {
    expect(xmpp.parseMechanisms(`<mechanisms xmlns="${NS}"><mechanism>PLAIN</mechanism><mechanism> EXTERNAL </mechanism><mechanism>PLAIN</mechanism></mechanisms>`)).toEqual(['PLAIN', 'EXTERNAL'])
    expect(xmpp.parseMechanisms(`<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`)).toEqual([])
    expect(xmpp.parseMechanisms(`<stream:features><mechanisms xmlns="${NS}"><mechanism>X-OAUTH2</mechanism><required/></mechanisms></stream:features>`)).toEqual(['X-OAUTH2'])
  })
  it('refuses other elements and invalid names', () => {
    for (const element of [`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`, `<mechanisms xmlns="${NS}"><mechanism>plain</mechanism></mechanisms>`, `<mechanisms xmlns="other"/>`, 'nope']) {
      expect(() => xmpp.parseMechanisms(element)).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
    }
  })
})

describe('the XMPP element reader', () => {
  it('decodes entities, character references and CDATA, and resolves namespaces', () => {
    const e = parseXmlElement(`<a:x xmlns:a="urn:a" b='1 &lt;2&gt; &quot;&apos;&amp;' xml:lang="en" c:d="foreign"><y>t&#x41;&#66;<![CDATA[<raw>]]></y></a:x>`, 1000)
    expect(e).toMatchObject({ name: 'x', namespace: 'urn:a', text: '' })
    expect([...e.attributes]).toEqual([
      ['b', `1 <2> "'&`],
      ['xml:lang', 'en'],
    ])
    expect(e.children[0]).toMatchObject({ name: 'y', namespace: undefined, text: 'tAB<raw>' })
    expect(parseXmlElement(`<x xmlns="urn:d"><y xmlns=""/></x>`, 100).children[0]!.namespace).toBeUndefined()
    expect(parseXmlElement('<x a="\t1\n"/>', 100).attributes.get('a')).toBe(' 1 ')
  })

  const bad: Array<[string, string]> = [
    ['a comment', '<x><!-- c --></x>'],
    ['a processing instruction', '<?xml version="1.0"?><x/>'],
    ['a DTD', '<!DOCTYPE x><x/>'],
    ['an unknown entity', '<x>&nbsp;</x>'],
    ['an unterminated reference', '<x>&amp</x>'],
    ['a reference to a forbidden character', '<x>&#0;</x>'],
    ['a reference past Unicode', '<x>&#x110000;</x>'],
    ['a mismatched end tag', '<x></y>'],
    ['a prefix mismatch in the end tag', '<a:x xmlns:a="u"></x>'],
    ['a duplicate attribute', '<x a="1" a="2"/>'],
    ['an unquoted attribute', '<x a=1/>'],
    ['"<" in an attribute', '<x a="<"/>'],
    ['attributes without whitespace', '<x a="1"b="2"/>'],
    ['an empty namespace prefix declaration', '<x xmlns:a=""/>'],
    ['rebinding xmlns', '<x xmlns:xmlns="u"/>'],
    ['"]]>" in text', '<x>]]></x>'],
    ['an unclosed element', '<x><y></y>'],
    ['trailing content', '<x/>text'],
    ['two elements', '<x/><y/>'],
    ['text only', 'hello'],
    ['an empty string', ''],
    ['a control character', '<x>\u0001</x>'],
    ['a lone surrogate', '<x>\ud800</x>'],
    ['U+FFFE', '<x>\ufffe</x>'],
    ['an unterminated CDATA section', '<x><![CDATA[abc</x>'],
    ['a bad name', '<1x/>'],
    ['an unterminated attribute value', '<x a="1/>'],
    ['deep nesting', '<a>'.repeat(9) + '</a>'.repeat(9)],
    ['too many elements', `<a>${'<b/>'.repeat(600)}</a>`],
    ['more than the size limit', `<x>${'A'.repeat(2000)}</x>`],
  ]
  for (const [what, input] of bad) {
    it(`refuses ${what} with malformed-request`, () => {
      expect(() => parseXmlElement(input, 1000 + (what === 'too many elements' ? 10000 : 0))).toThrowError(expect.objectContaining({ code: 'malformed-request' }))
    })
  }
})
