// Why each missed goal was missed, written from the profiles and breakdowns bench.mjs prints
// (keyed by row name, or `row :: baseline`). bench.mjs puts these under "Missed goals" in
// docs/benchmarks.md with the profile tables of the same run.
export const analysis = {}
