package ml

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// SpanExample is a text with its labeled spans (UTF-16 offsets).
type SpanExample struct {
	Text  string
	Spans []Span
}

// SpanOptions configures TrainSpans; zero values select the defaults.
type SpanOptions struct {
	// Epochs is the number of passes over the examples (default 10).
	Epochs int
	// Seed fixes the order in which examples are visited in each epoch.
	Seed uint64
}

// SpanModel tags text spans with an averaged structured perceptron over
// BIO tags and first-order Viterbi decoding.
type SpanModel struct {
	ts    tagSet
	feats map[uint64]int32 // feature hash → row of w
	w     []float64        // rows × tags
	trans []float64        // (tags+1) × tags; the last row is the start state
}

// TrainSpans fits a span tagger. Texts are split with Tokenize; each token
// that overlaps a span is tagged with it (see Tokenize for the token rules),
// so a span that starts or ends inside a token is widened to whole tokens.
// Overlapping spans keep only the earliest (longest on ties).
func TrainSpans(examples []SpanExample, opts SpanOptions) (*SpanModel, error) {
	if opts.Epochs <= 0 {
		opts.Epochs = 10
	}
	groups := make([][]string, len(examples))
	for i, ex := range examples {
		for _, s := range ex.Spans {
			groups[i] = append(groups[i], s.Label)
		}
	}
	labels, _ := labelIndex(groups)
	if len(examples) == 0 || len(labels) == 0 {
		return nil, fmt.Errorf("%w: %d examples, %d span labels", ErrNoData, len(examples), len(labels))
	}
	m := &SpanModel{ts: newTagSet(labels), feats: map[uint64]int32{}}
	T := m.ts.size()
	m.trans = make([]float64, (T+1)*T)
	type sent struct {
		feats [][]uint64
		gold  []int
	}
	sents := make([]sent, 0, len(examples))
	for i, ex := range examples {
		toks := tokenize(ex.Text)
		tags, err := spansToBIO(toks, ex.Spans, m.ts, UTF16Len(ex.Text))
		if err != nil {
			return nil, fmt.Errorf("ml: span example %d: %w", i, err)
		}
		if len(toks) > 0 {
			sents = append(sents, sent{tokenFeatures(toks), tags})
		}
	}
	var u []float64 // time-weighted updates, for averaging
	uTrans := make([]float64, len(m.trans))
	c := 1.0
	update := func(f uint64, tag int, v float64) {
		r, ok := m.feats[f]
		if !ok {
			r = int32(len(m.w) / T)
			m.feats[f] = r
			m.w = append(m.w, make([]float64, T)...)
			u = append(u, make([]float64, T)...)
		}
		m.w[int(r)*T+tag] += v
		u[int(r)*T+tag] += c * v
	}
	for epoch := 0; epoch < opts.Epochs; epoch++ {
		for _, si := range permutation(len(sents), opts.Seed+uint64(epoch)) {
			s := sents[si]
			pred := m.viterbi(m.emissions(s.feats))
			for i := range pred {
				gp, pp := T, T
				if i > 0 {
					gp, pp = s.gold[i-1], pred[i-1]
				}
				if gp != pp || s.gold[i] != pred[i] {
					m.trans[gp*T+s.gold[i]]++
					uTrans[gp*T+s.gold[i]] += c
					m.trans[pp*T+pred[i]]--
					uTrans[pp*T+pred[i]] -= c
				}
				if s.gold[i] != pred[i] {
					for _, f := range s.feats[i] {
						update(f, s.gold[i], 1)
						update(f, pred[i], -1)
					}
				}
			}
			c++
		}
	}
	for i := range m.w {
		m.w[i] -= u[i] / c
	}
	for i := range m.trans {
		m.trans[i] -= uTrans[i] / c
	}
	return m, nil
}

// Labels returns the span labels in sorted order.
func (m *SpanModel) Labels() []string { return append([]string(nil), m.ts.labels...) }

// Predict returns the spans found in text, in text order, each with a
// confidence: the smallest posterior probability of its tokens' tags when
// the perceptron's scores are read as a linear-chain CRF. It ranks spans
// well but is not a calibrated probability.
func (m *SpanModel) Predict(text string) []ScoredSpan {
	toks := tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	em := m.emissions(tokenFeatures(toks))
	tags := m.viterbi(em)
	marg := m.marginals(em)
	T := m.ts.size()
	spans := bioToSpans(toks, tags, m.ts)
	out := make([]ScoredSpan, len(spans))
	ti := 0
	for k, s := range spans {
		for toks[ti].start != s.Start {
			ti++
		}
		p := 1.0
		for ; ti < len(toks) && toks[ti].end <= s.End; ti++ {
			p = math.Min(p, marg[ti*T+tags[ti]])
		}
		out[k] = ScoredSpan{Span: s, P: p}
	}
	return out
}

// emissions sums each token's feature weights per tag (n × tags).
func (m *SpanModel) emissions(feats [][]uint64) []float64 {
	T := m.ts.size()
	em := make([]float64, len(feats)*T)
	for i, fs := range feats {
		e := em[i*T : (i+1)*T]
		for _, f := range fs {
			if r, ok := m.feats[f]; ok {
				w := m.w[int(r)*T : int(r)*T+T]
				for t := range e {
					e[t] += w[t]
				}
			}
		}
	}
	return em
}

// viterbi returns the best tag sequence under emissions and transitions,
// honouring the BIO constraints; ties go to the lowest tag id.
func (m *SpanModel) viterbi(em []float64) []int {
	T := m.ts.size()
	n := len(em) / T
	delta := make([]float64, n*T)
	back := make([]int, n*T)
	for i := 0; i < n; i++ {
		for t := 0; t < T; t++ {
			best, arg := math.Inf(-1), -1
			if i == 0 {
				if allowed(-1, t) {
					best = m.trans[T*T+t]
				}
			} else {
				for p := 0; p < T; p++ {
					if !allowed(p, t) {
						continue
					}
					if v := delta[(i-1)*T+p] + m.trans[p*T+t]; v > best {
						best, arg = v, p
					}
				}
			}
			delta[i*T+t] = best + em[i*T+t]
			back[i*T+t] = arg
		}
	}
	tags := make([]int, n)
	best := math.Inf(-1)
	for t := 0; t < T; t++ {
		if v := delta[(n-1)*T+t]; v > best {
			best, tags[n-1] = v, t
		}
	}
	for i := n - 1; i > 0; i-- {
		tags[i-1] = back[i*T+tags[i]]
	}
	return tags
}

// marginals runs forward-backward over the same scores as viterbi and
// returns each token's tag posteriors (n × tags).
func (m *SpanModel) marginals(em []float64) []float64 {
	T := m.ts.size()
	n := len(em) / T
	alpha := make([]float64, n*T)
	beta := make([]float64, n*T)
	buf := make([]float64, T)
	for i := 0; i < n; i++ {
		for t := 0; t < T; t++ {
			buf = buf[:0]
			if i == 0 {
				if allowed(-1, t) {
					buf = append(buf, m.trans[T*T+t])
				}
			} else {
				for p := 0; p < T; p++ {
					if allowed(p, t) {
						buf = append(buf, alpha[(i-1)*T+p]+m.trans[p*T+t])
					}
				}
			}
			alpha[i*T+t] = logSumExp(buf) + em[i*T+t]
		}
	}
	for i := n - 2; i >= 0; i-- {
		for p := 0; p < T; p++ {
			buf = buf[:0]
			for t := 0; t < T; t++ {
				if allowed(p, t) {
					buf = append(buf, m.trans[p*T+t]+em[(i+1)*T+t]+beta[(i+1)*T+t])
				}
			}
			beta[i*T+p] = logSumExp(buf)
		}
	}
	z := logSumExp(alpha[(n-1)*T:])
	out := make([]float64, n*T)
	for i := range out {
		out[i] = math.Exp(alpha[i] + beta[i] - z)
	}
	return out
}

func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = math.Max(mx, x)
	}
	if math.IsInf(mx, -1) {
		return mx
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}

// tokenFeatures hashes each token's features: the lowercased word, its
// shape, prefixes and suffixes of 1–3 runes, orthographic flags, and the
// words and shapes of the neighbours within two tokens.
func tokenFeatures(toks []token) [][]uint64 {
	n := len(toks)
	lower := make([]string, n)
	shapes := make([]string, n)
	for i, t := range toks {
		lower[i] = strings.ToLower(t.text)
		shapes[i] = wordShape(t.text)
	}
	word := func(i int) string {
		if i < 0 {
			return "<s>"
		}
		if i >= n {
			return "</s>"
		}
		return lower[i]
	}
	shape := func(i int) string {
		if i < 0 || i >= n {
			return "<b>"
		}
		return shapes[i]
	}
	out := make([][]uint64, n)
	for i, t := range toks {
		h := func(parts ...string) uint64 {
			x := uint64(fnvOffset)
			for _, p := range parts {
				x = fnvAdd(x, p)
			}
			return x
		}
		rs := []rune(lower[i])
		fs := []uint64{h("bias"), h("w", lower[i]), h("s", shapes[i])}
		for k := 1; k <= 3 && k <= len(rs); k++ {
			fs = append(fs, h("p", string(rs[:k])), h("x", string(rs[len(rs)-k:])))
		}
		for _, flag := range orthoFlags(t.text, i) {
			fs = append(fs, h("f", flag))
		}
		fs = append(fs,
			h("w-1", word(i-1)), h("w+1", word(i+1)), h("w-2", word(i-2)), h("w+2", word(i+2)),
			h("s-1", shape(i-1)), h("s+1", shape(i+1)),
			h("w-1w", word(i-1), lower[i]), h("ww+1", lower[i], word(i+1)),
			h("s-1s", shape(i-1), shapes[i]), h("ss+1", shapes[i], shape(i+1)),
			h("w-1s", word(i-1), shapes[i]), h("sw+1", shapes[i], word(i+1)),
		)
		if len(rs) > 4 {
			fs = append(fs, h("x4", string(rs[len(rs)-4:])), h("p4", string(rs[:4])))
		}
		if core := strings.TrimLeft(lower[i], "@#"); core != lower[i] {
			fs = append(fs, h("w", core))
		}
		out[i] = fs
	}
	return out
}

// wordShape maps upper-case letters to X, lower-case to x and digits to d,
// keeps other runes, and collapses runs of the same class longer than two.
func wordShape(w string) string {
	var b strings.Builder
	var last rune
	run := 0
	for _, r := range w {
		c := r
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLower(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		case unicode.IsLetter(r):
			c = 'l'
		}
		if c == last {
			run++
		} else {
			last, run = c, 1
		}
		if run <= 2 {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// orthoFlags returns named boolean features of a token that hold.
func orthoFlags(w string, pos int) []string {
	var f []string
	rs := []rune(w)
	if pos == 0 {
		f = append(f, "first")
	}
	if len(rs) > 0 && unicode.IsUpper(rs[0]) {
		f = append(f, "title")
		if pos > 0 {
			f = append(f, "title-inner")
		}
	}
	if strings.ToUpper(w) == w && strings.ToLower(w) != w {
		f = append(f, "upper")
	}
	if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		f = append(f, "digit")
	}
	switch {
	case strings.HasPrefix(w, "@"):
		f = append(f, "mention")
	case strings.HasPrefix(w, "#"):
		f = append(f, "hashtag")
	case strings.HasPrefix(strings.ToLower(w), "http") || strings.HasPrefix(strings.ToLower(w), "www."):
		f = append(f, "url")
	}
	if len(rs) == 1 {
		f = append(f, "single")
	}
	return f
}
