package agreement

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// randomTable returns a units × coders table of categories in [0, k) where a
// cell is Missing with probability missing; coders agree with a shared
// latent category most of the time so that the coefficients are not near 0.
func randomTable(rng *rand.Rand, units, coders, k int, missing float64) [][]int {
	table := make([][]int, units)
	for u := range table {
		truth := rng.IntN(k)
		table[u] = make([]int, coders)
		for c := range table[u] {
			switch {
			case rng.Float64() < missing:
				table[u][c] = Missing
			case rng.Float64() < 0.7:
				table[u][c] = truth
			default:
				table[u][c] = rng.IntN(k)
			}
		}
	}
	return table
}

func mustTable(t *testing.T, table [][]int, k int) *Ratings {
	t.Helper()
	r, err := RatingsFromTable(table, k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// coefficients computes every chance-corrected coefficient of r that should
// not depend on how the data is ordered.
func coefficients(t *testing.T, r *Ratings) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, l := range []Level{Nominal, Ordinal, Interval, Ratio} {
		a, err := Alpha(r, l)
		if err != nil && !errors.Is(err, ErrUndefined) && !errors.Is(err, ErrNoData) {
			t.Fatal(err)
		}
		out["α "+l.String()] = a
	}
	f, _ := FleissKappa(r)
	out["fleiss"] = f.Kappa
	out["fleiss P̄"] = f.Observed
	p, _ := PercentAgreement(r)
	out["percent"] = p
	return out
}

func sameCoefficients(t *testing.T, what string, got, want map[string]float64, only ...string) {
	t.Helper()
	keys := only
	if keys == nil {
		for k := range want {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if g, w := got[k], want[k]; !(math.Abs(g-w) <= 1e-9 || (math.IsNaN(g) && math.IsNaN(w))) {
			t.Errorf("%s: %s = %v, want %v", what, k, g, w)
		}
	}
}

func TestIdenticalAnnotationsAgreePerfectly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	table := make([][]int, 50)
	for u := range table {
		v := rng.IntN(5)
		table[u] = []int{v, v, v, v}
		if u%7 == 0 {
			table[u][2] = Missing // missing cells do not break perfect agreement
		}
	}
	r := mustTable(t, table, 5)
	for name, v := range coefficients(t, r) {
		if math.Abs(v-1) > 1e-12 {
			t.Errorf("%s = %v, want 1", name, v)
		}
	}
	for _, w := range []Weighting{Unweighted, Linear, Quadratic} {
		if k, err := CohenKappa(r, 0, 3, w); err != nil || math.Abs(k-1) > 1e-12 {
			t.Errorf("Cohen %v κ = %v, %v; want 1", w, k, err)
		}
	}
	votes := MajorityVote(r, TieRule{})
	for u := range table {
		if votes[u] != table[u][0] {
			t.Fatalf("unit %d: majority %d, want %d", u, votes[u], table[u][0])
		}
	}
}

func TestRelabelingChangesNothingNominal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		k := 2 + rng.IntN(6)
		table := randomTable(rng, 40, 4, k, 0.2)
		perm := rng.Perm(k)
		renamed := make([][]int, len(table))
		for u, row := range table {
			renamed[u] = make([]int, len(row))
			for c, v := range row {
				renamed[u][c] = Missing
				if v != Missing {
					renamed[u][c] = perm[v]
				}
			}
		}
		a, b := mustTable(t, table, k), mustTable(t, renamed, k)
		sameCoefficients(t, "relabelled", coefficients(t, b), coefficients(t, a), "α nominal", "fleiss", "fleiss P̄", "percent")
		k1, err1 := CohenKappa(a, 0, 1, Unweighted)
		k2, err2 := CohenKappa(b, 0, 1, Unweighted)
		if !near(k1, k2) || !errors.Is(err2, err1) {
			t.Errorf("trial %d: Cohen κ %v (%v) after relabelling, %v (%v) before", trial, k2, err2, k1, err1)
		}
		f1, _ := FleissKappa(a)
		f2, _ := FleissKappa(b)
		for j := range k {
			if a, b := f1.PerLabel[j], f2.PerLabel[perm[j]]; !(math.Abs(a-b) <= 1e-9 || math.IsNaN(a) && math.IsNaN(b)) {
				t.Errorf("trial %d: κ_%d = %v, relabelled %v", trial, j, f1.PerLabel[j], f2.PerLabel[perm[j]])
			}
		}
	}
}

func TestCoderAndUnitOrderIrrelevant(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		k := 2 + rng.IntN(6)
		table := randomTable(rng, 30, 5, k, 0.3)
		coders := rng.Perm(5)
		units := rng.Perm(len(table))
		shuffled := make([][]int, len(table))
		for u, row := range table {
			shuffled[units[u]] = make([]int, len(row))
			for c, v := range row {
				shuffled[units[u]][coders[c]] = v
			}
		}
		a, b := mustTable(t, table, k), mustTable(t, shuffled, k)
		sameCoefficients(t, "shuffled", coefficients(t, b), coefficients(t, a))
		for _, w := range []Weighting{Unweighted, Linear, Quadratic} {
			k1, _ := CohenKappa(a, 1, 3, w)
			k2, _ := CohenKappa(b, coders[1], coders[3], w)
			if !near(k1, k2) {
				t.Errorf("Cohen %v κ = %v, after shuffling %v", w, k1, k2)
			}
		}
	}
}

func TestAlphaScaleInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	table := randomTable(rng, 60, 3, 6, 0.25)
	base := mustTable(t, table, 6)
	if err := base.SetScale([]float64{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	want := coefficients(t, base)
	for _, tc := range []struct {
		name   string
		scale  []float64
		levels []string
	}{
		{"affine", []float64{-7, -4, -1, 2, 5, 8}, []string{"α nominal", "α ordinal", "α interval"}},
		{"scaled", []float64{3, 6, 9, 12, 15, 18}, []string{"α nominal", "α ordinal", "α interval", "α ratio"}},
		{"monotone", []float64{1, 1.5, 10, 11, 100, 1000}, []string{"α nominal", "α ordinal"}},
	} {
		r := mustTable(t, table, 6)
		if err := r.SetScale(tc.scale); err != nil {
			t.Fatal(err)
		}
		sameCoefficients(t, tc.name, coefficients(t, r), want, tc.levels...)
	}
}

// bruteAlpha computes α straight from its definition over pairs of values,
// without a coincidence matrix: α = 1 − (n−1) Σ_u Σ_{i≠j} δ²/(m_u−1) / Σ_{i≠j} δ².
func bruteAlpha(table [][]float64, delta func(a, b float64) float64) float64 {
	var within float64
	var all []float64
	for _, row := range table {
		var vs []float64
		for _, v := range row {
			if !math.IsNaN(v) {
				vs = append(vs, v)
			}
		}
		if len(vs) < 2 {
			continue
		}
		for i := range vs {
			for j := range vs {
				if i != j {
					within += delta(vs[i], vs[j]) / float64(len(vs)-1)
				}
			}
		}
		all = append(all, vs...)
	}
	var between float64
	for i := range all {
		for j := range all {
			if i != j {
				between += delta(all[i], all[j])
			}
		}
	}
	return 1 - float64(len(all)-1)*within/between
}

func TestAlphaMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	deltas := map[Level]func(a, b float64) float64{
		Nominal: func(a, b float64) float64 {
			if a == b {
				return 0
			}
			return 1
		},
		Interval: func(a, b float64) float64 { return (a - b) * (a - b) },
		Ratio: func(a, b float64) float64 {
			if a+b == 0 {
				return 0
			}
			return (a - b) * (a - b) / ((a + b) * (a + b))
		},
	}
	for range 10 {
		table := make([][]float64, 25)
		for u := range table {
			table[u] = make([]float64, 4)
			base := float64(rng.IntN(8))
			for c := range table[u] {
				table[u][c] = base + float64(rng.IntN(3))
				if rng.Float64() < 0.3 {
					table[u][c] = math.NaN()
				}
			}
		}
		r, err := RatingsFromValues(table)
		if err != nil {
			t.Fatal(err)
		}
		for level, delta := range deltas {
			got, err := Alpha(r, level)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteAlpha(table, delta); math.Abs(got-want) > 1e-9 {
				t.Errorf("%v α = %v, by definition %v", level, got, want)
			}
		}
	}
}

func TestMissingValuesAndUnpairableUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	table := randomTable(rng, 40, 3, 4, 0)
	want := coefficients(t, mustTable(t, table, 4))
	// Units with one rating or none are unpairable: α, Fleiss and the
	// percent agreement ignore them.
	padded := append(table, []int{2, Missing, Missing}, []int{Missing, Missing, Missing}, []int{Missing, Missing, 0})
	sameCoefficients(t, "padded", coefficients(t, mustTable(t, padded, 4)), want)

	// Heavily missing data of every shape runs without panicking.
	for range 200 {
		sparse := randomTable(rng, rng.IntN(6), rng.IntN(4), 1+rng.IntN(3), 0.7)
		r := mustTable(t, sparse, 3)
		coefficients(t, r)
		UnitAgreement(r)
		PairConfusions(r)
		MajorityVote(r, TieRule{})
		if r.Coders() >= 2 {
			_, _ = CohenKappa(r, 0, 1, Linear)
		}
		if _, err := DawidSkene(r, DawidSkeneOptions{}); err != nil && !errors.Is(err, ErrNoData) {
			t.Fatal(err)
		}
	}
}
