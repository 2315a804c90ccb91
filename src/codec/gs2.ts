/**
 * A GS2 header (RFC 5801 §4), as SCRAM (RFC 5802 §7) and OAUTHBEARER (RFC 7628 §3.1) send
 * it: the channel-binding flag, then an optional authzid.
 *
 * @example
 * ```ts
 * const h: Gs2Header = { flag: 'p', cbType: 'tls-exporter', authzid: 'admin' }
 * ```
 */
export interface Gs2Header {
  /** `n`: client does not support binding; `y`: supports it, thinks the server does not; `p`: uses it. */
  readonly flag: 'n' | 'y' | 'p'
  /** The binding type named by `p=`. */
  readonly cbType?: string
  /** The authzid of `a=`, unescaped; absent when none was given. */
  readonly authzid?: string
}

/**
 * Escapes a saslname (RFC 5801 §4): `=` → `=3D`, `,` → `=2C`.
 *
 * @example
 * ```ts
 * escapeSaslname('a,b=c') // 'a=2Cb=3Dc'
 * ```
 */
export function escapeSaslname(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

/**
 * Formats a GS2 header with its trailing comma: `n,,`, `y,a=admin,`, `p=tls-exporter,,`.
 *
 * @example
 * ```ts
 * encodeGs2Header({ flag: 'n', authzid: 'user@example.com' }) // 'n,a=user@example.com,'
 * ```
 */
export function encodeGs2Header(header: Gs2Header): string {
  const flag = header.flag === 'p' ? `p=${header.cbType ?? ''}` : header.flag
  // An absent or empty authzid leaves the field empty.
  const authzid = header.authzid ? `a=${escapeSaslname(header.authzid)}` : ''
  return `${flag},${authzid},`
}
