package agreement

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"concord/internal/labeling"
)

// Consensus is one control's consensus on one task: the value, how it was
// reached, and the votes; or, without a value, why there is none.
type Consensus struct {
	Control string         `json:"control"`
	Method  string         `json:"method,omitempty"` // ground_truth, majority, majority_seeded_tie
	Value   any            `json:"value,omitempty"`  // a label, a number, or a list of choices
	Votes   map[string]int `json:"votes,omitempty"`
	Reason  string         `json:"reason,omitempty"`
}

// TaskConsensus returns the consensus of every classification control (single
// and multiple choice, rating, number) on one task. Ground truth decides its
// task; otherwise the majority of the annotators: a single value needs the
// most votes alone (a tie is no consensus unless the tie rule draws one), and
// a multiple choice keeps each choice more than half the annotators made.
// unit seeds the tie rule's draw, so each task draws on its own.
func TaskConsensus(controls []labeling.Control, t Task, unit int, tie TieRule) []Consensus {
	var out []Consensus
	for _, c := range controls {
		if ScaleOf(c) == ScaleStructured {
			continue
		}
		out = append(out, controlConsensus(c, t, unit, tie))
	}
	return out
}

func controlConsensus(c labeling.Control, t Task, unit int, tie TieRule) Consensus {
	cs := Consensus{Control: c.Name, Votes: map[string]int{}}
	multiple := ScaleOf(c) == ScaleSet
	voters := 0
	numbers := map[string]float64{}
	for _, a := range t.Annotations {
		if multiple {
			s, ok := choiceSet(c, a.Results)
			if !ok {
				continue
			}
			if a.GroundTruth {
				return Consensus{Control: c.Name, Method: "ground_truth", Value: []string(s)}
			}
			voters++
			for _, l := range s {
				cs.Votes[l]++
			}
			continue
		}
		key, v, ok := classValue(c, a.Results)
		if !ok {
			continue
		}
		value := any(key)
		if ScaleOf(c) == ScaleNumeric {
			value = v
		}
		if a.GroundTruth {
			return Consensus{Control: c.Name, Method: "ground_truth", Value: value}
		}
		numbers[key] = v
		voters++
		cs.Votes[key]++
	}
	if voters == 0 {
		cs.Votes, cs.Reason = nil, "no annotation answers this control"
		return cs
	}
	cs.Method = "majority"
	if multiple {
		var kept []string
		for l, n := range cs.Votes {
			if 2*n > voters {
				kept = append(kept, l)
			}
		}
		sort.Strings(kept)
		cs.Value = kept
		return cs
	}
	keys := make([]string, 0, len(cs.Votes))
	for k := range cs.Votes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ratings := make([]Rating, 0, voters)
	coder := 0
	for i, k := range keys {
		for range cs.Votes[k] {
			ratings = append(ratings, Rating{Unit: 0, Coder: coder, Category: i})
			coder++
		}
	}
	r, err := NewRatings(1, coder, len(keys), ratings)
	if err != nil {
		cs.Reason = err.Error()
		return cs
	}
	win := MajorityVote(r, TieRule{Seed: tieSeed(tie, unit)})[0]
	if win == Missing {
		var tied []string
		most := 0
		for _, k := range keys {
			most = max(most, cs.Votes[k])
		}
		for _, k := range keys {
			if cs.Votes[k] == most {
				tied = append(tied, k)
			}
		}
		cs.Reason = fmt.Sprintf("tie between %s (%d votes each): no consensus", strings.Join(tied, ", "), most)
		return cs
	}
	if tie.Seed != 0 && slices.ContainsFunc(keys, func(k string) bool { return k != keys[win] && cs.Votes[k] == cs.Votes[keys[win]] }) {
		cs.Method = "majority_seeded_tie"
	}
	cs.Value = any(keys[win])
	if ScaleOf(c) == ScaleNumeric {
		cs.Value = numbers[keys[win]]
	}
	return cs
}

// tieSeed gives each task its own draw under a seeded tie rule.
func tieSeed(tie TieRule, unit int) uint64 {
	if tie.Seed == 0 {
		return 0
	}
	return max(tie.Seed^(uint64(unit)*0x9e3779b97f4a7c15), 1)
}
