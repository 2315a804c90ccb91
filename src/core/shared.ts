/**
 * Not a public entry point: the build ships these modules as one file, `dist/_core.js`, that
 * every entry imports (tsup.config.ts says why). Internal; nothing in src imports it.
 *
 * @internal
 */
export * from './errors.js'
export * from './guard.js'
export * from './options.js'
export * from '../codec/utf8.js'
