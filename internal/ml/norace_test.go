//go:build !race

package ml

const raceDetector = false
