package agreement

import (
	"fmt"
	"math"
)

// tiny is the size below which E-step products are scaled up.
const tiny = 0x1p-500

// DawidSkeneOptions tunes [DawidSkene]; the zero value gives the defaults.
type DawidSkeneOptions struct {
	MaxIterations int     // EM rounds at most; default 500
	Tolerance     float64 // stop once no posterior moves by more; default 1e-6
	Smoothing     float64 // pseudo-count added to every prior and confusion cell; default 0.01
}

// DawidSkeneResult is the outcome of [DawidSkene].
type DawidSkeneResult struct {
	// Labels holds the most probable category of each unit (ties to the
	// lowest index), or [Missing] for a unit without ratings.
	Labels []int
	// Priors holds the estimated share of each category.
	Priors []float64
	// Confusion[c][t][g] is the estimated probability that coder c gives
	// category g to a unit whose true category is t; each row sums to 1.
	Confusion [][][]float64
	// LogLikelihood is the log-likelihood of the ratings at the end.
	LogLikelihood float64
	Iterations    int  // EM rounds run
	Converged     bool // whether Tolerance was met within MaxIterations

	k         int
	posterior []float64 // units × k
}

// Posterior returns the estimated probability of each category for unit u,
// the priors for a unit without ratings. The slice must not be modified.
func (d *DawidSkeneResult) Posterior(u int) []float64 {
	return d.posterior[u*d.k : u*d.k+d.k : u*d.k+d.k]
}

// Reliability returns coder c's estimated accuracy, Σ_t prior_t · Confusion[c][t][t].
func (d *DawidSkeneResult) Reliability(c int) float64 {
	var s float64
	for t, p := range d.Priors {
		s += p * d.Confusion[c][t][t]
	}
	return s
}

// DawidSkene estimates true categories and per-coder confusion matrices by
// the EM algorithm of Dawid & Skene (1979), starting from the per-unit vote
// shares. It is deterministic: the same ratings and options give the same
// result. Each round costs O(ratings × categories).
func DawidSkene(r *Ratings, opt DawidSkeneOptions) (*DawidSkeneResult, error) {
	if opt.MaxIterations == 0 {
		opt.MaxIterations = 500
	}
	if opt.Tolerance == 0 {
		opt.Tolerance = 1e-6
	}
	if opt.Smoothing == 0 {
		opt.Smoothing = 0.01
	}
	if opt.MaxIterations < 0 || opt.Tolerance < 0 || opt.Smoothing < 0 {
		return nil, fmt.Errorf("agreement: dawid-skene: negative option")
	}
	k, coders, units := r.categories, r.coders, r.Units()
	post := make([]float64, units*k)
	// Start from each unit's vote shares.
	for u := range units {
		lo, hi := r.start[u], r.start[u+1]
		p := post[u*k : u*k+k]
		for _, c := range r.category[lo:hi] {
			p[c] += 1 / float64(hi-lo)
		}
	}
	res := &DawidSkeneResult{
		Priors:    make([]float64, k),
		Confusion: make([][][]float64, coders),
		k:         k,
		posterior: post,
	}
	// byGiven[(c*k+g)*k+t] holds coder c's counts, then probabilities, of
	// giving g when the truth is t: laid out so that the loops over t, the
	// innermost ones, run over contiguous memory.
	byGiven := make([]float64, coders*k*k)
	rowSum := make([]float64, k)
	buf := make([]float64, k)
	s := opt.Smoothing
	for res.Iterations < opt.MaxIterations {
		res.Iterations++
		// M-step: priors and confusion matrices from the posteriors.
		clear(res.Priors)
		clear(byGiven)
		rated := 0
		for u := range units {
			lo, hi := r.start[u], r.start[u+1]
			if lo == hi {
				continue
			}
			rated++
			p := post[u*k : u*k+k]
			for t, pt := range p {
				res.Priors[t] += pt
			}
			for i := lo; i < hi; i++ {
				base := (int(r.coder[i])*k + int(r.category[i])) * k
				row := byGiven[base : base+k]
				for t, pt := range p {
					row[t] += pt
				}
			}
		}
		if rated == 0 {
			return nil, ErrNoData
		}
		for t := range res.Priors {
			res.Priors[t] = (res.Priors[t] + s) / (float64(rated) + float64(k)*s)
		}
		for c := range coders {
			block := byGiven[c*k*k : (c+1)*k*k]
			clear(rowSum)
			for i, v := range block {
				rowSum[i%k] += v + s
			}
			for i, v := range block {
				block[i] = (v + s) / rowSum[i%k]
			}
		}
		// E-step: posteriors from priors and confusion matrices. Products
		// are rescaled before they can underflow, so no logarithms or
		// exponentials are needed per category.
		var change, ll float64
		for u := range units {
			lo, hi := r.start[u], r.start[u+1]
			copy(buf, res.Priors)
			var scaled float64 // natural log of the factor buf was multiplied by
			for i := lo; i < hi; i++ {
				base := (int(r.coder[i])*k + int(r.category[i])) * k
				row := byGiven[base : base+k]
				var top float64
				for t, v := range row {
					buf[t] *= v
					top = max(top, buf[t])
				}
				if top < tiny {
					for t := range buf {
						buf[t] *= 1 / tiny
					}
					scaled -= math.Log(tiny)
				}
			}
			var z float64
			for _, v := range buf {
				z += v
			}
			ll += math.Log(z) - scaled
			p := post[u*k : u*k+k]
			for t, v := range buf {
				v /= z
				change = max(change, math.Abs(v-p[t]))
				p[t] = v
			}
		}
		res.LogLikelihood = ll
		if change <= opt.Tolerance {
			res.Converged = true
			break
		}
	}
	for c := range res.Confusion {
		flat := make([]float64, k*k)
		res.Confusion[c] = make([][]float64, k)
		for t := range k {
			row := flat[t*k : t*k+k : t*k+k]
			for g := range row {
				row[g] = byGiven[(c*k+g)*k+t]
			}
			res.Confusion[c][t] = row
		}
	}
	res.Labels = make([]int, units)
	for u := range units {
		if r.start[u] == r.start[u+1] {
			res.Labels[u] = Missing
			continue
		}
		best := 0
		p := post[u*k : u*k+k]
		for t, v := range p {
			if v > p[best] {
				best = t
			}
		}
		res.Labels[u] = best
	}
	return res, nil
}
