package agreement

import (
	"slices"
	"strings"

	"concord/internal/labeling"
)

// choiceSet is the set of choices one annotation gives a multiple-choice control.
func choiceSet(c labeling.Control, rs []labeling.Result) (Set, bool) {
	for _, r := range rs {
		if r.FromName == c.Name && r.Type == labeling.TypeChoices {
			s := slices.Clone(r.Value.Choices)
			slices.Sort(s)
			return slices.Compact(s), true
		}
	}
	return nil, false
}

// measureSets measures a multiple-choice control: each answer is a set of
// choices, compared whole (order never matters). Percent agreement counts
// identical sets; α uses the Jaccard and the MASI distances (Passonneau 2006);
// a task's agreement is the mean 1 − MASI distance of its pairs of annotations.
func measureSets(c labeling.Control, tasks []Task, coder map[int64]int, users []int64, cr *ControlReport) {
	cats := map[string]int{}
	var sets []Set
	var ratings []Rating
	labelCount := map[string]int{}
	reference := make([]int, len(tasks))
	for u, t := range tasks {
		reference[u] = Missing
		for _, a := range t.Annotations {
			s, ok := choiceSet(c, a.Results)
			if !ok {
				continue
			}
			key := strings.Join(s, "\x00")
			k, ok := cats[key]
			if !ok {
				k = len(sets)
				cats[key] = k
				sets = append(sets, s)
			}
			if a.GroundTruth {
				reference[u] = k
				continue
			}
			for _, l := range s {
				labelCount[l]++
			}
			ratings = append(ratings, Rating{Unit: u, Coder: coder[a.Annotator], Category: k})
		}
	}
	for _, l := range c.Values() {
		cr.Labels = append(cr.Labels, LabelStat{Label: l, Count: labelCount[l]})
	}
	if len(sets) == 0 {
		cr.Undefined["alpha_masi"] = "no annotation answers this control"
		return
	}
	r, err := NewRatings(len(tasks), len(users), len(sets), ratings)
	if err != nil {
		cr.Undefined["alpha_masi"] = err.Error()
		return
	}
	masi := func(i, j int) float64 { return MASIDistance(sets[i], sets[j]) }
	for u := range r.Units() {
		n := r.UnitLen(u)
		if n < 2 {
			continue
		}
		var sum float64
		for i := range n {
			_, ci := r.At(u, i)
			for j := i + 1; j < n; j++ {
				_, cj := r.At(u, j)
				sum += 1 - masi(ci, cj)
			}
		}
		cr.taskAgreement[tasks[u].ID] = sum / float64(n*(n-1)/2)
	}
	v, err := PercentAgreement(r)
	cr.set("percent_agreement", v, err)
	jaccard := func(i, j int) float64 { return JaccardDistance(sets[i], sets[j]) }
	for key, d := range map[string]func(i, j int) float64{"alpha_jaccard": jaccard, "alpha_masi": masi} {
		v, err := AlphaDistance(r, d)
		cr.set(key, v, err)
		ci, err := BootstrapAlphaDistance(r, d, BootstrapOptions{})
		cr.setInterval(key, ci, err)
	}
	stats := cr.Annotators
	if acc, err := CoderAccuracy(r, reference); err == nil {
		for i := range stats {
			stats[i].GoldTasks = acc[i].Total
			if acc[i].Total > 0 {
				stats[i].GoldAccuracy = ptr(acc[i].Rate)
			}
		}
	}
	if len(cr.taskAgreement) > 0 {
		if ds, err := DawidSkeneSets(len(tasks), len(users), len(c.Values()), choiceRatings(c, tasks, coder), DawidSkeneOptions{MaxIterations: 100}); err == nil {
			for i := range stats {
				stats[i].Reliability = ptr(ds.Reliability(i))
			}
		}
	}
	sum, n := make([]float64, len(users)), make([]int, len(users))
	for _, pc := range PairConfusions(r) {
		var ps float64
		var tasks int
		for i, row := range pc.Table {
			for j, x := range row {
				ps += float64(x) * (1 - masi(i, j))
				tasks += x
			}
		}
		if tasks == 0 {
			continue
		}
		cr.Pairs = append(cr.Pairs, PairStat{A: users[pc.A], B: users[pc.B], Tasks: tasks, Agree: ps / float64(tasks)})
		for _, c := range []int{pc.A, pc.B} {
			sum[c] += ps
			n[c] += tasks
		}
	}
	for i := range stats {
		stats[i].Compared = n[i]
		if n[i] > 0 {
			stats[i].WithOthers = ptr(sum[i] / float64(n[i]))
		}
		if stats[i].Compared == 0 {
			stats[i].Reliability = nil // Dawid–Skene learns nothing of an annotator who shares no task
		}
	}
}

// choiceRatings are the annotators' (not ground truth's) answers to a
// multiple-choice control, as indices of the config's choices, for
// [DawidSkeneSets]; choices the config does not offer are left out.
func choiceRatings(c labeling.Control, tasks []Task, coder map[int64]int) []SetRating {
	values := c.Values()
	var out []SetRating
	for u, t := range tasks {
		for _, a := range t.Annotations {
			s, ok := choiceSet(c, a.Results)
			if !ok || a.GroundTruth {
				continue
			}
			sr := SetRating{Unit: u, Coder: coder[a.Annotator], Chosen: []int{}}
			for _, l := range s {
				if k := slices.Index(values, l); k >= 0 {
					sr.Chosen = append(sr.Chosen, k)
				}
			}
			out = append(out, sr)
		}
	}
	return out
}
