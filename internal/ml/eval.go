package ml

import (
	"math"
	"sort"
)

// LabelMetrics are the precision, recall and F1 of one label, with its
// number of gold occurrences.
type LabelMetrics struct {
	Label     string
	Precision float64
	Recall    float64
	F1        float64
	Support   int
}

// Report summarises a classification: accuracy, macro-F1 over labels that
// occur in gold or predictions, and per-label metrics in label order.
type Report struct {
	Accuracy float64
	MacroF1  float64
	PerLabel []LabelMetrics
}

// Evaluate compares predicted labels with gold labels, position by position.
func Evaluate(gold, pred []string) Report {
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	correct := 0
	for i := range gold {
		if pred[i] == gold[i] {
			correct++
			tp[gold[i]]++
		} else {
			fn[gold[i]]++
			fp[pred[i]]++
		}
	}
	r := Report{PerLabel: perLabel(tp, fp, fn)}
	if len(gold) > 0 {
		r.Accuracy = float64(correct) / float64(len(gold))
	}
	for _, m := range r.PerLabel {
		r.MacroF1 += m.F1
	}
	if len(r.PerLabel) > 0 {
		r.MacroF1 /= float64(len(r.PerLabel))
	}
	return r
}

// perLabel turns counts into sorted per-label metrics.
func perLabel(tp, fp, fn map[string]int) []LabelMetrics {
	var labels []string
	seen := map[string]bool{}
	for _, m := range []map[string]int{tp, fp, fn} {
		for l := range m {
			if !seen[l] {
				seen[l] = true
				labels = append(labels, l)
			}
		}
	}
	sort.Strings(labels)
	out := make([]LabelMetrics, len(labels))
	for i, l := range labels {
		p, r, f := prf(tp[l], fp[l], fn[l])
		out[i] = LabelMetrics{Label: l, Precision: p, Recall: r, F1: f, Support: tp[l] + fn[l]}
	}
	return out
}

// prf computes precision, recall and F1 from counts (0 where undefined).
func prf(tp, fp, fn int) (p, r, f float64) {
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// SpanReport is entity-level evaluation: a predicted span counts only when
// its start, end and label all equal a gold span's (micro-averaged).
type SpanReport struct {
	Precision float64
	Recall    float64
	F1        float64
	PerLabel  []LabelMetrics
}

// EvaluateSpans compares predicted spans with gold spans, document by document.
func EvaluateSpans(gold, pred [][]Span) SpanReport {
	type key struct {
		start, end int
		label      string
	}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	var TP, FP, FN int
	for d := range gold {
		g := map[key]int{}
		for _, s := range gold[d] {
			g[key{s.Start, s.End, s.Label}]++
		}
		for _, s := range pred[d] {
			k := key{s.Start, s.End, s.Label}
			if g[k] > 0 {
				g[k]--
				tp[s.Label]++
				TP++
			} else {
				fp[s.Label]++
				FP++
			}
		}
		for k, c := range g {
			fn[k.label] += c
			FN += c
		}
	}
	p, r, f := prf(TP, FP, FN)
	return SpanReport{Precision: p, Recall: r, F1: f, PerLabel: perLabel(tp, fp, fn)}
}

// Brier is the mean multi-class Brier score of predictions against gold
// labels: the squared distance between the probability vector and the
// one-hot gold vector (0 is perfect, 2 the worst).
func Brier(pred [][]Scored, gold []string) float64 {
	if len(gold) == 0 {
		return 0
	}
	var total float64
	for i, ps := range pred {
		found := false
		for _, s := range ps {
			y := 0.0
			if s.Label == gold[i] {
				y, found = 1, true
			}
			total += (s.P - y) * (s.P - y)
		}
		if !found {
			total++
		}
	}
	return total / float64(len(gold))
}

// ECE is the expected calibration error of the top label's probability over
// equal-width confidence bins: the mean |confidence − accuracy| weighted by
// bin size.
func ECE(pred [][]Scored, gold []string, bins int) float64 {
	if len(gold) == 0 || bins <= 0 {
		return 0
	}
	conf := make([]float64, bins)
	acc := make([]float64, bins)
	cnt := make([]int, bins)
	for i, ps := range pred {
		if len(ps) == 0 {
			continue
		}
		top := ps[0]
		for _, s := range ps[1:] {
			if s.P > top.P {
				top = s
			}
		}
		b := min(int(top.P*float64(bins)), bins-1)
		conf[b] += top.P
		if top.Label == gold[i] {
			acc[b]++
		}
		cnt[b]++
	}
	var e float64
	for b := range cnt {
		if cnt[b] > 0 {
			e += math.Abs(conf[b]-acc[b]) / float64(len(gold))
		}
	}
	return e
}
