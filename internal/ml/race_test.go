//go:build race

package ml

// raceDetector is true when the tests run under -race, which slows training
// about tenfold: the full-size quality runs are skipped then (their small
// variants still run, and the benchmarks report the full figures).
const raceDetector = true
