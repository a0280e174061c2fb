package agreement

import (
	"errors"
	"math"
	"testing"
)

func TestKappaTextbook(t *testing.T) {
	// Wikipedia, "Cohen's kappa": the worked 2×2 example (κ = 0.4) and two
	// tables with the same p_o = 0.6 but κ = 0.1304 and 0.2593.
	checkPublished(t, "κ 2×2", mustKappa(t, [][]int{{20, 5}, {10, 15}}, Unweighted), 0.4, 1)
	checkPublished(t, "κ same p_o 1", mustKappa(t, [][]int{{45, 15}, {25, 15}}, Unweighted), 0.1304, 4)
	checkPublished(t, "κ same p_o 2", mustKappa(t, [][]int{{25, 35}, {5, 35}}, Unweighted), 0.2593, 4)

	// A 3×3 table checked by hand: n = 35, rows 13, 13, 9, columns 14, 12, 9.
	//   unweighted p_o = 24/35,   p_e = 419/1225,  κ = 421/806
	//   linear     p_o = 57/70,   p_e = 1401/2450, κ = 594/1049
	//   quadratic  p_o = 123/140, p_e = 673/980,   κ = 188/307
	three := [][]int{{10, 2, 1}, {3, 8, 2}, {1, 2, 6}}
	for _, tc := range []struct {
		table [][]int
		w     Weighting
		want  float64
	}{
		{three, Unweighted, 421.0 / 806},
		{three, Linear, 594.0 / 1049},
		{three, Quadratic, 188.0 / 307},
		// With two categories every weighting is the unweighted one.
		{[][]int{{20, 5}, {10, 15}}, Linear, 0.4},
		{[][]int{{20, 5}, {10, 15}}, Quadratic, 0.4},
	} {
		if got := mustKappa(t, tc.table, tc.w); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%v κ of %v = %.12f, want %.12f", tc.w, tc.table, got, tc.want)
		}
	}
}

func mustKappa(t *testing.T, table [][]int, w Weighting) float64 {
	t.Helper()
	k, err := Kappa(table, w)
	if err != nil {
		t.Fatalf("Kappa(%v, %v): %v", table, w, err)
	}
	return k
}

func TestKappaUndefined(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table [][]int
		want  error
	}{
		{"empty", [][]int{{0, 0}, {0, 0}}, ErrNoData},
		{"one category used", [][]int{{7, 0}, {0, 0}}, ErrUndefined},
		{"single category", [][]int{{3}}, ErrUndefined},
	} {
		got, err := Kappa(tc.table, Quadratic)
		if !errors.Is(err, tc.want) || !math.IsNaN(got) {
			t.Errorf("%s: Kappa = %v, %v; want NaN, %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := Kappa([][]int{{1, 2}}, Unweighted); err == nil {
		t.Error("Kappa of a non-square table: no error")
	}
	if _, err := Kappa([][]int{{1}}, Weighting(7)); err == nil {
		t.Error("Kappa with an unknown weighting: no error")
	}
}

func TestCohenKappaFromRatings(t *testing.T) {
	// Three coders, coder 2 missing on some units.
	r, err := RatingsFromTable([][]int{
		{0, 0, 0},
		{1, 1, Missing},
		{2, 1, 2},
		{0, 2, 0},
		{1, 1, 1},
		{2, 2, Missing},
		{0, 0, 1},
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{2, 0, 1}, {0, 2, 0}, {0, 1, 1}}
	if got := Confusion(r, 0, 1); !equalTables(got, want) {
		t.Errorf("Confusion(0, 1) = %v, want %v", got, want)
	}
	pairs := PairConfusions(r)
	if len(pairs) != 3 {
		t.Fatalf("PairConfusions: %d pairs, want 3", len(pairs))
	}
	for _, p := range pairs {
		if want := Confusion(r, p.A, p.B); !equalTables(p.Table, want) {
			t.Errorf("pair %d-%d: table %v, Confusion gives %v", p.A, p.B, p.Table, want)
		}
		for _, w := range []Weighting{Unweighted, Linear, Quadratic} {
			a, errA := p.Kappa(w)
			b, errB := CohenKappa(r, p.A, p.B, w)
			c, errC := CohenKappa(r, p.B, p.A, w) // symmetric in the coders
			if !near(a, b) || !near(a, c) || errA != errB || errA != errC {
				t.Errorf("pair %d-%d %v: κ %v (%v), %v (%v), swapped %v (%v)", p.A, p.B, w, a, errA, b, errB, c, errC)
			}
		}
	}
	if pairs[0].A != 0 || pairs[0].B != 1 || pairs[2].A != 1 || pairs[2].B != 2 {
		t.Errorf("pairs not ordered by coder: %v", pairs)
	}
}

func equalTables(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}
