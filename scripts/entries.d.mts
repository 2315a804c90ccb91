export interface Entry {
  readonly name: string
  readonly source: string
  /** Uses node:* (src/node, src/cli): excluded from browser checks. */
  readonly nodeOnly?: boolean
}
export declare const entries: readonly Entry[]
export declare function specifier(entry: Entry): string
