package agreement

import (
	"math"
	"math/rand/v2"
	"slices"
)

// KappaSE returns the large-sample standard error of Cohen's κ (weighted as
// w) of a square confusion table, by the non-null variance of Fleiss, Cohen
// & Everitt (1969) in the form of Gwet (2014) that irrCAC's kappa2.table
// computes:
//
//	var = [Σ p_kl (w_kl − (1−κ)(w̄_k + w̄_l))² − (p_o − 2(1−κ)p_e)²] / (n (1−p_e)²)
//
// with w̄_k = Σ_l w_kl p_.l and w̄_l = Σ_k w_kl p_k. It returns NaN and the
// error of [Kappa] where κ is undefined.
func KappaSE(table [][]int, w Weighting) (float64, error) {
	kappa, err := Kappa(table, w)
	if err != nil {
		return math.NaN(), err
	}
	k := len(table)
	var n float64
	rows, cols := make([]float64, k), make([]float64, k)
	for i, row := range table {
		for j, t := range row {
			rows[i] += float64(t)
			cols[j] += float64(t)
			n += float64(t)
		}
	}
	var po, pe float64
	wRow, wCol := make([]float64, k), make([]float64, k)
	for i := range k {
		for j := range k {
			wij := w.weight(i, j, k)
			po += wij * float64(table[i][j]) / n
			pe += wij * rows[i] * cols[j] / (n * n)
			wRow[i] += wij * cols[j] / n
			wCol[j] += wij * rows[i] / n
		}
	}
	var s float64
	for i := range k {
		for j := range k {
			d := w.weight(i, j, k) - (1-kappa)*(wRow[i]+wCol[j])
			s += float64(table[i][j]) / n * d * d
		}
	}
	c := po - 2*(1-kappa)*pe
	v := (s - c*c) / (n * (1 - pe) * (1 - pe))
	return math.Sqrt(max(v, 0)), nil
}

// FleissKappaSE returns the standard error of Fleiss' κ over the units with
// at least two ratings, by Gwet's (2014) linearisation as irrCAC's
// fleiss.kappa.raw computes it (unweighted):
//
//	var = Σ_u (κ*_u − κ)² / (n (n − 1)),  κ*_u = (p_u − p_e)/(1 − p_e) − 2(1 − κ)(p_e,u − p_e)/(1 − p_e)
//
// where p_u is unit u's share of agreeing pairs, π_k the mean over units of
// each unit's share of category k, p_e = Σ π_k² and p_e,u = Σ_k r_uk π_k / r_u.
// With a constant number of ratings per unit its κ is the one of [FleissKappa].
func FleissKappaSE(r *Ratings) (float64, error) {
	var counts [][]int
	for u := range r.Units() {
		if r.UnitLen(u) < 2 {
			continue
		}
		row := make([]int, r.categories)
		for _, c := range r.category[r.start[u]:r.start[u+1]] {
			row[c]++
		}
		counts = append(counts, row)
	}
	return FleissKappaCountsSE(counts)
}

// FleissKappaCountsSE is [FleissKappaSE] from a table of counts per unit and category.
func FleissKappaCountsSE(counts [][]int) (float64, error) {
	var units [][]int
	for _, row := range counts {
		m := 0
		for _, x := range row {
			m += x
		}
		if m >= 2 {
			units = append(units, row)
		}
	}
	n := float64(len(units))
	if len(units) < 2 {
		return math.NaN(), ErrNoData
	}
	q := len(units[0])
	pi := make([]float64, q)
	pu := make([]float64, len(units))
	ru := make([]float64, len(units))
	var pa float64
	for u, row := range units {
		var agree int
		for _, x := range row {
			ru[u] += float64(x)
			agree += x * (x - 1)
		}
		pu[u] = float64(agree) / (ru[u] * (ru[u] - 1))
		pa += pu[u] / n
		for k, x := range row {
			pi[k] += float64(x) / ru[u] / n
		}
	}
	var pe float64
	for _, p := range pi {
		pe += p * p
	}
	if pe >= 1 {
		return math.NaN(), ErrUndefined
	}
	kappa := (pa - pe) / (1 - pe)
	var v float64
	for u, row := range units {
		var peu float64
		for k, x := range row {
			peu += float64(x) * pi[k] / ru[u]
		}
		x := (pu[u]-pe)/(1-pe) - 2*(1-kappa)*(peu-pe)/(1-pe)
		v += (x - kappa) * (x - kappa)
	}
	return math.Sqrt(v / (n * (n - 1))), nil
}

// ConfidenceInterval is a confidence interval with how it was made.
type ConfidenceInterval struct {
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
	Level   float64 `json:"level"`   // e.g. 0.95
	Samples int     `json:"samples"` // bootstrap samples drawn
	Seed    uint64  `json:"seed"`    // the random seed: the same data and seed give the same interval
}

// maxDraws is the practical cap on the pairs drawn per bootstrap sample.
const maxDraws = 10000

// BootstrapOptions tune [BootstrapAlpha]; the zero value gives 2,000 samples,
// a 95 % interval and seed 1.
type BootstrapOptions struct {
	Samples int
	Level   float64
	Seed    uint64
}

func (o BootstrapOptions) withDefaults() BootstrapOptions {
	if o.Samples <= 0 {
		o.Samples = 2000
	}
	if o.Level <= 0 || o.Level >= 1 {
		o.Level = 0.95
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// BootstrapAlpha returns a confidence interval for Krippendorff's α of r at
// the given level by Krippendorff's own algorithm ("Algorithm for
// bootstrapping a distribution of α", 2006, revised 2011; as in Hayes's
// KALPHA macro): each sample draws M pairs of values from the observed
// coincidences (a pair c ≤ k with probability o_ck/n on the diagonal and
// 2o_ck/n off it), M = min(25q, (m−1)n/2, 10 000) for q non-empty cells and m coders,
// and gives α* = 1 − Σδ²/(M·D_e) with D_e of the data, floored at −1; the
// samples expected to show no variation at all count as 0 rather than 1.
// The interval runs between the (1−level)/2 and (1+level)/2 quantiles. It is
// reproducible: the same ratings and options give the same interval.
func BootstrapAlpha(r *Ratings, level Level, opt BootstrapOptions) (ConfidenceInterval, error) {
	co := NewCoincidences(r)
	nc, _ := co.Marginals()
	delta, err := co.differences(level, nc)
	if err != nil {
		return ConfidenceInterval{}, err
	}
	return co.bootstrap(delta, pairingCoders(r), opt)
}

// BootstrapAlphaDistance is [BootstrapAlpha] for [AlphaDistance].
func BootstrapAlphaDistance(r *Ratings, distance func(c, k int) float64, opt BootstrapOptions) (ConfidenceInterval, error) {
	co := NewCoincidences(r)
	delta := make([]float64, co.k*co.k)
	for i := range co.k {
		for j := range co.k {
			if i != j {
				delta[i*co.k+j] = distance(i, j)
			}
		}
	}
	return co.bootstrap(delta, pairingCoders(r), opt)
}

// pairingCoders counts the coders with a rating in a unit of two ratings or more.
func pairingCoders(r *Ratings) int {
	seen := make([]bool, r.coders)
	m := 0
	for u := range r.Units() {
		if r.UnitLen(u) < 2 {
			continue
		}
		for _, c := range r.coder[r.start[u]:r.start[u+1]] {
			if !seen[c] {
				seen[c] = true
				m++
			}
		}
	}
	return m
}

func (co *Coincidences) bootstrap(delta []float64, coders int, opt BootstrapOptions) (ConfidenceInterval, error) {
	opt = opt.withDefaults()
	nc, n := co.Marginals()
	if n < 2 {
		return ConfidenceInterval{}, ErrNoData
	}
	k := co.k
	var de float64
	for i := range k {
		for j := range k {
			de += nc[i] * nc[j] * delta[i*k+j]
		}
	}
	de /= n * (n - 1)
	if de == 0 {
		return ConfidenceInterval{}, ErrUndefined
	}
	var cum, deltas []float64
	var sum float64
	q, diagonal := 0, 0
	var allSame float64 // Σ_c (o_cc/n)^M, below
	for i := range k {
		for j := range k {
			if co.o[i*k+j] > 0 {
				q++
			}
		}
	}
	for i := range k {
		for j := i; j < k; j++ {
			o := co.o[i*k+j]
			if o == 0 {
				continue
			}
			p := 2 * o / n
			if i == j {
				p = o / n
				diagonal++
			}
			sum += p
			cum = append(cum, sum)
			deltas = append(deltas, delta[i*k+j])
		}
	}
	m := int(min(25*float64(q), float64(coders-1)*n/2, maxDraws))
	m = max(m, 1)
	for i := range k {
		allSame += math.Pow(co.o[i*k+i]/n, float64(m))
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	alphas := make([]float64, opt.Samples)
	ones := 0
	for s := range alphas {
		var d float64
		for range m {
			x := rng.Float64() * sum
			i, _ := slices.BinarySearch(cum, x)
			d += deltas[min(i, len(deltas)-1)]
		}
		a := max(1-d/(float64(m)*de), -1)
		if a == 1 && diagonal == 1 {
			a = 0
		}
		if a == 1 {
			ones++
		}
		alphas[s] = a
	}
	// Samples of one value only have α = 1 − 0/0: count as many of them as
	// expected as 0.
	fix := min(int(math.Round(float64(opt.Samples)*allSame)), ones)
	for s := range alphas {
		if fix == 0 {
			break
		}
		if alphas[s] == 1 {
			alphas[s] = 0
			fix--
		}
	}
	slices.Sort(alphas)
	lo := max(int((1-opt.Level)/2*float64(opt.Samples)), 1)
	hi := min(int((1+opt.Level)/2*float64(opt.Samples))+1, opt.Samples)
	return ConfidenceInterval{Low: alphas[lo-1], High: alphas[hi-1], Level: opt.Level, Samples: opt.Samples, Seed: opt.Seed}, nil
}
