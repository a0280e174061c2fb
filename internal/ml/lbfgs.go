package ml

import "math"

// objective evaluates a function at x, writes its gradient into grad and
// returns the value.
type objective func(x, grad []float64) float64

// lbfgs minimises f starting from x (updated in place) with limited-memory
// BFGS (history m) and a backtracking Armijo line search. It stops after
// maxIter iterations, or when the relative decrease of f falls below tol.
// It returns the final value and the number of iterations run.
func lbfgs(f objective, x []float64, m, maxIter int, tol float64) (float64, int) {
	n := len(x)
	g := make([]float64, n)
	fx := f(x, g)
	if n == 0 {
		return fx, 0
	}
	s := make([][]float64, m)
	y := make([][]float64, m)
	rho := make([]float64, m)
	alpha := make([]float64, m)
	for i := range s {
		s[i] = make([]float64, n)
		y[i] = make([]float64, n)
	}
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	hist, head := 0, 0 // number of stored pairs; index of the next slot
	iter := 0
	for ; iter < maxIter; iter++ {
		gnorm := math.Sqrt(dot(g, g))
		if gnorm < 1e-10 {
			break
		}
		// Two-loop recursion: d = -H g.
		copy(d, g)
		for k := 0; k < hist; k++ {
			i := (head - 1 - k + m) % m
			alpha[i] = rho[i] * dot(s[i], d)
			axpy(-alpha[i], y[i], d)
		}
		if hist > 0 {
			i := (head - 1 + m) % m
			gamma := dot(s[i], y[i]) / dot(y[i], y[i])
			scale(gamma, d)
		}
		for k := hist - 1; k >= 0; k-- {
			i := (head - 1 - k + m) % m
			beta := rho[i] * dot(y[i], d)
			axpy(alpha[i]-beta, s[i], d)
		}
		scale(-1, d)
		gd := dot(g, d)
		if gd >= 0 { // not a descent direction: restart from steepest descent
			copy(d, g)
			scale(-1, d)
			gd = -gnorm * gnorm
			hist = 0
		}
		step := 1.0
		if hist == 0 {
			step = 1 / gnorm
		}
		var fNew float64
		accepted := false
		for ls := 0; ls < 40; ls++ {
			for i := range xNew {
				xNew[i] = x[i] + step*d[i]
			}
			fNew = f(xNew, gNew)
			if fNew <= fx+1e-4*step*gd {
				accepted = true
				break
			}
			step *= 0.5
		}
		if !accepted {
			break
		}
		// Store the curvature pair.
		si, yi := s[head], y[head]
		for i := range x {
			si[i] = xNew[i] - x[i]
			yi[i] = gNew[i] - g[i]
		}
		if sy := dot(si, yi); sy > 1e-12 {
			rho[head] = 1 / sy
			head = (head + 1) % m
			if hist < m {
				hist++
			}
		}
		copy(x, xNew)
		copy(g, gNew)
		rel := (fx - fNew) / math.Max(math.Max(math.Abs(fx), math.Abs(fNew)), 1)
		fx = fNew
		if rel < tol {
			iter++
			break
		}
	}
	return fx, iter
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}
