package agreement

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestDawidSkeneSets plants sets of 4 categories rated by 3 careful coders
// (each category reported right 95 % of the time) and 3 who choose each
// category at random, 5 per unit: the per-category fit finds the careful
// coders, recovers the planted sets more often than the per-category
// majority, and leaves units without ratings without a set.
func TestDawidSkeneSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	const units, coders, k = 600, 6, 4
	truth := make([][]int, units)
	var ratings []SetRating
	for u := range units - 1 { // the last unit has no ratings
		for c := range k {
			if rng.Float64() < 0.4 {
				truth[u] = append(truth[u], c)
			}
		}
		for _, c := range rng.Perm(coders)[:5] {
			var chosen []int
			for cat := range k {
				in := slices.Contains(truth[u], cat)
				if c >= 3 {
					in = rng.IntN(2) == 0
				} else if rng.Float64() >= 0.95 {
					in = !in
				}
				if in {
					chosen = append(chosen, cat)
				}
			}
			ratings = append(ratings, SetRating{Unit: u, Coder: c, Chosen: chosen})
		}
	}
	res, err := DawidSkeneSets(units, coders, k, ratings, DawidSkeneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sets[units-1] != nil {
		t.Fatalf("a unit without ratings got the set %v", res.Sets[units-1])
	}
	dsRight, majRight := 0, 0
	for u := range units - 1 {
		want := truth[u]
		if want == nil {
			want = []int{}
		}
		if reflect.DeepEqual(res.Sets[u], want) {
			dsRight++
		}
		counts, n := make([]int, k), 0
		for _, sr := range ratings {
			if sr.Unit == u {
				n++
				for _, c := range sr.Chosen {
					counts[c]++
				}
			}
		}
		maj := []int{}
		for c, x := range counts {
			if 2*x > n {
				maj = append(maj, c)
			}
		}
		if reflect.DeepEqual(maj, want) {
			majRight++
		}
	}
	if dsRight <= majRight || float64(dsRight)/(units-1) < 0.85 {
		t.Fatalf("sets recovered: Dawid–Skene %d, majority %d of %d", dsRight, majRight, units-1)
	}
	for c := range coders {
		careful := c < 3
		if rel := res.Reliability(c); careful != (rel > 0.8) {
			t.Errorf("coder %d (careful %v): reliability %.3f", c, careful, rel)
		}
	}
	if _, err := DawidSkeneSets(1, 1, 2, []SetRating{{Unit: 0, Coder: 0, Chosen: []int{2}}}, DawidSkeneOptions{}); err == nil {
		t.Fatal("a chosen category out of range was accepted")
	}
}
