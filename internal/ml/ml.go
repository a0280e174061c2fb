// Package ml holds Concord's in-house classifiers: text classes (hashed word
// 1–2-gram features and logistic regression, one-vs-rest for multiple
// choice), text spans (an averaged structured perceptron over BIO tags with
// exact UTF-16 offsets), image classes (gradient and colour histograms plus
// logistic regression), audio classes (MFCC statistics plus logistic
// regression) and speech-region proposals (energy-based voice activity), with
// evaluation helpers and versioned serialisation.
//
// The package is pure: inputs are plain Go values (strings, image.Image,
// []float32 samples) and it knows nothing of HTTP, SQL or templates. Every
// trainer is deterministic for a given seed and input order: no map
// iteration order or goroutine scheduling leaks into a model.
package ml

import (
	"errors"
	"sort"
)

// Scored is one label with its predicted probability.
type Scored struct {
	Label string
	P     float64
}

// ErrNoData is returned when a trainer is given too few usable examples.
var ErrNoData = errors.New("ml: not enough training data")

// sortScored orders scores by descending probability, then label name.
func sortScored(s []Scored) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].P != s[j].P {
			return s[i].P > s[j].P
		}
		return s[i].Label < s[j].Label
	})
}

// labelIndex returns the sorted distinct labels and a lookup from label to index.
func labelIndex(groups [][]string) ([]string, map[string]int) {
	seen := map[string]bool{}
	var labels []string
	for _, g := range groups {
		for _, l := range g {
			if !seen[l] {
				seen[l] = true
				labels = append(labels, l)
			}
		}
	}
	sort.Strings(labels)
	idx := make(map[string]int, len(labels))
	for i, l := range labels {
		idx[l] = i
	}
	return labels, idx
}
