package ml

import (
	"fmt"
	"math"
)

// denseModel is multinomial logistic regression on standardised dense
// feature vectors, shared by the image and audio classifiers.
type denseModel struct {
	Labels []string
	Mean   []float64
	Std    []float64
	W      []float64 // feature-major, len(Mean) × len(Labels)
	B      []float64
}

// trainDense fits a denseModel on feature vectors and their labels with
// inverse regularisation strength C (summed log-loss plus ‖w‖²/(2C)).
func trainDense(feats [][]float64, labels []string, C float64, maxIter int) (*denseModel, error) {
	if len(feats) != len(labels) {
		return nil, fmt.Errorf("ml: %d feature vectors for %d labels", len(feats), len(labels))
	}
	names, index := labelIndex([][]string{labels})
	if len(feats) < 2 || len(names) < 2 {
		return nil, fmt.Errorf("%w: %d examples, %d distinct labels", ErrNoData, len(feats), len(names))
	}
	D := len(feats[0])
	m := &denseModel{Labels: names, Mean: make([]float64, D), Std: make([]float64, D)}
	n := float64(len(feats))
	for _, f := range feats {
		if len(f) != D {
			return nil, fmt.Errorf("ml: feature vectors of lengths %d and %d", D, len(f))
		}
		for j, v := range f {
			m.Mean[j] += v / n
		}
	}
	for _, f := range feats {
		for j, v := range f {
			d := v - m.Mean[j]
			m.Std[j] += d * d / n
		}
	}
	// Floor each deviation at a hundredth of the typical one, so that a
	// feature seen non-zero in only a few examples cannot blow up later.
	var typical float64
	for j := range m.Std {
		typical += m.Std[j] / float64(D)
		m.Std[j] = math.Sqrt(m.Std[j])
	}
	floor := math.Max(0.01*math.Sqrt(typical), 1e-9)
	for j := range m.Std {
		m.Std[j] = math.Max(m.Std[j], floor)
	}
	K := len(names)
	X := &csr{cols: D}
	idx := make([]int32, D)
	for j := range idx {
		idx[j] = int32(j)
	}
	Y := make([]float64, len(feats)*K)
	for i, f := range feats {
		X.appendRow(idx, m.standardise(f))
		Y[i*K+index[labels[i]]] = 1
	}
	lin, _ := trainLinear(X, Y, K, lrConfig{l2: 1 / (C * n), maxIter: maxIter, tol: 1e-9})
	m.W, m.B = lin.W, lin.B
	return m, nil
}

// standardise returns (f − mean) / std, clipped to ±maxZ.
func (m *denseModel) standardise(f []float64) []float64 {
	out := make([]float64, len(f))
	for j, v := range f {
		out[j] = math.Max(-maxZ, math.Min(maxZ, (v-m.Mean[j])/m.Std[j]))
	}
	return out
}

// maxZ bounds standardised feature values.
const maxZ = 8

// predict returns every label's probability, most likely first.
func (m *denseModel) predict(f []float64) []Scored {
	K := len(m.Labels)
	s := append([]float64(nil), m.B...)
	for j, v := range m.standardise(f) {
		w := m.W[j*K : (j+1)*K]
		for k := range s {
			s[k] += v * w[k]
		}
	}
	softmax(s)
	out := make([]Scored, K)
	for k, l := range m.Labels {
		out[k] = Scored{l, s[k]}
	}
	sortScored(out)
	return out
}
