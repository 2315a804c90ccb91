export interface RanTest {
  readonly file: string
  readonly name: string
  readonly state: string
  readonly errors: readonly string[]
}
/** Problems found comparing what ran on a runtime with what vitest collects (empty: equal). */
export declare function compare(expected: ReadonlyArray<{ readonly file: string; readonly name: string }>, ran: readonly RanTest[]): string[]
