import { SaslError } from '../core/errors.js'
import { base64Decode, base64Encode } from '../codec/base64.js'
import { utf8Decode } from '../codec/utf8-decode.js'
import type { GssInitiator, GssStepResult, GssUnwrapResult } from '../mechanisms/gssapi.js'

/**
 * The `KerberosClient` of the npm `kerberos` package (mongodb-js/kerberos), as far as the
 * adapter uses it. Data goes in and out as base64 strings.
 *
 * @example
 * ```ts
 * const handle: KerberosClientHandle = await kerberosModule.initializeClient('imap@mail.example.com')
 * ```
 */
export interface KerberosClientHandle {
  /** GSS_Init_sec_context with a base64 token ('' for none); the base64 output token or null. */
  step(challenge: string): Promise<string | null>
  /** Not a general GSS_Wrap: see {@link kerberos} for what it really does. */
  wrap(challenge: string, options?: { user?: string; protect?: boolean }): Promise<string>
  /** GSS_Unwrap of a base64 token; the base64 cleartext (`responseConf` tells if it was sealed). */
  unwrap(challenge: string): Promise<string | null>
  /** The client principal, once the context is complete. */
  readonly username: string | null
  /** 1 when the last unwrapped token was encrypted. */
  readonly responseConf: number
  readonly contextComplete: boolean
}

/**
 * The npm `kerberos` package, as far as the adapter uses it (`import * as k from 'kerberos'`).
 *
 * @example
 * ```ts
 * const kerberosModule: KerberosModule = createRequire(import.meta.url)('kerberos')
 * ```
 */
export interface KerberosModule {
  initializeClient(service: string, options?: { principal?: string; flags?: number; mechOID?: number }): Promise<KerberosClientHandle>
  readonly GSS_MECH_OID_KRB5?: number
}

/**
 * Options of {@link kerberos}.
 *
 * @example
 * ```ts
 * const options: KerberosOptions = { service: 'imap@mail.example.com', principal: 'alice@EXAMPLE.COM' }
 * ```
 */
export interface KerberosOptions {
  /** The server as a GSS host-based service name, `service@host` (RFC 4752 §3.1): `imap@mail.example.com`. */
  readonly service: string
  /** The client principal whose credentials to use; default: the credential cache's default principal. */
  readonly principal?: string
  /** GSS request flags; default GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG (RFC 4752 §3.1 requires mutual). */
  readonly flags?: number
  /** The `kerberos` module, already loaded; default: `import('kerberos')` on first use. */
  readonly module?: KerberosModule
}

const PACKAGE = 'kerberos'
const GSS_C_MUTUAL_FLAG = 2
const GSS_C_SEQUENCE_FLAG = 8
/** GSS_MECH_OID_KRB5 in the `kerberos` package: Kerberos V5 itself, not SPNEGO (RFC 4752 §3). */
const MECH_OID_KRB5 = 9
/** The package copies the authzid into a 4096-byte buffer after 4 octets, NUL-terminated. */
const MAX_AUTHZID_BYTES = 4091

async function loadKerberos(): Promise<KerberosModule> {
  const specifier = PACKAGE // a variable: bundlers and tsc leave this optional import alone
  let loaded: unknown
  try {
    loaded = await import(specifier)
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
    // Node says ERR_MODULE_NOT_FOUND; bundlers and test runners (Vite) say "Could not resolve".
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (module|package)|could not resolve/i.test(String(message))
    throw new SaslError(
      'temporary-auth-failure',
      missing
        ? `saslkit/node kerberos(): the optional peer dependency '${PACKAGE}' is not installed (npm install ${PACKAGE}; it compiles against the MIT Kerberos headers, e.g. Debian's libkrb5-dev)`
        : `saslkit/node kerberos(): the optional peer dependency '${PACKAGE}' could not be loaded`,
      { cause: error },
    )
  }
  const namespace = loaded as Partial<KerberosModule> & { default?: Partial<KerberosModule> }
  const module = typeof namespace.initializeClient === 'function' ? namespace : namespace.default
  if (typeof module?.initializeClient !== 'function') {
    throw new SaslError('temporary-auth-failure', `saslkit/node kerberos(): '${PACKAGE}' has no initializeClient()`)
  }
  return module as KerberosModule
}

class KerberosInitiator implements GssInitiator {
  readonly #options: { service: string; principal: string | undefined; flags: number }
  readonly #module: KerberosModule | undefined
  #handle: Promise<KerberosClientHandle> | undefined
  initiatorName: string | undefined

  constructor(options: KerberosOptions) {
    // Decision 5: a missing or non-string option is the caller's mistake; an empty name, text that cannot be sent.
    if (typeof options.service !== 'string' || (options.principal !== undefined && typeof options.principal !== 'string')) {
      throw new SaslError('protocol-violation', 'saslkit/node kerberos(): service (service@host) is required, and it and principal must be strings')
    }
    if (options.service === '') throw new SaslError('malformed-request', 'saslkit/node kerberos(): empty service')
    this.#options = { service: options.service, principal: options.principal, flags: options.flags ?? GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG }
    this.#module = options.module
  }

  #client(): Promise<KerberosClientHandle> {
    this.#handle ??= (async () => {
      const module = this.#module ?? (await loadKerberos())
      const { service, principal, flags } = this.#options
      const init: { principal?: string; flags: number; mechOID: number } = { flags, mechOID: module.GSS_MECH_OID_KRB5 ?? MECH_OID_KRB5 }
      if (principal !== undefined) init.principal = principal
      return module.initializeClient(service, init)
    })()
    return this.#handle
  }

  async step(token?: Uint8Array): Promise<GssStepResult> {
    const client = await this.#client()
    const response = await client.step(token === undefined ? '' : base64Encode(token))
    const complete = client.contextComplete === true
    if (complete) this.initiatorName = client.username ?? undefined
    return { token: response ? base64Decode(response) : undefined, complete }
  }

  async wrap(data: Uint8Array, { confidential }: { readonly confidential: boolean }): Promise<Uint8Array> {
    // kerberos (checked in 7.0.0, src/unix/kerberos_gss.cc authenticate_gss_client_wrap) never
    // wraps the data it is given: it reads a max size from its first 4 octets and wraps
    // 0x01 (no security layer) + those 3 octets + options.user instead. So the one thing it
    // can wrap is RFC 4752's "no layer" answer: 01 000000 authzid, with conf_flag FALSE.
    const isNoLayerAnswer = data.length >= 4 && data[0] === 0x01 && data[1] === 0 && data[2] === 0 && data[3] === 0
    if (confidential || !isNoLayerAnswer) {
      throw new SaslError('mechanism-too-weak', `saslkit/node kerberos(): the '${PACKAGE}' package can only wrap the "no security layer" answer`)
    }
    const authzid = utf8Decode(data.subarray(4))
    if (authzid.includes('\0') || data.length - 4 > MAX_AUTHZID_BYTES) {
      throw new SaslError('malformed-request', `saslkit/node kerberos(): the '${PACKAGE}' package cannot send this authzid`)
    }
    const client = await this.#client()
    // 8 octets, not 4: the package reads its size field as a C long.
    const offerShaped = base64Encode(new Uint8Array([0x01, 0, 0, 0, 0, 0, 0, 0]))
    return base64Decode(await client.wrap(offerShaped, { user: authzid, protect: false }))
  }

  async unwrap(token: Uint8Array): Promise<GssUnwrapResult> {
    const client = await this.#client()
    const data = base64Decode((await client.unwrap(base64Encode(token))) ?? '')
    return { data, confidential: client.responseConf === 1 }
  }
}

/**
 * A {@link GssInitiator} backed by the npm `kerberos` package (an optional peer dependency:
 * `npm install kerberos`; it compiles against the MIT Kerberos headers). Credentials come
 * from the user's credential cache (`kinit`, `KRB5CCNAME`). One initiator serves one
 * authentication.
 *
 * What it can do: establish the Kerberos V5 context with mutual authentication, unwrap the
 * server's security-layer offer, and answer it with **no security layer** (with an authzid).
 * What it cannot do, because of the package (checked in its 7.0.0 source): integrity or
 * confidentiality layers — its `wrap` does not wrap arbitrary data (it always rebuilds the
 * RFC 4752 "no layer" answer from its input), so asking for a layer fails with
 * `mechanism-too-weak`; it has no GSS_Wrap_size_limit and does not report the acceptor's
 * name; and its server object has only `step` (no wrap/unwrap), so it cannot back a
 * `GssAcceptor`. An authzid must be free of NUL and at most 4091 bytes. When the package
 * is missing or fails to load, the first step throws a `SaslError` naming it.
 *
 * @example
 * ```ts
 * import { gssapi } from 'saslkit'
 * import { kerberos } from 'saslkit/node'
 *
 * const client = gssapi.client({ provider: kerberos({ service: 'imap@mail.example.com' }), authzid: 'shared' })
 * const initial = await client.start() // the AP-REQ, for `AUTHENTICATE GSSAPI`
 * ```
 */
export function kerberos(options: KerberosOptions): GssInitiator {
  return new KerberosInitiator(options)
}
