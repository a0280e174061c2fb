package agreement

import (
	"errors"
	"math"
	"testing"
)

func TestAlphaUndefined(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table [][]int
		want  error
	}{
		{"no units", nil, ErrNoData},
		{"only single ratings", [][]int{{0, Missing}, {Missing, 1}}, ErrNoData},
		{"every value the same", [][]int{{1, 1}, {1, 1, 1}, {1, Missing}}, ErrUndefined},
	} {
		r := mustTable(t, tc.table, 3)
		for _, l := range []Level{Nominal, Ordinal, Interval, Ratio} {
			got, err := Alpha(r, l)
			if !errors.Is(err, tc.want) || !math.IsNaN(got) {
				t.Errorf("%s: %v α = %v, %v; want NaN, %v", tc.name, l, got, err, tc.want)
			}
		}
	}
	if _, err := Alpha(mustTable(t, [][]int{{0, 1}, {1, 1}}, 2), Level(9)); err == nil {
		t.Error("Alpha with an unknown level: no error")
	}
}

func TestAlphaSmall(t *testing.T) {
	// Two coders, units (0,0), (1,1), (0,1): o_00 = 2, o_11 = 2, o_01 = o_10 = 1,
	// n_0 = n_1 = 3, n = 6, so α = 1 − 5·2/(2·3·3) = 4/9.
	r := mustTable(t, [][]int{{0, 0}, {1, 1}, {0, 1}}, 2)
	c := NewCoincidences(r)
	for i, want := range []float64{2, 1, 1, 2} {
		if got := c.At(i/2, i%2); got != want {
			t.Errorf("o_%d%d = %v, want %v", i/2, i%2, got, want)
		}
	}
	for _, l := range []Level{Nominal, Ordinal, Interval} {
		if got, err := c.Alpha(l); err != nil || math.Abs(got-4.0/9) > 1e-15 {
			t.Errorf("%v α = %v, %v; want 4/9", l, got, err)
		}
	}
}

func TestLevelString(t *testing.T) {
	for l, want := range map[Level]string{Nominal: "nominal", Ordinal: "ordinal", Interval: "interval", Ratio: "ratio", Level(7): "Level(7)"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", int(l), got, want)
		}
	}
}
