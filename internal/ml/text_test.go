package ml

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func evalText(m *TextModel, test []TextExample) (Report, float64, float64) {
	var gold, pred []string
	var scores [][]Scored
	for _, ex := range test {
		s := m.Predict(ex.Text)
		scores = append(scores, s)
		gold = append(gold, ex.Labels[0])
		pred = append(pred, s[0].Label)
	}
	return Evaluate(gold, pred), ECE(scores, gold, 10), Brier(scores, gold)
}

// TestTextSMS trains on the documented SMS split (deduplicated texts,
// Split(n, 0.2, seed 1)) and checks macro-F1 on the held-out 20%.
func TestTextSMS(t *testing.T) {
	train, test := smsSplit(t)
	m, err := TrainText(train, TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, ece, brier := evalText(m, test)
	t.Logf("SMS: train %d, test %d, %d L-BFGS iterations; accuracy %.4f, macro-F1 %.4f, ECE %.4f, Brier %.4f",
		len(train), len(test), m.iters, r.Accuracy, r.MacroF1, ece, brier)
	if r.MacroF1 < 0.93 {
		t.Errorf("SMS macro-F1 %.4f < 0.93", r.MacroF1)
	}
	if ece > 0.05 {
		t.Errorf("SMS ECE %.4f > 0.05", ece)
	}
}

// TestTextSMSSmall checks a quality floor when only 500 examples are labeled.
func TestTextSMSSmall(t *testing.T) {
	train, test := smsSplit(t)
	m, err := TrainText(train[:500], TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, _, _ := evalText(m, test)
	t.Logf("SMS, 500 training texts: macro-F1 %.4f", r.MacroF1)
	if r.MacroF1 < 0.85 {
		t.Errorf("macro-F1 %.4f < 0.85", r.MacroF1)
	}
}

func TestTextDeterministic(t *testing.T) {
	train, test := smsSplit(t)
	a, err := TrainText(train[:800], TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1) // a different CPU count must not change the model
	b, _ := TrainText(train[:800], TextOptions{})
	runtime.GOMAXPROCS(prev)
	for _, ex := range test[:200] {
		if pa, pb := a.Predict(ex.Text), b.Predict(ex.Text); !slices.Equal(pa, pb) {
			t.Fatalf("predictions differ for %q: %v vs %v", ex.Text, pa, pb)
		}
	}
}

// synthMulti makes multi-label texts: each of three topics is present with
// probability 0.4 and contributes its own words.
func synthMulti(n int, seed uint64) []TextExample {
	rng := rand.New(rand.NewPCG(seed, 1))
	vocab := map[string][]string{
		"sport":    {"goal", "match", "team", "league", "coach"},
		"politics": {"vote", "minister", "election", "party", "law"},
		"tech":     {"software", "chip", "phone", "app", "cloud"},
	}
	filler := []string{"the", "a", "today", "news", "people", "said", "new", "big"}
	var out []TextExample
	for i := 0; i < n; i++ {
		var words, labels []string
		for _, l := range []string{"politics", "sport", "tech"} {
			if rng.Float64() < 0.4 {
				labels = append(labels, l)
				for j := 0; j < 2; j++ {
					words = append(words, vocab[l][rng.IntN(5)])
				}
			}
		}
		for j := 0; j < 5; j++ {
			words = append(words, filler[rng.IntN(len(filler))])
		}
		rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		out = append(out, TextExample{Text: strings.Join(words, " "), Labels: labels})
	}
	return out
}

func TestTextMulti(t *testing.T) {
	train, test := synthMulti(600, 1), synthMulti(200, 2)
	m, err := TrainText(train, TextOptions{Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Multi() || !slices.Equal(m.Labels(), []string{"politics", "sport", "tech"}) {
		t.Fatalf("labels %v multi %v", m.Labels(), m.Multi())
	}
	exact := 0
	for _, ex := range test {
		var got []string
		for _, s := range m.Predict(ex.Text) {
			if s.P >= 0.5 {
				got = append(got, s.Label)
			}
		}
		slices.Sort(got)
		if slices.Equal(got, ex.Labels) {
			exact++
		}
	}
	if acc := float64(exact) / float64(len(test)); acc < 0.95 {
		t.Errorf("multi-label exact match %.3f < 0.95", acc)
	}
}

func TestTextErrors(t *testing.T) {
	if _, err := TrainText([]TextExample{{"a", []string{"x"}}, {"b", []string{"x"}}}, TextOptions{}); err == nil {
		t.Error("one label: want error")
	}
	if _, err := TrainText([]TextExample{{"a", []string{"x", "y"}}, {"b", []string{"x"}}}, TextOptions{}); err == nil {
		t.Error("two labels on single choice: want error")
	}
}

func TestTextTokens(t *testing.T) {
	got := textTokens("Don't WIN £1000!! Café naïve 😀ok")
	want := []string{"don't", "win", "£", "1000", "!", "!", "café", "naïve", "😀", "ok"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens %q, want %q", got, want)
	}
}

// BenchmarkTrainText100k trains on 100,000 texts resampled from the SMS
// training split (each with a random numbered token so texts differ).
func BenchmarkTrainText100k(b *testing.B) {
	train, _ := smsSplit(b)
	rng := rand.New(rand.NewPCG(3, 3))
	data := make([]TextExample, 100000)
	for i := range data {
		ex := train[rng.IntN(len(train))]
		data[i] = TextExample{Text: fmt.Sprintf("%s w%d", ex.Text, rng.IntN(5000)), Labels: ex.Labels}
	}
	b.ResetTimer()
	for b.Loop() {
		m, err := TrainText(data, TextOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.iters), "iters")
	}
}
