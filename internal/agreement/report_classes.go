package agreement

import (
	"fmt"
	"math"
	"slices"

	"concord/internal/labeling"
)

// classValue is the category one annotation gives a single-choice, rating or
// number control: its label, and its number for ratings and numbers.
func classValue(c labeling.Control, rs []labeling.Result) (key string, v float64, ok bool) {
	for _, r := range rs {
		if r.FromName != c.Name {
			continue
		}
		switch {
		case c.Type == labeling.TypeChoices && len(r.Value.Choices) > 0:
			return r.Value.Choices[0], 0, true
		case c.Type == labeling.TypeRating && r.Value.Rating > 0:
			return numberKey(float64(r.Value.Rating)), float64(r.Value.Rating), true
		case c.Type == labeling.TypeNumber && r.Value.Number != nil:
			return numberKey(*r.Value.Number), *r.Value.Number, true
		}
	}
	return "", 0, false
}

// measureClasses measures a single-choice control (nominal) or a rating or
// number control (numeric: categories ordered by value, never by first
// appearance, with the ordinal, interval and ratio α and weighted κ).
func measureClasses(c labeling.Control, tasks []Task, coder map[int64]int, users []int64, cr *ControlReport) {
	numeric := cr.Scale == ScaleNumeric
	cats := map[string]int{}
	var labels []string
	var values []float64
	type cell struct {
		unit, coder int
		key         string
	}
	var cells []cell
	gold := make([]string, len(tasks))
	num := map[string]float64{}
	if !numeric {
		for _, l := range c.Values() {
			cats[l] = len(labels)
			labels = append(labels, l)
		}
	}
	for u, t := range tasks {
		for _, a := range t.Annotations {
			key, v, ok := classValue(c, a.Results)
			if !ok {
				continue
			}
			num[key] = v
			if a.GroundTruth {
				gold[u] = key // the reference is not rated against itself
				continue
			}
			cells = append(cells, cell{u, coder[a.Annotator], key})
		}
	}
	if numeric {
		for k, v := range num {
			values = append(values, v)
			_ = k
		}
		slices.Sort(values)
		values = slices.Compact(values)
		for _, v := range values {
			cats[numberKey(v)] = len(labels)
			labels = append(labels, numberKey(v))
		}
	} else {
		for _, x := range cells {
			if _, ok := cats[x.key]; !ok {
				cats[x.key] = len(labels)
				labels = append(labels, x.key)
			}
		}
		for _, g := range gold {
			if _, ok := cats[g]; g != "" && !ok {
				cats[g] = len(labels)
				labels = append(labels, g)
			}
		}
	}
	counts := make([]int, len(labels))
	ratings := make([]Rating, len(cells))
	for i, x := range cells {
		k := cats[x.key]
		counts[k]++
		ratings[i] = Rating{Unit: x.unit, Coder: x.coder, Category: k}
	}
	for i, l := range labels {
		cr.Labels = append(cr.Labels, LabelStat{Label: l, Count: counts[i]})
	}
	reference := make([]int, len(tasks))
	for u, g := range gold {
		reference[u] = Missing
		if g != "" {
			reference[u] = cats[g]
		}
	}
	if len(labels) == 0 {
		cr.Undefined["krippendorff_alpha"] = "no annotation answers this control"
		return
	}
	r, err := NewRatings(len(tasks), len(users), len(labels), ratings)
	if err != nil {
		cr.Undefined["krippendorff_alpha"] = err.Error()
		return
	}
	if numeric {
		if err := r.SetScale(values); err != nil {
			cr.Undefined["krippendorff_alpha"] = err.Error()
			return
		}
	}
	for u, a := range UnitAgreement(r) {
		if !math.IsNaN(a) {
			cr.taskAgreement[tasks[u].ID] = a
		}
	}
	v, err := PercentAgreement(r)
	cr.set("percent_agreement", v, err)
	alpha := func(key string, level Level) {
		v, err := Alpha(r, level)
		cr.set(key, v, err)
		ci, err := BootstrapAlpha(r, level, BootstrapOptions{})
		cr.setInterval(key, ci, err)
	}
	alpha("krippendorff_alpha", Nominal)
	if numeric {
		alpha("alpha_ordinal", Ordinal)
		alpha("alpha_interval", Interval)
		if values[0] < 0 {
			cr.Undefined["alpha_ratio"] = fmt.Sprintf("ratio α needs values of 0 or more, and %v was given", values[0])
		} else {
			alpha("alpha_ratio", Ratio)
		}
	}
	f, err := FleissKappa(r)
	cr.set("fleiss_kappa", f.Kappa, err)
	if se, err := FleissKappaSE(r); err == nil && cr.Project["fleiss_kappa"] != nil {
		cr.StandardErrors["fleiss_kappa"] = se
	}
	if err == nil {
		for i := range cr.Labels {
			if i < len(f.PerLabel) && !math.IsNaN(f.PerLabel[i]) {
				cr.Labels[i].FleissKappa = ptr(f.PerLabel[i])
			}
		}
	}
	stats := cr.Annotators
	for i, a := range consensusOfOthers(r) {
		stats[i].ConsensusTasks = a.Total
		if a.Total > 0 {
			stats[i].WithConsensus = ptr(a.Rate)
		}
	}
	if acc, err := CoderAccuracy(r, reference); err == nil {
		for i := range stats {
			stats[i].GoldTasks = acc[i].Total
			if acc[i].Total > 0 {
				stats[i].GoldAccuracy = ptr(acc[i].Rate)
			}
		}
	}
	if len(cr.taskAgreement) > 0 {
		if ds, err := DawidSkene(r, DawidSkeneOptions{MaxIterations: 100}); err == nil {
			for i := range stats {
				stats[i].Reliability = ptr(ds.Reliability(i))
			}
		}
	}
	agreeSum, agreeN := make([]float64, len(users)), make([]int, len(users))
	for _, pc := range PairConfusions(r) {
		n, same := 0, 0
		for i, row := range pc.Table {
			for j, x := range row {
				n += x
				if i == j {
					same += x
				}
			}
		}
		if n == 0 {
			continue
		}
		ps := PairStat{A: users[pc.A], B: users[pc.B], Tasks: n, Agree: float64(same) / float64(n), Matrix: pc.Table}
		ps.Kappa, ps.KappaSE = kappaWithSE(pc.Table, Unweighted)
		if numeric {
			ps.KappaLinear, ps.KappaLinearSE = kappaWithSE(pc.Table, Linear)
			ps.KappaQuadratic, ps.KappaQuadraticSE = kappaWithSE(pc.Table, Quadratic)
		}
		cr.Pairs = append(cr.Pairs, ps)
		for _, c := range []int{pc.A, pc.B} {
			agreeSum[c] += float64(same)
			agreeN[c] += n
		}
	}
	for i := range stats {
		stats[i].Compared = agreeN[i]
		if agreeN[i] > 0 {
			stats[i].WithOthers = ptr(agreeSum[i] / float64(agreeN[i]))
		}
		if stats[i].Compared == 0 {
			stats[i].Reliability = nil // Dawid–Skene learns nothing of an annotator who shares no task
		}
	}
}

// consensusOfOthers scores each coder against the majority of the other
// coders of each unit, counting only units where the others have a strict
// majority: a coder alone on a unit, or facing a tie, is not scored there.
func consensusOfOthers(r *Ratings) []Accuracy {
	out := make([]Accuracy, r.coders)
	counts := make([]int, r.categories)
	for u := range r.Units() {
		lo, hi := r.start[u], r.start[u+1]
		for i := lo; i < hi; i++ {
			counts[r.category[i]]++
		}
		for i := lo; i < hi; i++ {
			own := r.category[i]
			counts[own]--
			best, most, tie := -1, 0, false
			for j := lo; j < hi; j++ {
				if j == i {
					continue
				}
				c := int(r.category[j])
				switch n := counts[c]; {
				case n > most:
					best, most, tie = c, n, false
				case n == most && c != best:
					tie = true
				}
			}
			counts[own]++
			if best == Missing || tie {
				continue
			}
			a := &out[r.coder[i]]
			a.Total++
			if int(own) == best {
				a.Correct++
			}
		}
		for i := lo; i < hi; i++ {
			counts[r.category[i]] = 0
		}
	}
	for c := range out {
		if out[c].Total > 0 {
			out[c].Rate = float64(out[c].Correct) / float64(out[c].Total)
		}
	}
	return out
}

// kappaWithSE is Cohen's κ of a table and its standard error, nil where undefined.
func kappaWithSE(table [][]int, w Weighting) (kappa, se *float64) {
	k, err := Kappa(table, w)
	if err != nil || math.IsNaN(k) {
		return nil, nil
	}
	s, err := KappaSE(table, w)
	if err != nil || math.IsNaN(s) {
		return ptr(k), nil
	}
	return ptr(k), ptr(s)
}
