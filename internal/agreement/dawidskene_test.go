package agreement

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// plantedRatings draws each unit's true category from priors and has it
// rated by perUnit distinct coders drawn at random; coder c is right with
// probability accuracy[c] and otherwise picks another category uniformly.
func plantedRatings(rng *rand.Rand, units, perUnit int, priors, accuracy []float64) (*Ratings, []int, error) {
	k := len(priors)
	truth := make([]int, units)
	var ratings []Rating
	for u := range units {
		x, t := rng.Float64(), 0
		for x > priors[t] && t < k-1 {
			x -= priors[t]
			t++
		}
		truth[u] = t
		for _, c := range rng.Perm(len(accuracy))[:perUnit] {
			g := t
			if rng.Float64() >= accuracy[c] {
				g = (t + 1 + rng.IntN(k-1)) % k
			}
			ratings = append(ratings, Rating{Unit: u, Coder: c, Category: g})
		}
	}
	r, err := NewRatings(units, len(accuracy), k, ratings)
	return r, truth, err
}

func TestDawidSkeneRecoversPlantedReliability(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 7))
	priors := []float64{0.5, 0.3, 0.2}
	accuracy := []float64{0.95, 0.85, 0.75, 0.65, 0.5, 0.35}
	r, truth, err := plantedRatings(rng, 4000, 4, priors, accuracy)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := DawidSkene(r, DawidSkeneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !ds.Converged {
		t.Errorf("not converged after %d iterations", ds.Iterations)
	}
	for c, want := range accuracy {
		if got := ds.Reliability(c); math.Abs(got-want) > 0.03 {
			t.Errorf("coder %d: reliability %.3f, planted %.2f", c, got, want)
		}
		for k := range priors {
			if got := ds.Confusion[c][k][k]; math.Abs(got-want) > 0.08 {
				t.Errorf("coder %d: P(%d | true %d) = %.3f, planted %.2f", c, k, k, got, want)
			}
			var row float64
			for _, p := range ds.Confusion[c][k] {
				row += p
			}
			if math.Abs(row-1) > 1e-9 {
				t.Errorf("coder %d row %d sums to %v", c, k, row)
			}
		}
	}
	for k, want := range priors {
		if math.Abs(ds.Priors[k]-want) > 0.03 {
			t.Errorf("prior %d = %.3f, planted %.2f", k, ds.Priors[k], want)
		}
	}
	dsRight, mvRight := 0, 0
	mv := MajorityVote(r, TieRule{})
	for u, want := range truth {
		if ds.Labels[u] == want {
			dsRight++
		}
		if mv[u] == want {
			mvRight++
		}
		var sum float64
		for _, p := range ds.Posterior(u) {
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("unit %d posterior sums to %v", u, sum)
		}
	}
	if dsRight <= mvRight {
		t.Errorf("Dawid–Skene right on %d units, majority vote on %d: weighting by reliability should help", dsRight, mvRight)
	}
	t.Logf("correct labels: Dawid–Skene %d, majority %d of %d; %d iterations", dsRight, mvRight, len(truth), ds.Iterations)

	again, _ := DawidSkene(r, DawidSkeneOptions{})
	if !reflect.DeepEqual(ds, again) {
		t.Error("two runs on the same data differ")
	}
}

func TestDawidSkeneOptions(t *testing.T) {
	r := mustTable(t, [][]int{{0, 0, 1}, {1, 1, 1}, {Missing, Missing, Missing}, {2, 0, 2}}, 3)
	ds, err := DawidSkene(r, DawidSkeneOptions{MaxIterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Iterations != 1 {
		t.Errorf("Iterations = %d, want 1", ds.Iterations)
	}
	if ds.Labels[2] != Missing {
		t.Errorf("unrated unit labelled %d", ds.Labels[2])
	}
	if !reflect.DeepEqual(ds.Posterior(2), ds.Priors) {
		t.Errorf("unrated unit posterior %v, want the priors %v", ds.Posterior(2), ds.Priors)
	}
	if _, err := DawidSkene(r, DawidSkeneOptions{Tolerance: -1}); err == nil {
		t.Error("negative tolerance: no error")
	}
	if _, err := DawidSkene(mustTable(t, [][]int{{Missing}}, 2), DawidSkeneOptions{}); err != ErrNoData {
		t.Errorf("no ratings: %v, want ErrNoData", err)
	}
}
