package agreement

import (
	"math"
	"slices"
	"testing"
)

// TestMajorityVote: a tie is no consensus by default, never the lowest
// category; with a seeded tie rule it is one of the tied categories, the same
// for the same seed, and both tied categories win about as often.
func TestMajorityVote(t *testing.T) {
	r := mustTable(t, [][]int{
		{2, 2, 1},
		{1, 2, Missing}, // tie
		{Missing, Missing, Missing},
		{3, 0, 3},
		{3, 1, 0}, // three-way tie
	}, 4)
	want := []int{2, Missing, Missing, 3, Missing}
	got := MajorityVote(r, TieRule{})
	for u := range want {
		if got[u] != want[u] {
			t.Errorf("unit %d: majority %d, want %d", u, got[u], want[u])
		}
	}
	seeded := MajorityVote(r, TieRule{Seed: 42})
	if seeded[0] != 2 || seeded[3] != 3 || seeded[2] != Missing || (seeded[1] != 1 && seeded[1] != 2) || (seeded[4] != 0 && seeded[4] != 1 && seeded[4] != 3) {
		t.Errorf("seeded tie rule: %v", seeded)
	}
	if again := MajorityVote(r, TieRule{Seed: 42}); !slices.Equal(again, seeded) {
		t.Errorf("the same seed gave %v and %v", seeded, again)
	}
	// 2,000 units tied between categories 0 and 1: each wins about half.
	table := make([][]int, 2000)
	for u := range table {
		table[u] = []int{u % 2, 1 - u%2}
	}
	wins := 0
	for _, k := range MajorityVote(mustTable(t, table, 2), TieRule{Seed: 7}) {
		wins += k
	}
	if wins < 900 || wins > 1100 {
		t.Errorf("category 1 won %d of 2,000 ties, want about 1,000", wins)
	}
}

func TestUnitAndPercentAgreement(t *testing.T) {
	r := mustTable(t, [][]int{
		{0, 0, 0}, // 1
		{0, 0, 1}, // 2 of 6 ordered pairs agree
		{1, Missing, Missing},
		{0, 1, Missing}, // 0
	}, 2)
	want := []float64{1, 1.0 / 3, math.NaN(), 0}
	got := UnitAgreement(r)
	for u := range want {
		if !near(got[u], want[u]) {
			t.Errorf("unit %d: agreement %v, want %v", u, got[u], want[u])
		}
	}
	if p, err := PercentAgreement(r); err != nil || !near(p, 4.0/9) {
		t.Errorf("PercentAgreement = %v, %v; want 4/9", p, err)
	}
	if p, err := PercentAgreement(mustTable(t, [][]int{{0}}, 1)); err != ErrNoData || !math.IsNaN(p) {
		t.Errorf("PercentAgreement without pairs = %v, %v", p, err)
	}
}

func TestFleissEdges(t *testing.T) {
	if f, err := FleissKappaCounts([][]int{{1, 0}, {0, 0}}); err != ErrNoData || !math.IsNaN(f.Kappa) {
		t.Errorf("no pairable units: %+v, %v", f, err)
	}
	f, err := FleissKappaCounts([][]int{{3, 0}, {2, 0}})
	if err != ErrUndefined || !math.IsNaN(f.Kappa) || f.Observed != 1 {
		t.Errorf("one category used: %+v, %v", f, err)
	}
	if _, err := FleissKappaCounts([][]int{{-1, 3}}); err == nil {
		t.Error("negative count: no error")
	}
	// Perfect agreement with two categories: κ = 1 and each κ_j = 1.
	f, err = FleissKappaCounts([][]int{{3, 0}, {0, 3}, {3, 0}})
	if err != nil || !near(f.Kappa, 1) || !near(f.PerLabel[0], 1) || !near(f.PerLabel[1], 1) {
		t.Errorf("perfect agreement: %+v, %v", f, err)
	}
}

func TestCoderAccuracy(t *testing.T) {
	r := mustTable(t, [][]int{
		{0, 0, 1},
		{1, 0, Missing},
		{2, 2, 2},
		{0, 1, 1},
	}, 3)
	got, err := CoderAccuracy(r, []int{0, 1, Missing, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []Accuracy{{Correct: 2, Total: 3, Rate: 2.0 / 3}, {Correct: 2, Total: 3, Rate: 2.0 / 3}, {Correct: 1, Total: 2, Rate: 0.5}}
	for c := range want {
		if got[c].Correct != want[c].Correct || got[c].Total != want[c].Total || !near(got[c].Rate, want[c].Rate) {
			t.Errorf("coder %d: %+v, want %+v", c, got[c], want[c])
		}
	}
	if _, err := CoderAccuracy(r, []int{0}); err == nil {
		t.Error("wrong number of reference labels: no error")
	}
	if _, err := CoderAccuracy(r, []int{0, 0, 0, 5}); err == nil {
		t.Error("reference category out of range: no error")
	}
}
