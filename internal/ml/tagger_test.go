package ml

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestTokenize(t *testing.T) {
	text := "@paul's (NYC) U.S. e-mail http://t.co/x ...👍🏽👨‍👩‍👧 #tag!?"
	var got []string
	u := utf16.Encode([]rune(text))
	for _, r := range Tokenize(text) {
		got = append(got, string(utf16.Decode(u[r[0]:r[1]])))
	}
	want := []string{"@paul's", "(", "NYC", ")", "U.S", ".", "e-mail", "http://t.co/x", "...", "👍🏽", "👨‍👩‍👧", "#tag", "!", "?"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens %q\nwant %q", got, want)
	}
}

func TestUTF16Len(t *testing.T) {
	for s, n := range map[string]int{"": 0, "abc": 3, "é": 1, "😀": 2, "a😀b": 4, "\xff": 1} {
		if got := UTF16Len(s); got != n {
			t.Errorf("UTF16Len(%q) = %d, want %d", s, got, n)
		}
	}
}

// TestBIORoundTrip converts every WNUT-17 train and dev sentence's spans to token
// tags and back and expects the exact same UTF-16 spans.
func TestBIORoundTrip(t *testing.T) {
	sents := append(loadCoNLL(t, "ner/wnut17_train.conll"), loadCoNLL(t, "ner/wnut17_dev.conll")...)
	labels := []string{"corporation", "creative-work", "group", "location", "person", "product"}
	ts := newTagSet(labels)
	astral := 0
	for _, s := range sents {
		if UTF16Len(s.Text) != len([]rune(s.Text)) {
			astral++
		}
		toks := tokenize(s.Text)
		tags, err := spansToBIO(toks, s.Spans, ts, UTF16Len(s.Text))
		if err != nil {
			t.Fatal(err)
		}
		if got := bioToSpans(toks, tags, ts); !slices.Equal(got, s.Spans) {
			t.Fatalf("%q: spans %v, want %v", s.Text, got, s.Spans)
		}
	}
	if astral == 0 {
		t.Error("expected sentences with characters outside the BMP")
	}
}

// synthSpans makes sentences from templates with city names as "loc" spans
// and emoji (outside the BMP) before and between them.
func synthSpans(n int, seed uint64) []SpanExample {
	rng := rand.New(rand.NewPCG(seed, 2))
	cities := []string{"Paris", "London", "Berlin", "Tokyo", "Madrid", "Rome", "Oslo", "Lima"}
	emoji := []string{"😀", "🎉", "👍🏽", "", "é"}
	templates := []string{"%e I love %c so much", "visit %c %e now", "%e%e %c is nice , %e", "we flew from %c to %c %e", "the weather is nice today %e"}
	var out []SpanExample
	for i := 0; i < n; i++ {
		tpl := templates[rng.IntN(len(templates))]
		var b strings.Builder
		var spans []Span
		for j := 0; j < len(tpl); j++ {
			if tpl[j] == '%' && j+1 < len(tpl) {
				j++
				if tpl[j] == 'c' {
					c := cities[rng.IntN(len(cities))]
					start := UTF16Len(b.String())
					b.WriteString(c)
					spans = append(spans, Span{start, start + UTF16Len(c), "loc"})
				} else {
					b.WriteString(emoji[rng.IntN(len(emoji))])
				}
				continue
			}
			b.WriteByte(tpl[j])
		}
		out = append(out, SpanExample{Text: b.String(), Spans: spans})
	}
	return out
}

func TestSpansOffsets(t *testing.T) {
	m, err := TrainSpans(synthSpans(300, 1), SpanOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	text := "😀😀 Paris is nice , 🎉 visit Rome"
	got := m.Predict(text)
	if len(got) != 2 || got[0].Span != (Span{5, 10, "loc"}) || got[1].Span != (Span{30, 34, "loc"}) {
		t.Fatalf("predicted %+v", got)
	}
	for _, s := range got {
		if s.P <= 0.5 || s.P > 1 {
			t.Errorf("confidence %v out of (0.5, 1]", s.P)
		}
	}
	r := evalSpans(m, synthSpans(100, 2))
	if r.F1 < 0.99 {
		t.Errorf("synthetic entity F1 %.3f < 0.99", r.F1)
	}
}

func evalSpans(m *SpanModel, test []SpanExample) SpanReport {
	var gold, pred [][]Span
	for _, ex := range test {
		gold = append(gold, ex.Spans)
		var p []Span
		for _, s := range m.Predict(ex.Text) {
			p = append(p, s.Span)
		}
		pred = append(pred, p)
	}
	return EvaluateSpans(gold, pred)
}

// TestSpansWNUTSmall trains on the first 1,000 WNUT-17 training sentences
// (5 epochs) and checks an entity-F1 floor on the first 500 dev sentences.
func TestSpansWNUTSmall(t *testing.T) {
	train := loadCoNLL(t, "ner/wnut17_train.conll")[:1000]
	dev := loadCoNLL(t, "ner/wnut17_dev.conll")[:500]
	m, err := TrainSpans(train, SpanOptions{Epochs: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := evalSpans(m, dev)
	t.Logf("WNUT-17 small: P %.3f R %.3f F1 %.3f", r.Precision, r.Recall, r.F1)
	if r.F1 < 0.10 {
		t.Errorf("entity F1 %.3f < 0.10", r.F1)
	}
}

// TestSpansWNUT trains on all of wnut17_train.conll and reports entity-level
// F1 (exact span and label) on wnut17_dev.conll.
func TestSpansWNUT(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("full WNUT-17 training: skipped with -short and -race")
	}
	train := loadCoNLL(t, "ner/wnut17_train.conll")
	dev := loadCoNLL(t, "ner/wnut17_dev.conll")
	m, err := TrainSpans(train, SpanOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := evalSpans(m, dev)
	t.Logf("WNUT-17 dev: %d sentences; P %.3f R %.3f F1 %.3f", len(dev), r.Precision, r.Recall, r.F1)
	for _, l := range r.PerLabel {
		t.Logf("  %-14s P %.3f R %.3f F1 %.3f support %d", l.Label, l.Precision, l.Recall, l.F1, l.Support)
	}
	if r.F1 < 0.15 {
		t.Errorf("entity F1 %.3f < 0.15", r.F1)
	}
}
