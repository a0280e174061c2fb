package agreement

import (
	"errors"
	"math"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"Straße", "Strasse", 2}, // runes, not bytes: ß → s, insert s
		{"日本語", "日本", 1},
	} {
		if got := Levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Levenshtein(tc.b, tc.a); got != tc.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestCER(t *testing.T) {
	if got, err := CER("kitten", "sitting"); err != nil || math.Abs(got-0.5) > 1e-15 {
		t.Errorf("CER = %v, %v; want 0.5", got, err)
	}
	if got, err := CER("日本語", "日本"); err != nil || math.Abs(got-1.0/3) > 1e-15 {
		t.Errorf("CER = %v, %v; want 1/3", got, err)
	}
	if got, err := CER("", ""); err != nil || got != 0 {
		t.Errorf("CER of empty strings = %v, %v; want 0", got, err)
	}
	if got, err := CER("", "x"); !errors.Is(err, ErrEmptyReference) || !math.IsNaN(got) {
		t.Errorf("CER against an empty reference = %v, %v", got, err)
	}
}
