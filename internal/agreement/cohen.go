package agreement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Weighting picks the agreement weights of Cohen's κ.
type Weighting int

// The weightings of Cohen's κ for K ordered categories.
const (
	Unweighted Weighting = iota // w_ij = 1 when i = j, else 0
	Linear                      // w_ij = 1 − |i − j|/(K − 1)
	Quadratic                   // w_ij = 1 − (i − j)²/(K − 1)²
)

// String returns the weighting's name.
func (w Weighting) String() string {
	switch w {
	case Unweighted:
		return "unweighted"
	case Linear:
		return "linear"
	case Quadratic:
		return "quadratic"
	}
	return fmt.Sprintf("Weighting(%d)", int(w))
}

// weight returns w_ij for K categories.
func (w Weighting) weight(i, j, k int) float64 {
	if i == j {
		return 1
	}
	d := float64(i-j) / float64(k-1)
	switch w {
	case Linear:
		return 1 - math.Abs(d)
	case Quadratic:
		return 1 - d*d
	}
	return 0
}

// Confusion returns the K×K table of the units coders a and b both rated:
// table[i][j] counts units a put in category i and b in category j.
func Confusion(r *Ratings, a, b int) [][]int {
	k := r.categories
	table := newTable(k)
	for u := range r.Units() {
		ca, cb := -1, -1
		for i := r.start[u]; i < r.start[u+1]; i++ {
			switch int(r.coder[i]) {
			case a:
				ca = int(r.category[i])
			case b:
				cb = int(r.category[i])
			}
		}
		if ca >= 0 && cb >= 0 {
			table[ca][cb]++
		}
	}
	return table
}

// PairConfusion is the confusion table of two coders A < B over the units
// both rated; see [Confusion].
type PairConfusion struct {
	A, B  int
	Table [][]int
}

// Kappa returns Cohen's κ of the pair; see [Kappa].
func (p PairConfusion) Kappa(w Weighting) (float64, error) { return Kappa(p.Table, w) }

// PairConfusions returns the confusion table of every pair of coders that
// rated at least one unit in common, ordered by A then B, in one pass over r.
func PairConfusions(r *Ratings) []PairConfusion {
	k := r.categories
	var pairs []PairConfusion
	index := make(map[int64]int)
	for u := range r.Units() {
		lo, hi := r.start[u], r.start[u+1]
		for i := lo; i < hi; i++ {
			for j := i + 1; j < hi; j++ {
				a, b := r.coder[i], r.coder[j]
				ka, kb := r.category[i], r.category[j]
				if a > b {
					a, b, ka, kb = b, a, kb, ka
				}
				key := int64(a)<<32 | int64(b)
				p, ok := index[key]
				if !ok {
					p = len(pairs)
					index[key] = p
					pairs = append(pairs, PairConfusion{A: int(a), B: int(b), Table: newTable(k)})
				}
				pairs[p].Table[ka][kb]++
			}
		}
	}
	slices.SortFunc(pairs, func(x, y PairConfusion) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return pairs
}

// CohenKappa returns Cohen's κ between coders a and b over the units both
// rated, with the given weighting; see [Kappa].
func CohenKappa(r *Ratings, a, b int, w Weighting) (float64, error) {
	return Kappa(Confusion(r, a, b), w)
}

// Kappa returns Cohen's κ = (p_o − p_e)/(1 − p_e) of a square confusion
// table, where p_o = Σ w_ij t_ij / N and p_e = Σ w_ij r_i c_j / N² with row
// and column totals r_i and c_j. It returns NaN and [ErrNoData] for an empty
// table, and NaN and [ErrUndefined] when p_e = 1.
func Kappa(table [][]int, w Weighting) (float64, error) {
	if w < Unweighted || w > Quadratic {
		return math.NaN(), fmt.Errorf("agreement: kappa: unknown weighting %v", w)
	}
	k := len(table)
	rows := make([]float64, k)
	cols := make([]float64, k)
	var n float64
	for i, row := range table {
		if len(row) != k {
			return math.NaN(), fmt.Errorf("agreement: kappa: table is not square")
		}
		for j, t := range row {
			if t < 0 {
				return math.NaN(), fmt.Errorf("agreement: kappa: negative count")
			}
			rows[i] += float64(t)
			cols[j] += float64(t)
			n += float64(t)
		}
	}
	if n == 0 {
		return math.NaN(), ErrNoData
	}
	var po, pe float64
	for i, row := range table {
		for j, t := range row {
			wij := w.weight(i, j, k)
			po += wij * float64(t)
			pe += wij * rows[i] * cols[j]
		}
	}
	po /= n
	pe /= n * n
	if pe >= 1 {
		return math.NaN(), ErrUndefined
	}
	return (po - pe) / (1 - pe), nil
}

// newTable returns a zero k×k table backed by one slice.
func newTable(k int) [][]int {
	flat := make([]int, k*k)
	t := make([][]int, k)
	for i := range t {
		t[i] = flat[i*k : i*k+k : i*k+k]
	}
	return t
}
