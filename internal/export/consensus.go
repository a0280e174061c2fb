package export

import (
	"encoding/json"
	"fmt"
	"slices"

	"concord/internal/agreement"
	"concord/internal/format"
	"concord/internal/labeling"
)

// consensus makes one annotation per task out of its annotators' work.
// Skipped and rejected annotations take no part. Ground truth decides its
// task: a task with a ground-truth annotation has that annotation's result as
// its consensus. Otherwise, for each Choices control, it holds the majority
// vote (a tie is no consensus: no choice; a multiple-choice control keeps each
// choice more than half the annotators made) or the Dawid–Skene estimate
// fitted over the whole export (per choice for multiple choice: see
// [agreement.DawidSkeneSets]). Results of other controls (spans, boxes,
// regions, texts, ratings) have no consensus here and are taken from the
// task's first annotation that counts.
type consensus struct {
	method   string
	controls []labeling.Control // the Choices controls
	// Dawid–Skene: the unit of each task and each control's fitted labels by unit.
	units  map[int64]int
	fitted [][]int
	sets   [][][]int // multiple choice: each control's fitted sets by unit
}

func newConsensus(method string, c *labeling.Config) *consensus {
	cs := &consensus{method: method}
	if c != nil {
		for _, ctl := range c.Controls {
			if ctl.Type == labeling.TypeChoices && len(ctl.Labels) > 0 {
				cs.controls = append(cs.controls, ctl)
			}
		}
	}
	return cs
}

// choiceItem is the part of a result item consensus reads.
type choiceItem struct {
	FromName string `json:"from_name"`
	Value    struct {
		Choices []string `json:"choices"`
	} `json:"value"`
}

// votes returns, per annotation that counts, its choices for each control (by index).
func (cs *consensus) votes(anns []storedAnnotation) ([][][]string, error) {
	var out [][][]string
	for _, a := range anns {
		if !a.counts() || len(a.Result) == 0 {
			continue
		}
		per := make([][]string, len(cs.controls))
		for _, r := range a.Result {
			var it choiceItem
			if err := json.Unmarshal(r, &it); err != nil {
				return nil, fmt.Errorf("result: %w", err)
			}
			for i, ctl := range cs.controls {
				if it.FromName == ctl.Name {
					per[i] = append(per[i], it.Value.Choices...)
				}
			}
		}
		out = append(out, per)
	}
	return out, nil
}

// fit reads every task once and fits Dawid–Skene for each single-choice control.
func (cs *consensus) fit(tasks Tasks, cv *converter) error {
	cs.units = map[int64]int{}
	coders := map[int64]int{}
	ratings := make([][]agreement.Rating, len(cs.controls))
	setRatings := make([][]agreement.SetRating, len(cs.controls))
	err := tasks(func(s Stored) error {
		var anns []storedAnnotation
		if err := json.Unmarshal(s.Annotations, &anns); err != nil {
			return fmt.Errorf("export: task %d: annotations: %w", s.ID, err)
		}
		unit := -1
		seen := map[[2]int]bool{}
		for _, a := range anns {
			if !a.counts() || a.CompletedBy == nil || a.GroundTruth {
				continue
			}
			coder, ok := coders[*a.CompletedBy]
			if !ok {
				coder = len(coders)
				coders[*a.CompletedBy] = coder
			}
			vs, err := cs.votes([]storedAnnotation{a})
			if err != nil {
				return fmt.Errorf("export: task %d: %w", s.ID, err)
			}
			if len(vs) == 0 {
				continue
			}
			for i, ctl := range cs.controls {
				if ctl.Multiple() && !seen[[2]int{i, coder}] && answered(a, ctl.Name) {
					if unit < 0 {
						unit = len(cs.units)
						cs.units[s.ID] = unit
					}
					seen[[2]int{i, coder}] = true
					sr := agreement.SetRating{Unit: unit, Coder: coder, Chosen: []int{}}
					for _, c := range vs[0][i] {
						if k := slices.Index(ctl.Values(), c); k >= 0 && !slices.Contains(sr.Chosen, k) {
							sr.Chosen = append(sr.Chosen, k)
						}
					}
					setRatings[i] = append(setRatings[i], sr)
					continue
				}
				if ctl.Multiple() || len(vs[0][i]) == 0 || seen[[2]int{i, coder}] {
					continue
				}
				k := slices.Index(ctl.Values(), vs[0][i][0])
				if k < 0 {
					continue
				}
				if unit < 0 {
					unit = len(cs.units)
					cs.units[s.ID] = unit
				}
				seen[[2]int{i, coder}] = true
				ratings[i] = append(ratings[i], agreement.Rating{Unit: unit, Coder: coder, Category: k})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cs.fitted = make([][]int, len(cs.controls))
	cs.sets = make([][][]int, len(cs.controls))
	for i, ctl := range cs.controls {
		if ctl.Multiple() && len(setRatings[i]) > 0 {
			res, err := agreement.DawidSkeneSets(len(cs.units), len(coders), len(ctl.Values()), setRatings[i], agreement.DawidSkeneOptions{})
			if err != nil {
				return fmt.Errorf("export: consensus of %s: %w", ctl.Name, err)
			}
			cs.sets[i] = res.Sets
			continue
		}
		if ctl.Multiple() || len(ratings[i]) == 0 {
			continue
		}
		r, err := agreement.NewRatings(len(cs.units), len(coders), len(ctl.Labels), ratings[i])
		if err != nil {
			return fmt.Errorf("export: consensus of %s: %w", ctl.Name, err)
		}
		res, err := agreement.DawidSkene(r, agreement.DawidSkeneOptions{})
		if err != nil {
			return fmt.Errorf("export: consensus of %s: %w", ctl.Name, err)
		}
		cs.fitted[i] = res.Labels
	}
	return nil
}

// annotation returns the task's consensus annotation, or nil when no annotation counts.
func (cs *consensus) annotation(taskID int64, anns []storedAnnotation) (*format.Annotation, error) {
	for i := len(anns) - 1; i >= 0; i-- { // ground truth decides; the latest, when several
		if a := anns[i]; a.GroundTruth && a.counts() && len(a.Result) > 0 {
			return &format.Annotation{Result: a.Result}, nil
		}
	}
	votes, err := cs.votes(anns)
	if err != nil || len(votes) == 0 {
		return nil, err
	}
	var result []json.RawMessage
	for i, ctl := range cs.controls {
		choices := cs.choose(i, ctl, taskID, votes)
		if len(choices) == 0 {
			continue
		}
		b, err := json.Marshal(map[string]any{
			"id": "consensus-" + ctl.Name, "from_name": ctl.Name, "to_name": ctl.ToName,
			"type": labeling.TypeChoices, "value": map[string]any{"choices": choices},
		})
		if err != nil {
			return nil, err
		}
		result = append(result, b)
	}
	// Other controls: the first annotation that counts.
	for _, a := range anns {
		if !a.counts() || len(a.Result) == 0 {
			continue
		}
		for _, r := range a.Result {
			var it choiceItem
			json.Unmarshal(r, &it) // read by votes already
			if !slices.ContainsFunc(cs.controls, func(c labeling.Control) bool { return c.Name == it.FromName }) {
				result = append(result, r)
			}
		}
		break
	}
	if len(result) == 0 {
		return nil, nil
	}
	return &format.Annotation{Result: result}, nil
}

// choose returns the consensus choices of control i.
func (cs *consensus) choose(i int, ctl labeling.Control, taskID int64, votes [][][]string) []string {
	values := ctl.Values()
	if ctl.Multiple() && cs.method == ConsensusDawidSkene && cs.sets[i] != nil {
		u, ok := cs.units[taskID]
		if !ok {
			return nil
		}
		var out []string
		for _, k := range cs.sets[i][u] {
			out = append(out, values[k])
		}
		return out
	}
	if ctl.Multiple() {
		counts := make([]int, len(values))
		for _, v := range votes {
			for _, c := range v[i] {
				if k := slices.Index(values, c); k >= 0 {
					counts[k]++
				}
			}
		}
		var out []string
		for k, n := range counts {
			if 2*n > len(votes) {
				out = append(out, values[k])
			}
		}
		return out
	}
	if cs.method == ConsensusDawidSkene && cs.fitted[i] != nil {
		if u, ok := cs.units[taskID]; ok && cs.fitted[i][u] != agreement.Missing {
			return []string{values[cs.fitted[i][u]]}
		}
		return nil
	}
	var rs []agreement.Rating
	for c, v := range votes {
		if len(v[i]) == 0 {
			continue
		}
		if k := slices.Index(values, v[i][0]); k >= 0 {
			rs = append(rs, agreement.Rating{Unit: 0, Coder: c, Category: k})
		}
	}
	if len(rs) == 0 {
		return nil
	}
	r, err := agreement.NewRatings(1, len(votes), len(values), rs)
	if err != nil {
		return nil
	}
	if k := agreement.MajorityVote(r, agreement.TieRule{})[0]; k != agreement.Missing {
		return []string{values[k]}
	}
	return nil
}

// answered reports whether an annotation has a result item of the control.
func answered(a storedAnnotation, control string) bool {
	for _, r := range a.Result {
		var it choiceItem
		if json.Unmarshal(r, &it) == nil && it.FromName == control {
			return true
		}
	}
	return false
}
