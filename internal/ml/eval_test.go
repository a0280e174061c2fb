package ml

import (
	"math"
	"slices"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestEvaluate(t *testing.T) {
	gold := []string{"a", "a", "a", "b", "b", "c"}
	pred := []string{"a", "a", "b", "b", "c", "c"}
	r := Evaluate(gold, pred)
	if !near(r.Accuracy, 4.0/6) {
		t.Errorf("accuracy %v", r.Accuracy)
	}
	// a: P 1 R 2/3 F 0.8; b: P 1/2 R 1/2 F 1/2; c: P 1/2 R 1 F 2/3.
	want := []LabelMetrics{{"a", 1, 2.0 / 3, 0.8, 3}, {"b", 0.5, 0.5, 0.5, 2}, {"c", 0.5, 1, 2.0 / 3, 1}}
	for i, w := range want {
		g := r.PerLabel[i]
		if g.Label != w.Label || !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) || g.Support != w.Support {
			t.Errorf("label %d: %+v, want %+v", i, g, w)
		}
	}
	if !near(r.MacroF1, (0.8+0.5+2.0/3)/3) {
		t.Errorf("macro-F1 %v", r.MacroF1)
	}
}

func TestEvaluateSpans(t *testing.T) {
	gold := [][]Span{{{0, 5, "per"}, {10, 15, "loc"}}, {{0, 3, "org"}}}
	pred := [][]Span{{{0, 5, "per"}, {10, 14, "loc"}}, {{0, 3, "org"}, {5, 8, "per"}}}
	r := EvaluateSpans(gold, pred)
	// 2 true positives, 2 false positives, 1 false negative.
	if !near(r.Precision, 0.5) || !near(r.Recall, 2.0/3) || !near(r.F1, 2*0.5*(2.0/3)/(0.5+2.0/3)) {
		t.Errorf("%+v", r)
	}
}

func TestCalibration(t *testing.T) {
	pred := [][]Scored{{{"a", 0.8}, {"b", 0.2}}, {{"b", 0.6}, {"a", 0.4}}}
	gold := []string{"a", "a"}
	// Brier: (0.2² + 0.2²) + (0.6² + 0.6²) = 0.08 + 0.72, mean 0.4.
	if b := Brier(pred, gold); !near(b, 0.4) {
		t.Errorf("Brier %v", b)
	}
	// ECE with 10 bins: |0.8−1|/2 + |0.6−0|/2 = 0.4.
	if e := ECE(pred, gold, 10); !near(e, 0.4) {
		t.Errorf("ECE %v", e)
	}
}

func TestSplitAndKFold(t *testing.T) {
	tr, te := Split(10, 0.3, 5)
	tr2, te2 := Split(10, 0.3, 5)
	if len(te) != 3 || len(tr) != 7 || !slices.Equal(tr, tr2) || !slices.Equal(te, te2) {
		t.Fatalf("split %v %v / %v %v", tr, te, tr2, te2)
	}
	both := append(slices.Clone(tr), te...)
	slices.Sort(both)
	if !slices.Equal(both, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("split does not partition: %v", both)
	}
	folds := KFold(11, 3, 1)
	var all []int
	for _, f := range folds {
		if len(f) < 3 || len(f) > 4 {
			t.Errorf("fold size %d", len(f))
		}
		all = append(all, f...)
		if c := Complement(11, f); len(c)+len(f) != 11 {
			t.Errorf("complement %v of %v", c, f)
		}
	}
	slices.Sort(all)
	if len(all) != 11 || all[0] != 0 || all[10] != 10 {
		t.Errorf("folds do not partition: %v", all)
	}
	if !slices.Equal(KFold(11, 3, 1)[0], folds[0]) {
		t.Error("KFold not deterministic")
	}
}
