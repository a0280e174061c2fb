package agreement

import (
	"fmt"
	"slices"
)

// SetRating is one coder's answer to a multiple-choice unit: the indices of
// the categories chosen (none chosen is an answer too).
type SetRating struct {
	Unit, Coder int
	Chosen      []int
}

// DawidSkeneSetsResult is the outcome of [DawidSkeneSets].
type DawidSkeneSetsResult struct {
	// Sets holds each unit's estimated set of categories, in ascending
	// order, or nil for a unit without ratings.
	Sets [][]int
	// PerCategory holds the binary fit of each category: category 1 is
	// "chosen", 0 "not chosen".
	PerCategory []*DawidSkeneResult
	rated       []bool
}

// Reliability returns coder c's estimated accuracy, the mean over categories
// of its accuracy at telling whether that category applies.
func (d *DawidSkeneSetsResult) Reliability(c int) float64 {
	var s float64
	for _, r := range d.PerCategory {
		s += r.Reliability(c)
	}
	return s / float64(len(d.PerCategory))
}

// DawidSkeneSets extends Dawid–Skene to multiple choice by fitting one binary
// model per category: whether each coder chose it is a rating of "applies" or
// "does not apply", so each coder gets a confusion matrix per category (how
// often they miss it, how often they add it where it does not belong). A
// unit's estimated set holds each category whose posterior of applying is
// above one half (an exact half leaves it out, as a tied majority would).
// Categories are fitted independently: correlations between choices are not
// modelled.
func DawidSkeneSets(units, coders, categories int, ratings []SetRating, opt DawidSkeneOptions) (*DawidSkeneSetsResult, error) {
	if categories < 1 {
		return nil, fmt.Errorf("agreement: dawid-skene sets: %d categories", categories)
	}
	res := &DawidSkeneSetsResult{Sets: make([][]int, units), rated: make([]bool, units)}
	for _, sr := range ratings {
		if sr.Unit < 0 || sr.Unit >= units {
			return nil, fmt.Errorf("agreement: dawid-skene sets: unit %d out of range", sr.Unit)
		}
		for _, k := range sr.Chosen {
			if k < 0 || k >= categories {
				return nil, fmt.Errorf("agreement: dawid-skene sets: unit %d: category %d out of range", sr.Unit, k)
			}
		}
		res.rated[sr.Unit] = true
	}
	binary := make([]Rating, len(ratings))
	for k := range categories {
		for i, sr := range ratings {
			binary[i] = Rating{Unit: sr.Unit, Coder: sr.Coder}
			if slices.Contains(sr.Chosen, k) {
				binary[i].Category = 1
			}
		}
		r, err := NewRatings(units, coders, 2, binary)
		if err != nil {
			return nil, err
		}
		fit, err := DawidSkene(r, opt)
		if err != nil {
			return nil, err
		}
		res.PerCategory = append(res.PerCategory, fit)
		for u := range units {
			if res.rated[u] && fit.Posterior(u)[1] > 0.5 {
				res.Sets[u] = append(res.Sets[u], k)
			}
		}
	}
	for u := range units {
		if res.rated[u] && res.Sets[u] == nil {
			res.Sets[u] = []int{}
		}
	}
	return res, nil
}
