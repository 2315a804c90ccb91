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
  // The guides and decision records appear in the generated site next to the API reference.
  projectDocuments: ['docs/guides/*.md', 'docs/decisions/*.md'],
  ignoredHighlightLanguages: ['mermaid'],
  disableSources: true,
}
