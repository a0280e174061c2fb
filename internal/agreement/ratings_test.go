package agreement

import (
	"math"
	"testing"
)

func TestNewRatingsRejects(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		units, coders, categories int
		ratings                   []Rating
	}{
		{"no categories", 1, 1, 0, nil},
		{"unit out of range", 1, 2, 2, []Rating{{Unit: 1}}},
		{"coder out of range", 1, 2, 2, []Rating{{Coder: -1}}},
		{"category out of range", 1, 2, 2, []Rating{{Category: 2}}},
		{"coder twice on a unit", 2, 2, 2, []Rating{{0, 1, 0}, {1, 1, 0}, {0, 1, 1}}},
	} {
		if _, err := NewRatings(tc.units, tc.coders, tc.categories, tc.ratings); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestNewRatingsGroupsByUnit(t *testing.T) {
	r, err := NewRatings(3, 4, 5, []Rating{{2, 0, 4}, {0, 3, 1}, {2, 1, 3}, {0, 0, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Units() != 3 || r.Coders() != 4 || r.Categories() != 5 || r.Len() != 4 {
		t.Fatalf("shape %d×%d, %d categories, %d ratings", r.Units(), r.Coders(), r.Categories(), r.Len())
	}
	type cell struct{ coder, category int }
	want := [][]cell{{{3, 1}, {0, 2}}, nil, {{0, 4}, {1, 3}}}
	for u, cells := range want {
		if r.UnitLen(u) != len(cells) {
			t.Fatalf("unit %d: %d ratings, want %d", u, r.UnitLen(u), len(cells))
		}
		for i, w := range cells {
			if c, k := r.At(u, i); c != w.coder || k != w.category {
				t.Errorf("unit %d rating %d = coder %d category %d, want %v", u, i, c, k, w)
			}
		}
	}
}

func TestRatingsFromValues(t *testing.T) {
	nan := math.NaN()
	r, err := RatingsFromValues([][]float64{{2.5, nan, -1}, {10, 2.5}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Categories() != 3 || r.Coders() != 3 {
		t.Fatalf("%d categories, %d coders; want 3, 3", r.Categories(), r.Coders())
	}
	for k, want := range []float64{-1, 2.5, 10} {
		if got := r.Value(k); got != want {
			t.Errorf("Value(%d) = %v, want %v", k, got, want)
		}
	}
	if c, k := r.At(0, 1); c != 2 || k != 0 {
		t.Errorf("unit 0 rating 1 = coder %d category %d, want coder 2 category 0", c, k)
	}
	if _, err := RatingsFromValues([][]float64{{math.Inf(1)}}); err == nil {
		t.Error("infinite value: no error")
	}
}

func TestSetScale(t *testing.T) {
	r := mustTable(t, [][]int{{0, 1}}, 2)
	if r.Value(1) != 1 {
		t.Errorf("Value(1) without a scale = %v, want 1", r.Value(1))
	}
	for _, bad := range [][]float64{{1}, {2, 1}, {1, 1}, {0, math.NaN()}} {
		if err := r.SetScale(bad); err == nil {
			t.Errorf("SetScale(%v): no error", bad)
		}
	}
	if err := r.SetScale([]float64{10, 20}); err != nil || r.Value(1) != 20 {
		t.Errorf("SetScale: %v, Value(1) = %v", err, r.Value(1))
	}
}
