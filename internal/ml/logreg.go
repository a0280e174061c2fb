package ml

import (
	"math"
	"runtime"
	"sync"
)

// csr is a sparse design matrix in compressed-row form.
type csr struct {
	rowPtr []int
	col    []int32
	val    []float64
	cols   int
}

func (m *csr) rows() int { return len(m.rowPtr) - 1 }

// appendRow adds one row with the given column indices and values.
func (m *csr) appendRow(idx []int32, val []float64) {
	if len(m.rowPtr) == 0 {
		m.rowPtr = append(m.rowPtr, 0)
	}
	m.col = append(m.col, idx...)
	m.val = append(m.val, val...)
	m.rowPtr = append(m.rowPtr, len(m.col))
}

// transpose returns the same matrix in compressed-column form (as a csr of
// the transpose), with row indices ascending within each column.
func (m *csr) transpose() *csr {
	n := m.rows()
	t := &csr{rowPtr: make([]int, m.cols+1), col: make([]int32, len(m.col)), val: make([]float64, len(m.val)), cols: n}
	for _, c := range m.col {
		t.rowPtr[c+1]++
	}
	for j := 0; j < m.cols; j++ {
		t.rowPtr[j+1] += t.rowPtr[j]
	}
	next := append([]int(nil), t.rowPtr[:m.cols]...)
	for i := 0; i < n; i++ {
		for p := m.rowPtr[i]; p < m.rowPtr[i+1]; p++ {
			c := m.col[p]
			q := next[c]
			next[c]++
			t.col[q] = int32(i)
			t.val[q] = m.val[p]
		}
	}
	return t
}

// lrConfig holds the settings of one logistic regression fit.
type lrConfig struct {
	sigmoid bool    // independent binary outputs (one-vs-rest) instead of softmax
	l2      float64 // L2 penalty on weights (not biases), per example
	maxIter int
	tol     float64
}

// linear is a trained linear scorer: scores = B + xᵀW, with W stored
// feature-major (W[j*K+k]).
type linear struct {
	K, D int
	W    []float64
	B    []float64
}

// chunkRows is the fixed number of rows per parallel chunk; it is a
// constant so that summation order, and so the result, does not depend on
// the number of CPUs.
const chunkRows = 512

// parallel runs fn(c) for c in [0, n) on up to GOMAXPROCS goroutines.
func parallel(n int, fn func(c int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for c := 0; c < n; c++ {
			fn(c)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= n {
					return
				}
				fn(c)
			}
		}()
	}
	wg.Wait()
}

// trainLinear fits a logistic regression with K outputs on X. Y holds the
// n×K targets (one-hot rows for softmax, 0/1 per output for sigmoid).
func trainLinear(X *csr, Y []float64, K int, cfg lrConfig) (*linear, int) {
	n, D := X.rows(), X.cols
	XT := X.transpose()
	S := make([]float64, n*K) // scores, then residuals
	nChunks := (n + chunkRows - 1) / chunkRows
	partLoss := make([]float64, nChunks)
	invN := 1 / float64(n)

	f := func(theta, grad []float64) float64 {
		W, B := theta[:D*K], theta[D*K:]
		parallel(nChunks, func(c int) {
			lo, hi := c*chunkRows, min((c+1)*chunkRows, n)
			var loss float64
			for i := lo; i < hi; i++ {
				s := S[i*K : (i+1)*K]
				copy(s, B)
				for p := X.rowPtr[i]; p < X.rowPtr[i+1]; p++ {
					w := W[int(X.col[p])*K : int(X.col[p])*K+K]
					v := X.val[p]
					for k := range s {
						s[k] += v * w[k]
					}
				}
				y := Y[i*K : (i+1)*K]
				if cfg.sigmoid {
					for k, z := range s {
						// log(1+e^z) - y z, computed stably.
						loss += softplus(z) - y[k]*z
						s[k] = sigmoid(z) - y[k]
					}
				} else {
					mx := s[0]
					for _, z := range s[1:] {
						mx = math.Max(mx, z)
					}
					var sum float64
					for _, z := range s {
						sum += math.Exp(z - mx)
					}
					lse := mx + math.Log(sum)
					for k, z := range s {
						loss -= y[k] * (z - lse)
						s[k] = math.Exp(z-lse) - y[k]
					}
				}
			}
			partLoss[c] = loss
		})
		var loss, reg float64
		for _, l := range partLoss {
			loss += l
		}
		gW, gB := grad[:D*K], grad[D*K:]
		colChunks := (D + chunkRows - 1) / chunkRows
		regPart := make([]float64, colChunks)
		parallel(colChunks, func(c int) {
			lo, hi := c*chunkRows, min((c+1)*chunkRows, D)
			var r float64
			for j := lo; j < hi; j++ {
				g := gW[j*K : (j+1)*K]
				w := W[j*K : (j+1)*K]
				for k := range g {
					g[k] = cfg.l2 * w[k]
					r += w[k] * w[k]
				}
				for p := XT.rowPtr[j]; p < XT.rowPtr[j+1]; p++ {
					v := XT.val[p] * invN
					res := S[int(XT.col[p])*K : int(XT.col[p])*K+K]
					for k := range g {
						g[k] += v * res[k]
					}
				}
			}
			regPart[c] = r
		})
		for _, r := range regPart {
			reg += r
		}
		for k := range gB {
			gB[k] = 0
		}
		for i := 0; i < n; i++ {
			for k := 0; k < K; k++ {
				gB[k] += S[i*K+k] * invN
			}
		}
		return loss*invN + 0.5*cfg.l2*reg
	}
	theta := make([]float64, D*K+K)
	_, iters := lbfgs(f, theta, 10, cfg.maxIter, cfg.tol)
	return &linear{K: K, D: D, W: theta[:D*K], B: theta[D*K:]}, iters
}

// outputs turns raw scores into probabilities in place.
func outputs(s []float64, sig bool) {
	if sig {
		for k, z := range s {
			s[k] = sigmoid(z)
		}
		return
	}
	softmax(s)
}

func softmax(s []float64) {
	mx := math.Inf(-1)
	for _, z := range s {
		mx = math.Max(mx, z)
	}
	var sum float64
	for k, z := range s {
		s[k] = math.Exp(z - mx)
		sum += s[k]
	}
	for k := range s {
		s[k] /= sum
	}
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	if z < -30 {
		return math.Exp(z)
	}
	return math.Log1p(math.Exp(z))
}
