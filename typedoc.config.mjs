import { entries } from './scripts/entries.mjs'

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: entries.map((e) => e.source),
  out: 'docs/api',
  tsconfig: 'tsconfig.json',
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  readme: 'README.md',
  disableSources: true,
}
