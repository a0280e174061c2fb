package agreement

import "math"

// UnitAgreement returns, for each unit, the share of ordered pairs of its
// ratings that agree: Σ_c n_uc(n_uc − 1) / (m_u(m_u − 1)). Units with fewer
// than two ratings get NaN.
func UnitAgreement(r *Ratings) []float64 {
	out := make([]float64, r.Units())
	counts := make([]int, r.categories)
	for u := range out {
		agree, m := unitPairs(r, u, counts)
		if m < 2 {
			out[u] = math.NaN()
			continue
		}
		out[u] = float64(agree) / float64(m*(m-1))
	}
	return out
}

// PercentAgreement returns the mean of [UnitAgreement] over the units with at
// least two ratings, each unit weighing the same; it is Fleiss' P̄. It returns
// NaN and [ErrNoData] when no unit has two ratings.
func PercentAgreement(r *Ratings) (float64, error) {
	counts := make([]int, r.categories)
	var sum float64
	units := 0
	for u := range r.Units() {
		agree, m := unitPairs(r, u, counts)
		if m < 2 {
			continue
		}
		sum += float64(agree) / float64(m*(m-1))
		units++
	}
	if units == 0 {
		return math.NaN(), ErrNoData
	}
	return sum / float64(units), nil
}

// unitPairs returns the number of agreeing ordered pairs of ratings in unit u
// and its number of ratings. counts must be all zero and is left so.
func unitPairs(r *Ratings, u int, counts []int) (agree, m int) {
	cats := r.category[r.start[u]:r.start[u+1]]
	for _, c := range cats {
		agree += 2 * counts[c] // the new rating agrees with each earlier one, both ways
		counts[c]++
	}
	for _, c := range cats {
		counts[c] = 0
	}
	return agree, len(cats)
}
