package agreement

import (
	"fmt"
	"math"
)

// Level is the level of measurement that picks Krippendorff's difference function.
type Level int

// The levels of measurement of Krippendorff's α.
const (
	Nominal  Level = iota // δ² = 0 when equal, 1 otherwise
	Ordinal               // δ² from the ranks of the values actually used
	Interval              // δ² = (v_c − v_k)²
	Ratio                 // δ² = ((v_c − v_k)/(v_c + v_k))²
)

// String returns the level's name.
func (l Level) String() string {
	switch l {
	case Nominal:
		return "nominal"
	case Ordinal:
		return "ordinal"
	case Interval:
		return "interval"
	case Ratio:
		return "ratio"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Coincidences is Krippendorff's coincidence matrix of a set of ratings:
// o_ck sums, over units with m_u ≥ 2 ratings, the ordered pairs of ratings
// (c, k) from different coders weighted by 1/(m_u − 1).
type Coincidences struct {
	k      int
	o      []float64 // k×k, row-major
	values []float64 // numeric value of each category
}

// NewCoincidences builds the coincidence matrix of r in one pass over its
// ratings: O(Σ m_u²) time and O(K²) memory for K categories.
func NewCoincidences(r *Ratings) *Coincidences {
	k := r.categories
	o := make([]float64, k*k)
	for u := range r.Units() {
		lo, hi := r.start[u], r.start[u+1]
		m := hi - lo
		if m < 2 {
			continue
		}
		w := 1 / float64(m-1)
		cats := r.category[lo:hi]
		for i, a := range cats {
			row := o[int(a)*k : int(a)*k+k]
			for j, b := range cats {
				if i != j {
					row[b] += w
				}
			}
		}
	}
	values := make([]float64, k)
	for c := range values {
		values[c] = r.Value(c)
	}
	return &Coincidences{k: k, o: o, values: values}
}

// At returns o_ck.
func (c *Coincidences) At(i, j int) float64 { return c.o[i*c.k+j] }

// Marginals returns n_c = Σ_k o_ck for each category, and their total n,
// the number of pairable values.
func (c *Coincidences) Marginals() (nc []float64, n float64) {
	nc = make([]float64, c.k)
	for i := range c.k {
		for _, v := range c.o[i*c.k : i*c.k+c.k] {
			nc[i] += v
		}
		n += nc[i]
	}
	return nc, n
}

// Alpha returns Krippendorff's α at the given level:
// α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
func (c *Coincidences) Alpha(level Level) (float64, error) {
	nc, n := c.Marginals()
	if n < 2 {
		return math.NaN(), ErrNoData
	}
	delta, err := c.differences(level, nc)
	if err != nil {
		return math.NaN(), err
	}
	var do, de float64
	for i := range c.k {
		for j := range c.k {
			d := delta[i*c.k+j]
			do += c.o[i*c.k+j] * d
			de += nc[i] * nc[j] * d
		}
	}
	if de == 0 {
		return math.NaN(), ErrUndefined
	}
	return 1 - (n-1)*do/de, nil
}

// differences returns the K×K matrix δ²_ck for a level.
func (c *Coincidences) differences(level Level, nc []float64) ([]float64, error) {
	k, v := c.k, c.values
	d := make([]float64, k*k)
	for i := range k {
		for j := range k {
			if i == j {
				continue
			}
			var x float64
			switch level {
			case Nominal:
				x = 1
			case Ordinal:
				lo, hi := min(i, j), max(i, j)
				var s float64
				for g := lo; g <= hi; g++ {
					s += nc[g]
				}
				s -= (nc[lo] + nc[hi]) / 2
				x = s * s
			case Interval:
				x = (v[i] - v[j]) * (v[i] - v[j])
			case Ratio:
				if v[i]+v[j] != 0 {
					r := (v[i] - v[j]) / (v[i] + v[j])
					x = r * r
				}
			default:
				return nil, fmt.Errorf("agreement: alpha: unknown level %v", level)
			}
			d[i*k+j] = x
		}
	}
	return d, nil
}

// Alpha returns Krippendorff's α of r at the given level, with missing data
// allowed. It returns NaN and [ErrNoData] when no unit has two ratings, and
// NaN and [ErrUndefined] when the expected disagreement is zero.
func Alpha(r *Ratings, level Level) (float64, error) {
	return NewCoincidences(r).Alpha(level)
}
