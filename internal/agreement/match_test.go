package agreement

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"concord/internal/labeling"
)

// bruteMatch tries every one-to-one matching and returns the best by number
// of pairs, then total IoU.
func bruteMatch(refs, hyps int, iou func(i, j int) (float64, bool)) (int, float64) {
	used := make([]bool, hyps)
	var best int
	var bestSum float64
	var walk func(i, n int, sum float64)
	walk = func(i, n int, sum float64) {
		if i == refs {
			if n > best || (n == best && sum > bestSum) {
				best, bestSum = n, sum
			}
			return
		}
		walk(i+1, n, sum) // ref i unmatched
		for j := range hyps {
			if v, ok := iou(i, j); ok && !used[j] {
				used[j] = true
				walk(i+1, n+1, sum+v)
				used[j] = false
			}
		}
	}
	walk(0, 0, 0)
	return best, bestSum
}

func TestMatchOneToOneIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for trial := range 300 {
		refs, hyps := rng.IntN(7), rng.IntN(7)
		density := rng.Float64()
		w := make([]float64, refs*hyps)
		for i := range w {
			if rng.Float64() < density {
				w[i] = 0.01 + rng.Float64()
			}
		}
		iou := func(i, j int) (float64, bool) { v := w[i*hyps+j]; return v, v > 0 }
		n, sum := total(matchOneToOne(refs, hyps, iou))
		wn, wsum := bruteMatch(refs, hyps, iou)
		if n != wn || math.Abs(sum-wsum) > 1e-9 {
			t.Fatalf("trial %d (%d×%d): matched %d with IoU %v, best is %d with %v", trial, refs, hyps, n, sum, wn, wsum)
		}
	}
}

func TestMatchPrefersMorePairs(t *testing.T) {
	// Greedy by IoU would pair ref 0 with hyp 0 (0.9) and leave one pair
	// out; the optimal matching takes 0–1 and 1–0.
	w := [][]float64{{0.9, 0.6}, {0.55, 0}}
	n, sum := total(matchOneToOne(2, 2, func(i, j int) (float64, bool) { return w[i][j], w[i][j] > 0 }))
	if n != 2 || math.Abs(sum-1.15) > 1e-12 {
		t.Errorf("matched %d with IoU %v, want 2 with 1.15", n, sum)
	}
}

func checkScore(t *testing.T, name string, got, want Score) {
	t.Helper()
	if got.TP != want.TP || got.FP != want.FP || got.FN != want.FN ||
		math.Abs(got.Precision-want.Precision) > 1e-12 || math.Abs(got.Recall-want.Recall) > 1e-12 ||
		math.Abs(got.F1-want.F1) > 1e-12 || math.Abs(got.MeanIoU-want.MeanIoU) > 1e-12 {
		t.Errorf("%s: %+v, want %+v", name, got, want)
	}
}

func TestSpanF1(t *testing.T) {
	ref := []Span{{0, 5, "PER"}, {10, 20, "ORG"}, {30, 35, "LOC"}}
	hyp := []Span{{0, 5, "PER"}, {12, 20, "ORG"}, {30, 35, "PER"}, {40, 42, "LOC"}}
	// Exact: only the first span; overlap: also ORG (IoU 8/10).
	checkScore(t, "exact", SpanF1(ref, hyp, Exact), Score{TP: 1, FP: 3, FN: 2, Precision: 0.25, Recall: 1.0 / 3, F1: 2.0 / 7, MeanIoU: 1})
	checkScore(t, "overlap", SpanF1(ref, hyp, Overlap), Score{TP: 2, FP: 2, FN: 1, Precision: 0.5, Recall: 2.0 / 3, F1: 4.0 / 7, MeanIoU: 0.9})
	checkScore(t, "identical", SpanF1(ref, ref, Overlap), Score{TP: 3, Precision: 1, Recall: 1, F1: 1, MeanIoU: 1})
	checkScore(t, "both empty", SpanF1(nil, nil, Exact), Score{Precision: 1, Recall: 1, F1: 1})
	checkScore(t, "no hypotheses", SpanF1(ref, nil, Exact), Score{FN: 3})
	// Touching half-open spans do not overlap; one span matches only once.
	checkScore(t, "touching", SpanF1([]Span{{0, 5, "A"}}, []Span{{5, 9, "A"}}, Overlap), Score{FP: 1, FN: 1})
	checkScore(t, "one to one", SpanF1([]Span{{0, 10, "A"}}, []Span{{0, 4, "A"}, {5, 10, "A"}}, Overlap),
		Score{TP: 1, FP: 1, Precision: 0.5, Recall: 1, F1: 2.0 / 3, MeanIoU: 0.5})
}

func TestBoxF1(t *testing.T) {
	a := Box{X: 0, Y: 0, Width: 10, Height: 10, Label: "car"}
	if got := a.IoU(Box{X: 5, Y: 0, Width: 10, Height: 10}); math.Abs(got-50.0/150) > 1e-12 {
		t.Errorf("IoU = %v, want 1/3", got)
	}
	if got := a.IoU(Box{X: 10, Y: 0, Width: 5, Height: 5}); got != 0 {
		t.Errorf("IoU of touching boxes = %v, want 0", got)
	}
	ref := []Box{a, {X: 20, Y: 20, Width: 10, Height: 10, Label: "car"}, {X: 50, Y: 50, Width: 4, Height: 4, Label: "dog"}}
	hyp := []Box{
		{X: 1, Y: 0, Width: 10, Height: 10, Label: "car"},   // IoU 90/110 with ref 0
		{X: 25, Y: 20, Width: 10, Height: 10, Label: "car"}, // IoU 1/3 with ref 1: below 0.5
		{X: 50, Y: 50, Width: 4, Height: 4, Label: "cat"},   // wrong label
	}
	checkScore(t, "boxes", BoxF1(ref, hyp, MinIoU), Score{TP: 1, FP: 2, FN: 2, Precision: 1.0 / 3, Recall: 1.0 / 3, F1: 1.0 / 3, MeanIoU: 90.0 / 110})
	checkScore(t, "low threshold", BoxF1(ref, hyp, 0.3), Score{TP: 2, FP: 1, FN: 1, Precision: 2.0 / 3, Recall: 2.0 / 3, F1: 2.0 / 3, MeanIoU: (90.0/110 + 1.0/3) / 2})
	// Exactly 0.5 counts: [0,10) against [0,5) × full height.
	half := Box{X: 0, Y: 0, Width: 5, Height: 10, Label: "car"}
	checkScore(t, "at threshold", BoxF1([]Box{a}, []Box{half}, MinIoU), Score{TP: 1, Precision: 1, Recall: 1, F1: 1, MeanIoU: 0.5})
}

func TestRegionF1(t *testing.T) {
	ref := []Region{{0, 2, "speech"}, {3, 4, "music"}, {5, 6, "speech"}}
	hyp := []Region{{0.5, 2, "speech"}, {3, 5, "music"}, {5.2, 6.2, "speech"}}
	// IoUs: 1.5/2 = 0.75; 1/2 = 0.5; 0.8/1.2 ≈ 0.667.
	want := Score{TP: 3, Precision: 1, Recall: 1, F1: 1, MeanIoU: (0.75 + 0.5 + 0.8/1.2) / 3}
	checkScore(t, "regions", RegionF1(ref, hyp, MinIoU), want)
	if got := (Region{0, 1, ""}).IoU(Region{2, 3, ""}); got != 0 {
		t.Errorf("disjoint IoU = %v", got)
	}
	checkScore(t, "strict", RegionF1(ref, hyp, 0.7), Score{TP: 1, FP: 2, FN: 2, Precision: 1.0 / 3, Recall: 1.0 / 3, F1: 1.0 / 3, MeanIoU: 0.75})
}

// total is a matching's number of pairs and their summed IoU.
func total(pairs []pair) (int, float64) {
	var sum float64
	for _, p := range pairs {
		sum += p.iou
	}
	return len(pairs), sum
}

// TestUnmatchedIsTheScoredMatching: two of A's boxes overlap B's one box;
// both would find a partner one by one, but the matching that agreement
// scores pairs only one, so the other is what the review marks as differing.
func TestUnmatchedIsTheScoredMatching(t *testing.T) {
	c := labeling.Control{Name: "box", Type: labeling.TypeRectangleLabels}
	box := func(x float64) labeling.Result {
		r := labeling.Result{FromName: "box"}
		r.Value.X, r.Value.Y, r.Value.Width, r.Value.Height = x, 10, 20, 20
		r.Value.RectangleLabels = []string{"Car"}
		return r
	}
	other := labeling.Result{FromName: "comment"}
	a := []labeling.Result{box(10), other, box(13)}
	b := []labeling.Result{box(11)}
	got := Unmatched(c, a, b)
	if want := []bool{false, false, true}; !slices.Equal(got, want) {
		t.Errorf("Unmatched(A, B) = %v, want %v (box 10 is the closer partner)", got, want)
	}
	if got := Unmatched(c, b, a); !slices.Equal(got, []bool{false}) {
		t.Errorf("Unmatched(B, A) = %v, want [false]", got)
	}
	if s := pairScore(c, a, b); math.Abs(s-2.0/3) > 1e-12 {
		t.Errorf("pairScore = %v, want F1 2/3", s)
	}
}
