package labeling

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkValidateSpans checks 10,000 spans over a 120 kB text with emoji, which must stay linear.
func BenchmarkValidateSpans(b *testing.B) {
	p, _ := PresetByName("ner")
	cfg, err := ParseConfig(p.Config)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("Ana 😀 met José ", 10000)
	results := make([]Result, 10000)
	for i := range results {
		start, end := float64(i*16), float64(i*16+3) // each repeat is 16 UTF-16 units
		results[i] = Result{ID: strconv.Itoa(i), FromName: "label", ToName: "text", Type: TypeLabels,
			Value: Value{Start: &start, End: &end, Text: "Ana", Labels: []string{"PER"}}}
	}
	task := Task{Data: map[string]any{"text": text}}
	if err := cfg.Validate(results, task); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = cfg.Validate(results, task)
	}
}
