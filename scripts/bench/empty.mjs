// An empty module: the baseline of the import-time rows (cold-child.mjs).
export {}
