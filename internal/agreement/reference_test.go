package agreement

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"concord/internal/fixture"
)

// readReference reads a reference CSV from testdata/agreement without its
// header row and first column.
func readReference(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(fixture.Path(t, filepath.Join("agreement", name)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var out [][]string
	for _, row := range rows[1:] {
		out = append(out, row[1:])
	}
	return out
}

// readCoderRows reads a reference file whose rows are coders and columns
// units, with empty cells missing, and returns the units × coders table.
func readCoderRows(t *testing.T, name string) [][]float64 {
	t.Helper()
	rows := readReference(t, name)
	table := make([][]float64, len(rows[0]))
	for u := range table {
		table[u] = make([]float64, len(rows))
		for c, row := range rows {
			table[u][c] = math.NaN()
			if row[u] == "" {
				continue
			}
			v, err := strconv.ParseFloat(row[u], 64)
			if err != nil {
				t.Fatalf("%s: coder %d unit %d: %v", name, c, u, err)
			}
			table[u][c] = v
		}
	}
	return table
}

// round rounds x to the given number of decimal places, as published values are.
func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// checkPublished fails unless got rounds to want at want's published digits.
func checkPublished(t *testing.T, name string, got, want float64, digits int) {
	t.Helper()
	if r := round(got, digits); math.Abs(r-want) > 1e-12 {
		t.Errorf("%s = %.9f, rounds to %.*f; published %.*f", name, got, digits, r, digits, want)
	}
}

func TestAlphaKrippendorff2011(t *testing.T) {
	r, err := RatingsFromValues(readCoderRows(t, "krippendorff2011_reliability_data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCoincidences(r)
	for _, tc := range []struct {
		level  Level
		want   float64
		digits int
	}{
		{Nominal, 0.743, 3},
		{Nominal, 0.7434211, 7},
		{Ordinal, 0.815, 3},
		{Interval, 0.849, 3},
		{Ratio, 0.797, 3},
	} {
		got, err := c.Alpha(tc.level)
		if err != nil {
			t.Fatalf("%v: %v", tc.level, err)
		}
		checkPublished(t, "α "+tc.level.String(), got, tc.want, tc.digits)
		if direct, _ := Alpha(r, tc.level); direct != got {
			t.Errorf("Alpha(%v) = %v, coincidences give %v", tc.level, direct, got)
		}
	}
	// The paper's coincidence marginals: n_1..n_5 = 9, 13, 10, 5, 3 and n = 40.
	nc, n := c.Marginals()
	want := []float64{9, 13, 10, 5, 3}
	for i := range want {
		if math.Abs(nc[i]-want[i]) > 1e-12 {
			t.Errorf("n_%d = %v, want %v", i+1, nc[i], want[i])
		}
	}
	if math.Abs(n-40) > 1e-12 {
		t.Errorf("n = %v, want 40", n)
	}
}

func TestAlphaWikipedia(t *testing.T) {
	r, err := RatingsFromValues(readCoderRows(t, "wikipedia_krippendorff_3coders_15units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		level Level
		want  float64
	}{
		{Nominal, 0.691358},
		{Interval, 0.810845},
	} {
		got, err := Alpha(r, tc.level)
		if err != nil {
			t.Fatalf("%v: %v", tc.level, err)
		}
		checkPublished(t, "α "+tc.level.String(), got, tc.want, 6)
	}
}

func TestFleissWikipedia(t *testing.T) {
	rows := readReference(t, "fleiss1971_wikipedia_counts_10subjects_14raters.csv")
	counts := make([][]int, len(rows))
	var ratings []Rating
	for u, row := range rows {
		coder := 0
		for _, cell := range row {
			n, err := strconv.Atoi(cell)
			if err != nil {
				t.Fatal(err)
			}
			counts[u] = append(counts[u], n)
			for range n {
				ratings = append(ratings, Rating{Unit: u, Coder: coder, Category: len(counts[u]) - 1})
				coder++
			}
		}
	}
	f, err := FleissKappaCounts(counts)
	if err != nil {
		t.Fatal(err)
	}
	checkPublished(t, "κ", f.Kappa, 0.210, 3)
	checkPublished(t, "P̄", f.Observed, 0.378, 3)
	checkPublished(t, "P̄e", f.Expected, 0.213, 3)
	if f.Units != 10 {
		t.Errorf("Units = %d, want 10", f.Units)
	}

	r, err := NewRatings(len(counts), 14, len(counts[0]), ratings)
	if err != nil {
		t.Fatal(err)
	}
	g, err := FleissKappa(r)
	if err != nil {
		t.Fatal(err)
	}
	if !near(g.Kappa, f.Kappa) || !near(g.Observed, f.Observed) || !near(g.Expected, f.Expected) {
		t.Errorf("FleissKappa from ratings = %+v, from counts %+v", g, f)
	}
	for j := range f.PerLabel {
		if !near(g.PerLabel[j], f.PerLabel[j]) {
			t.Errorf("κ_%d from ratings = %v, from counts %v", j, g.PerLabel[j], f.PerLabel[j])
		}
	}
	if p, _ := PercentAgreement(r); !near(p, f.Observed) {
		t.Errorf("PercentAgreement = %v, want P̄ = %v", p, f.Observed)
	}
}

// near reports whether a and b agree to 1e-12, both NaN counting as equal.
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12
}

// readTable reads a contingency table (rows rater 1, columns rater 2).
func readTable(t *testing.T, name string) [][]int {
	t.Helper()
	var table [][]int
	for _, row := range readReference(t, name) {
		var r []int
		for _, s := range row {
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			r = append(r, n)
		}
		table = append(table, r)
	}
	return table
}

// TestKappaIrrCAC checks Cohen's κ, unweighted and with quadratic weights,
// against the documented output of irrCAC's kappa2.table (Gwet) on its
// cont3x3abstractors dataset.
func TestKappaIrrCAC(t *testing.T) {
	table := readTable(t, "irrcac_cont3x3abstractors.csv")
	for w, want := range map[Weighting]float64{Unweighted: 0.7964094, Quadratic: 0.8921569} {
		if got := mustKappa(t, table, w); math.Abs(got-want) > 5e-8 {
			t.Errorf("%v κ = %.8f, irrCAC gives %.7f", w, got, want)
		}
	}
}
