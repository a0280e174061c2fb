package agreement

import "math"

// Set is one annotator's answer to a multiple-choice question: the chosen
// labels, each once, in any order.
type Set []string

// JaccardDistance is 1 − |A∩B|/|A∪B|; two empty sets are at distance 0.
func JaccardDistance(a, b Set) float64 {
	inter, union := overlap(a, b)
	if union == 0 {
		return 0
	}
	return 1 - float64(inter)/float64(union)
}

// MASIDistance is Passonneau's (2006) Measuring Agreement on Set-valued
// Items: 1 − J·M, where J is the Jaccard coefficient and M is 1 when the
// sets are equal, 2/3 when one is a subset of the other, 1/3 when they
// overlap otherwise and 0 when they are disjoint.
func MASIDistance(a, b Set) float64 {
	inter, union := overlap(a, b)
	if union == 0 {
		return 0
	}
	var m float64
	switch {
	case inter == len(a) && inter == len(b):
		m = 1
	case inter == len(a) || inter == len(b):
		m = 2.0 / 3
	case inter > 0:
		m = 1.0 / 3
	}
	return 1 - float64(inter)/float64(union)*m
}

// overlap counts the distinct labels two sets share and the distinct labels of both.
func overlap(a, b Set) (inter, union int) {
	in := map[string]int{}
	for _, x := range a {
		in[x] |= 1
	}
	for _, x := range b {
		in[x] |= 2
	}
	for _, v := range in {
		if v == 3 {
			inter++
		}
	}
	return inter, len(in)
}

// AlphaDistance returns Krippendorff's α of r with the differences δ(c, k)
// given by distance between categories (a metric such as [MASIDistance]
// between the sets the categories stand for, used as is, as Passonneau 2006
// does): α = 1 − (n − 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck. It returns NaN and
// [ErrNoData] or [ErrUndefined] as [Alpha] does.
func AlphaDistance(r *Ratings, distance func(c, k int) float64) (float64, error) {
	co := NewCoincidences(r)
	nc, n := co.Marginals()
	if n < 2 {
		return math.NaN(), ErrNoData
	}
	var do, de float64
	for i := range co.k {
		for j := range co.k {
			if i == j {
				continue
			}
			d := distance(i, j)
			do += co.o[i*co.k+j] * d
			de += nc[i] * nc[j] * d
		}
	}
	if de == 0 {
		return math.NaN(), ErrUndefined
	}
	return 1 - (n-1)*do/de, nil
}
