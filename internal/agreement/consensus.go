package agreement

import "fmt"

// MajorityVote returns the most frequent category of each unit, or [Missing]
// for a unit without ratings. Ties go to the lowest category index, that is
// the first in the label order the categories were numbered by.
func MajorityVote(r *Ratings) []int {
	out := make([]int, r.Units())
	counts := make([]int, r.categories)
	for u := range out {
		cats := r.category[r.start[u]:r.start[u+1]]
		best, most := Missing, 0
		for _, c := range cats {
			counts[c]++
		}
		for _, c := range cats {
			n := counts[c]
			if n > most || (n == most && int(c) < best) {
				best, most = int(c), n
			}
		}
		for _, c := range cats {
			counts[c] = 0
		}
		out[u] = best
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
