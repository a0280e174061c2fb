package ml

import (
	"fmt"
	"math"
)

// TextExample is one labeled text; Labels holds one label for single choice
// and any number (zero included) for multiple choice.
type TextExample struct {
	Text   string
	Labels []string
}

// TextOptions configures TrainText; zero values select the defaults.
type TextOptions struct {
	// Multi trains one independent binary model per label (one-vs-rest),
	// for choice="multiple"; otherwise one multinomial model.
	Multi bool
	// Bits is the number of hash bits for the feature space (default 18).
	Bits int
	// C is the inverse L2 regularisation strength, as in scikit-learn: the
	// objective is the summed log-loss plus ‖w‖²/(2C) (default 100).
	C float64
	// MaxIter bounds the L-BFGS iterations (default 200).
	MaxIter int
}

func (o TextOptions) withDefaults() TextOptions {
	if o.Bits <= 0 {
		o.Bits = 18
	}
	if o.C <= 0 {
		o.C = 100
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 200
	}
	return o
}

// TextModel classifies texts into labels with hashed word 1–2-gram TF-IDF
// features and logistic regression.
type TextModel struct {
	labels  []string
	multi   bool
	bits    int
	buckets []uint32  // used buckets, ascending
	idf     []float64 // per used bucket
	w       []float64 // per used bucket × label
	b       []float64 // per label
	pos     []int32   // bucket → index into buckets, or -1
	iters   int
}

// TrainText fits a text classifier on examples. Training is full-batch
// L-BFGS from zero weights, so the model depends only on the examples and
// their order, never on timing or CPU count.
func TrainText(examples []TextExample, opts TextOptions) (*TextModel, error) {
	opts = opts.withDefaults()
	if opts.Bits > 26 {
		return nil, fmt.Errorf("ml: text hash bits %d out of range (1..26)", opts.Bits)
	}
	groups := make([][]string, len(examples))
	for i, ex := range examples {
		if !opts.Multi && len(ex.Labels) != 1 {
			return nil, fmt.Errorf("ml: text example %d has %d labels; single choice needs exactly one", i, len(ex.Labels))
		}
		groups[i] = ex.Labels
	}
	labels, index := labelIndex(groups)
	if len(examples) < 2 || (!opts.Multi && len(labels) < 2) || len(labels) == 0 {
		return nil, fmt.Errorf("%w: %d examples, %d distinct labels", ErrNoData, len(examples), len(labels))
	}
	terms := make([][]termCount, len(examples))
	df := make([]int32, 1<<opts.Bits)
	for i, ex := range examples {
		terms[i] = hashTerms(ex.Text, opts.Bits)
		for _, t := range terms[i] {
			df[t.bucket]++
		}
	}
	m := &TextModel{labels: labels, multi: opts.Multi, bits: opts.Bits}
	n := float64(len(examples))
	compact := make([]int32, len(df))
	for b, c := range df {
		compact[b] = -1
		if c > 0 {
			compact[b] = int32(len(m.buckets))
			m.buckets = append(m.buckets, uint32(b))
			m.idf = append(m.idf, math.Log((1+n)/(1+float64(c)))+1)
		}
	}
	K := len(labels)
	X := &csr{cols: len(m.buckets)}
	Y := make([]float64, len(examples)*K)
	for i, ex := range examples {
		idx := make([]int32, len(terms[i]))
		val := make([]float64, len(terms[i]))
		for p, t := range terms[i] {
			idx[p] = compact[t.bucket]
			val[p] = sublinearTF(t.count) * m.idf[idx[p]]
		}
		normalizeL2(val)
		X.appendRow(idx, val)
		for _, l := range ex.Labels {
			Y[i*K+index[l]] = 1
		}
	}
	lin, iters := trainLinear(X, Y, K, lrConfig{sigmoid: opts.Multi, l2: 1 / (opts.C * n), maxIter: opts.MaxIter, tol: 1e-9})
	m.w, m.b, m.iters = lin.W, lin.B, iters
	m.index()
	return m, nil
}

// index builds the bucket lookup table.
func (m *TextModel) index() {
	m.pos = make([]int32, 1<<m.bits)
	for i := range m.pos {
		m.pos[i] = -1
	}
	for i, b := range m.buckets {
		m.pos[b] = int32(i)
	}
}

// Labels returns the model's labels in sorted order.
func (m *TextModel) Labels() []string { return append([]string(nil), m.labels...) }

// Multi reports whether the model is one-vs-rest (multiple choice).
func (m *TextModel) Multi() bool { return m.multi }

// Predict returns every label with its probability, most likely first; for
// a one-vs-rest model each probability is independent of the others.
func (m *TextModel) Predict(text string) []Scored {
	K := len(m.labels)
	s := append([]float64(nil), m.b...)
	terms := hashTerms(text, m.bits)
	idx := make([]int32, 0, len(terms))
	val := make([]float64, 0, len(terms))
	for _, t := range terms {
		if p := m.pos[t.bucket]; p >= 0 {
			idx = append(idx, p)
			val = append(val, sublinearTF(t.count)*m.idf[p])
		}
	}
	normalizeL2(val)
	for q, p := range idx {
		w := m.w[int(p)*K : int(p)*K+K]
		for k := range s {
			s[k] += val[q] * w[k]
		}
	}
	outputs(s, m.multi)
	out := make([]Scored, K)
	for k, l := range m.labels {
		out[k] = Scored{l, s[k]}
	}
	sortScored(out)
	return out
}
