import { SaslError } from './errors.js'
import type { ChannelBinding, Mechanism } from './types.js'

/**
 * What the caller accepts when choosing a mechanism.
 *
 * @example
 * ```ts
 * const policy: NegotiationPolicy = { secure: true, prefer: ['SCRAM-SHA-256'] }
 * ```
 */
export interface NegotiationPolicy {
  /** The channel is protected (TLS): plaintext mechanisms become acceptable. */
  readonly secure?: boolean
  /** Accept plaintext mechanisms on an unprotected channel anyway (loopback tests). */
  readonly allowPlaintext?: boolean
  /** Binding data of the channel: -PLUS mechanisms become acceptable. */
  readonly channelBinding?: ChannelBinding
  /** The user's own order; the first acceptable name wins. Names EXTERNAL/ANONYMOUS to allow them. */
  readonly prefer?: readonly string[]
}

/**
 * Picks the strongest mechanism both sides have (API.md §5): plaintext mechanisms only on a
 * secure channel (or with `allowPlaintext`), -PLUS only with binding data, mechanisms whose
 * traits say `explicitOnly` (EXTERNAL, ANONYMOUS) only when `prefer` names them, and the
 * caller's `prefer` order ahead of strength. `legacy` excludes nothing. Among equally strong
 * ones the earlier candidate wins. Names compare case-insensitively. Throws
 * `SaslError('mechanism-too-weak')` naming the offered list (and why the candidates it shares
 * were refused) when nothing is acceptable, `protocol-violation` for arguments of the wrong type.
 *
 * @example
 * ```ts
 * const mech = negotiate(['PLAIN', 'SCRAM-SHA-256'], [plain, scramSha256], { secure: true })
 * // mech === scramSha256
 * ```
 */
export function negotiate<M extends Mechanism<never, never>>(
  offered: readonly string[],
  candidates: readonly M[],
  policy: NegotiationPolicy = {},
): M {
  const strings = (value: unknown): value is readonly string[] => Array.isArray(value) && value.every((v) => typeof v === 'string')
  if (!strings(offered) || !Array.isArray(candidates) || typeof policy !== 'object' || policy === null || (policy.prefer !== undefined && !strings(policy.prefer))) {
    throw new SaslError('protocol-violation', 'negotiate(offered: string[], candidates: Mechanism[], policy?)')
  }
  if (!candidates.every((m) => typeof m === 'object' && m !== null && typeof m.name === 'string' && typeof m.traits === 'object' && m.traits !== null)) {
    throw new SaslError('protocol-violation', 'negotiate: candidates must be mechanism descriptors')
  }
  const offeredNames = new Set(offered.map((name) => name.trim().toUpperCase()))
  const preferred = (policy.prefer ?? []).map((name) => name.trim().toUpperCase())
  const refused: string[] = []
  const acceptable = candidates.filter((m) => {
    if (!offeredNames.has(m.name)) return false
    let why: string | undefined
    if (m.traits.plaintext && policy.secure !== true && policy.allowPlaintext !== true) why = 'needs a secure channel'
    else if (m.traits.channelBinding && policy.channelBinding === undefined) why = 'needs channel binding data'
    else if (m.traits.explicitOnly === true && !preferred.includes(m.name)) why = 'is used only when preferred'
    if (why !== undefined) refused.push(`${m.name} ${why}`)
    return why === undefined
  })
  for (const name of preferred) {
    const hit = acceptable.find((m) => m.name === name)
    if (hit !== undefined) return hit
  }
  let best: M | undefined
  for (const m of acceptable) if (best === undefined || m.traits.strength > best.traits.strength) best = m
  if (best === undefined) {
    const reasons = refused.length === 0 ? 'no candidate is offered' : refused.join(', ')
    throw new SaslError(
      'mechanism-too-weak',
      offered.length === 0 ? 'the server offered no mechanism' : `no acceptable mechanism among those offered: ${offered.join(' ')} (${reasons})`,
    )
  }
  return best
}
