/**
 * Not a public entry point: the build ships these modules as one file, `dist/_core.js`, that
 * every entry imports (tsup.config.ts says why). Internal; nothing in src imports it.
 *
 * @internal
 */
export * from './core/errors.js'
export * from './core/guard.js'
export * from './core/options.js'
export * from './codec/utf8.js'
