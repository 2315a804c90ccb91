// The generic part of every peer test file: for each row of the table and each direction the
// peer supports, either two cases (right credentials succeed, wrong ones are refused) or one
// "peer lacks it" check with its evidence. Drivers only speak their peer's protocol.
import { afterEach, describe, expect, it } from 'vitest'
import type { Exit } from './process.js'
import { tag, type Direction } from './matrix.js'
import type { Case, Row } from '../rows.js'
import type { InteropContext } from './context.js'
import { SaslError, type ServerStep } from '../../../src/index.js'

/** saslkit client → peer server: what the peer decided. */
export type ToPeerOutcome =
  | { readonly status: 'success'; /** The identity the peer reports, when it reports one. */ readonly peerIdentity?: string }
  | { readonly status: 'refused'; /** The peer's own words. */ readonly detail: string }

/** Peer client → saslkit server: saslkit's final step, and how the peer ended. */
export interface FromPeerOutcome {
  readonly step: ServerStep
  readonly peerExit: Exit
}

/** Why a peer lacks a mechanism, and a check that it still does (a test, not a skip). */
export interface Lack {
  readonly evidence: string
  readonly verify: () => Promise<void>
}

export interface PeerDriver {
  /** Column name in the matrix, e.g. `gsasl`, `cyrus`, `dovecot imap`. */
  readonly peer: string
  /** The saslkit client when it is not the library's profiles, e.g. `saslkit probe (CLI)`. */
  readonly client?: string
  /** Present when the peer has that role; `undefined` means `lack()` covers every row. */
  readonly toPeer?: (row: Row, c: Case) => Promise<ToPeerOutcome>
  readonly fromPeer?: (row: Row, c: Case) => Promise<FromPeerOutcome>
  /** The evidence, when the peer lacks the row's mechanism in this direction. */
  readonly lack: (row: Row, direction: Direction) => Lack | undefined
  /** False for rows that have no case with this peer at all (shown as `—`). */
  readonly applies?: (row: Row) => boolean
  /** Peer identity checks that do not hold for a mechanism (documented quirks). */
  readonly checksIdentity?: (row: Row) => boolean
}

/** Defines the cases of one peer for every row. */
export function defineCells(driver: PeerDriver, rows: readonly Row[], context: InteropContext): void {
  const directions: Direction[] = []
  if (driver.toPeer !== undefined) directions.push('saslkit→peer')
  if (driver.fromPeer !== undefined) directions.push('peer→saslkit')
  afterEach(() => context.cleanup())
  rows.forEach((row, order) => {
    if (driver.applies?.(row) === false) return
    const applicable = directions.filter((direction) => row.directions === undefined || row.directions.includes(direction))
    if (applicable.length === 0) return
    describe(row.label, () => {
      for (const direction of applicable) {
        const where = { mechanism: row.label, order, peer: driver.peer, direction, ...(driver.client === undefined ? {} : { client: driver.client }) }
        const lack = driver.lack(row, direction)
        if (lack !== undefined) {
          it(`${direction}: peer lacks it (${lack.evidence})`, async ({ task }) => {
            tag(task, { kind: 'lack', ...where, evidence: lack.evidence })
            await lack.verify()
          })
          continue
        }
        if (direction === 'saslkit→peer') {
          const toPeer = driver.toPeer!
          it(`${direction}: the right credentials succeed`, async ({ task }) => {
            tag(task, { kind: 'cell', ...where, variant: 'ok' })
            const outcome = await toPeer(row, row.good)
            expect(outcome).toMatchObject({ status: 'success' })
            if (outcome.status === 'success' && outcome.peerIdentity !== undefined && (driver.checksIdentity?.(row) ?? true)) {
              expect(outcome.peerIdentity).toBe(row.identity)
            }
          })
          it(`${direction}: the wrong ones are refused`, async ({ task }) => {
            tag(task, { kind: 'cell', ...where, variant: 'refused' })
            expect(await toPeer(row, row.bad)).toMatchObject({ status: 'refused' })
          })
        } else {
          const fromPeer = driver.fromPeer!
          it(`${direction}: the right credentials succeed`, async ({ task }) => {
            tag(task, { kind: 'cell', ...where, variant: 'ok' })
            const { step, peerExit } = await fromPeer(row, row.good)
            if (step.type === 'failure') throw new Error(`saslkit refused: ${step.error.code} (${step.error.reason ?? step.error.message})`)
            expect(step.type).toBe('success')
            if (step.type === 'success') expect(step.identity.authcid).toBe(row.identity)
            // The peer accepted the end of the exchange (it verifies the server where the mechanism can).
            expect(peerExit.code).toBe(0)
          })
          it(`${direction}: the wrong ones are refused with ${row.refusedWith}`, async ({ task }) => {
            tag(task, { kind: 'cell', ...where, variant: 'refused' })
            const { step, peerExit } = await fromPeer(row, row.bad)
            expect(step.type).toBe('failure')
            if (step.type === 'failure') expect(step.error.code).toBe(row.refusedWith)
            expect(peerExit.code).not.toBe(0)
          })
        }
      }
    })
  })
}

/**
 * A peer whose NTLM client answers only with LM/NTLMv1: saslkit's server refuses that unless
 * `legacy` (the legacy row proves the exchange itself). Checked each run.
 */
export function ntlmV1OnlyClient(fromPeer: (row: Row, c: Case) => Promise<FromPeerOutcome>, who: string): (row: Row) => Lack {
  return (row) => ({
    evidence: `${who} answers with an LM/NTLMv1 response, which saslkit's server refuses without \`legacy\` (mechanism-too-weak)`,
    verify: async () => {
      const { step } = await fromPeer(row, row.good)
      if (step.type !== 'failure' || step.error.code !== 'mechanism-too-weak' || step.error.reason !== 'ntlmv1-refused') {
        throw new Error(`${who}'s NTLM client now gets ${step.type === 'failure' ? step.error.code : step.type} from the NTLMv2-only server: give it the row`)
      }
    },
  })
}

/**
 * A peer whose GSSAPI server offers no security layer (only "none"): saslkit's client asking
 * for the row's layer is told so, with the offer in the error's details. Checked each run.
 */
export function gssapiServerOffersNoLayer(toPeer: (row: Row, c: Case) => Promise<ToPeerOutcome>, who: string): (row: Row) => Lack {
  return (row) => ({
    evidence: `${who} GSSAPI server offers no security layer (its offer is "none" only)`,
    verify: async () => {
      const error = await toPeer(row, row.good).then(
        () => undefined,
        (e: unknown) => e,
      )
      if (!(error instanceof SaslError) || error.code !== 'mechanism-too-weak' || JSON.stringify(error.details?.['offered']) !== '["none"]') {
        throw new Error(`${who} GSSAPI server now offers more than "none" (${String(error)}): give the layer a row`)
      }
    },
  })
}
