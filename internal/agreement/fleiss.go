package agreement

import (
	"fmt"
	"math"
)

// Fleiss holds Fleiss' κ and its parts.
type Fleiss struct {
	Kappa    float64   // (P̄ − P̄e)/(1 − P̄e)
	Observed float64   // P̄, the mean share of agreeing rating pairs per unit
	Expected float64   // P̄e = Σ_j p_j², agreement expected by chance
	PerLabel []float64 // κ_j per category; NaN where p_j is 0 or 1
	Units    int       // units with at least two ratings, the ones counted
}

// FleissKappa returns Fleiss' κ of r. Units with fewer than two ratings are
// skipped; with a varying number of ratings m_u per unit, p_j pools all
// counted ratings and P̄ averages units equally. It returns [ErrNoData] when
// no unit has two ratings and [ErrUndefined] (with Kappa NaN) when P̄e = 1.
func FleissKappa(r *Ratings) (Fleiss, error) {
	s := newFleissSum(r.categories)
	counts := make([]int, r.categories)
	for u := range r.Units() {
		cats := r.category[r.start[u]:r.start[u+1]]
		m := len(cats)
		if m < 2 {
			continue
		}
		for _, c := range cats {
			counts[c]++
		}
		var agree int
		for _, c := range cats {
			n := counts[c]
			if n == 0 {
				continue // category already added for this unit
			}
			agree += n * (n - 1)
			s.add(int(c), n, m)
			counts[c] = 0
		}
		s.addUnit(agree, m)
	}
	return s.result()
}

// FleissKappaCounts returns Fleiss' κ from a table where counts[u][j] is the
// number of raters who put unit u in category j, as in Fleiss (1971).
func FleissKappaCounts(counts [][]int) (Fleiss, error) {
	k := 0
	for _, row := range counts {
		k = max(k, len(row))
	}
	s := newFleissSum(k)
	for u, row := range counts {
		m := 0
		for _, n := range row {
			if n < 0 {
				return Fleiss{}, fmt.Errorf("agreement: fleiss kappa: negative count in unit %d", u)
			}
			m += n
		}
		if m < 2 {
			continue
		}
		var agree int
		for j, n := range row {
			agree += n * (n - 1)
			s.add(j, n, m)
		}
		s.addUnit(agree, m)
	}
	return s.result()
}

// fleissSum accumulates the sums behind Fleiss' κ.
type fleissSum struct {
	observed  float64   // Σ_u P_u
	units     int       // units counted
	total     float64   // Σ_u m_u
	perLabel  []float64 // Σ_u n_uj
	disagreed []float64 // Σ_u n_uj(m_u − n_uj)/(m_u − 1)
}

func newFleissSum(k int) *fleissSum {
	return &fleissSum{perLabel: make([]float64, k), disagreed: make([]float64, k)}
}

// add counts n ratings of category j in a unit of m ratings.
func (s *fleissSum) add(j, n, m int) {
	s.perLabel[j] += float64(n)
	s.disagreed[j] += float64(n*(m-n)) / float64(m-1)
}

// addUnit counts a unit of m ratings with agree agreeing ordered pairs.
func (s *fleissSum) addUnit(agree, m int) {
	s.observed += float64(agree) / float64(m*(m-1))
	s.units++
	s.total += float64(m)
}

func (s *fleissSum) result() (Fleiss, error) {
	f := Fleiss{Kappa: math.NaN(), Units: s.units, PerLabel: make([]float64, len(s.perLabel))}
	if s.units == 0 {
		for j := range f.PerLabel {
			f.PerLabel[j] = math.NaN()
		}
		f.Observed, f.Expected = math.NaN(), math.NaN()
		return f, ErrNoData
	}
	f.Observed = s.observed / float64(s.units)
	for j, n := range s.perLabel {
		p := n / s.total
		f.Expected += p * p
		f.PerLabel[j] = math.NaN()
		if pq := p * (1 - p); pq > 0 {
			f.PerLabel[j] = 1 - s.disagreed[j]/(s.total*pq)
		}
	}
	if f.Expected >= 1 {
		return f, ErrUndefined
	}
	f.Kappa = (f.Observed - f.Expected) / (1 - f.Expected)
	return f, nil
}
