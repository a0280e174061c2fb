package agreement

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// TieRule decides a unit whose most frequent categories tie. The zero value
// leaves such a unit without consensus ([Missing]), so that no category is
// favoured; a non-zero Seed picks one of the tied categories uniformly at
// random, from a generator seeded by Seed and the unit's index, so the same
// ratings and seed always give the same labels.
type TieRule struct {
	Seed uint64
}

// MajorityVote returns the most frequent category of each unit, or [Missing]
// for a unit without ratings or, unless the tie rule breaks it, with a tie.
// Ties never go to the lowest category index: that would inflate the first
// label of the config.
func MajorityVote(r *Ratings, tie TieRule) []int {
	out := make([]int, r.Units())
	counts := make([]int, r.categories)
	var tied []int
	for u := range out {
		cats := r.category[r.start[u]:r.start[u+1]]
		most := 0
		for _, c := range cats {
			counts[c]++
			most = max(most, counts[c])
		}
		tied = tied[:0]
		for _, c := range cats {
			if counts[c] == most && !slices.Contains(tied, int(c)) {
				tied = append(tied, int(c))
			}
		}
		for _, c := range cats {
			counts[c] = 0
		}
		switch {
		case len(tied) == 0:
			out[u] = Missing
		case len(tied) == 1:
			out[u] = tied[0]
		case tie.Seed == 0:
			out[u] = Missing
		default:
			slices.Sort(tied) // the draw must not depend on rating order
			rng := rand.New(rand.NewPCG(tie.Seed, uint64(u)))
			out[u] = tied[rng.IntN(len(tied))]
		}
	}
	return out
}

// Accuracy is how often one coder's ratings equal the reference labels.
type Accuracy struct {
	Correct int     // ratings equal to the unit's reference label
	Total   int     // ratings of units that have a reference label
	Rate    float64 // Correct/Total; 0 when Total is 0
}

// CoderAccuracy scores every coder against reference labels, one per unit,
// [Missing] where a unit has none: ground truth for gold tasks, or a
// consensus such as [MajorityVote] or [DawidSkene] labels.
func CoderAccuracy(r *Ratings, reference []int) ([]Accuracy, error) {
	if len(reference) != r.Units() {
		return nil, fmt.Errorf("agreement: coder accuracy: %d reference labels for %d units", len(reference), r.Units())
	}
	out := make([]Accuracy, r.coders)
	for u, want := range reference {
		if want == Missing {
			continue
		}
		if want < 0 || want >= r.categories {
			return nil, fmt.Errorf("agreement: coder accuracy: unit %d: category %d out of range", u, want)
		}
		for i := r.start[u]; i < r.start[u+1]; i++ {
			a := &out[r.coder[i]]
			a.Total++
			if int(r.category[i]) == want {
				a.Correct++
			}
		}
	}
	for c := range out {
		if out[c].Total > 0 {
			out[c].Rate = float64(out[c].Correct) / float64(out[c].Total)
		}
	}
	return out, nil
}
