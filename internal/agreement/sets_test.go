package agreement

import (
	"math"
	"testing"
)

// TestMASIDistance checks the four cases of Passonneau (2006): identity,
// subsumption (M = 2/3), intersection (M = 1/3) and disjunction (M = 0).
func TestMASIDistance(t *testing.T) {
	for _, c := range []struct {
		a, b    Set
		jaccard float64
		masi    float64
	}{
		{Set{"A", "B"}, Set{"B", "A"}, 0, 0},
		{Set{"A", "B"}, Set{"A", "B", "C"}, 1 - 2.0/3, 1 - 2.0/3*2.0/3},
		{Set{"A", "B"}, Set{"B", "C"}, 1 - 1.0/3, 1 - 1.0/3*1.0/3},
		{Set{"A"}, Set{"B"}, 1, 1},
		{Set{}, Set{}, 0, 0},
	} {
		if got := JaccardDistance(c.a, c.b); math.Abs(got-c.jaccard) > 1e-12 {
			t.Errorf("Jaccard distance %v %v = %v, want %v", c.a, c.b, got, c.jaccard)
		}
		if got := MASIDistance(c.a, c.b); math.Abs(got-c.masi) > 1e-12 {
			t.Errorf("MASI distance %v %v = %v, want %v", c.a, c.b, got, c.masi)
		}
		if MASIDistance(c.a, c.b) != MASIDistance(c.b, c.a) {
			t.Errorf("MASI distance is not symmetric on %v %v", c.a, c.b)
		}
	}
}

// TestAlphaDistanceNominal: with the nominal distance, AlphaDistance is α nominal.
func TestAlphaDistanceNominal(t *testing.T) {
	r, err := RatingsFromTable([][]int{{0, 0, 1}, {1, 1, 1}, {0, 1, Missing}, {2, 2, 0}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Alpha(r, Nominal)
	got, err := AlphaDistance(r, func(c, k int) float64 { return 1 })
	if err != nil || math.Abs(got-want) > 1e-12 {
		t.Fatalf("α with nominal distance %v (%v), want %v", got, err, want)
	}
}
