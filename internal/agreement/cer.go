package agreement

import (
	"errors"
	"math"
	"unicode/utf8"
)

// ErrEmptyReference reports a character error rate against an empty
// reference with a non-empty hypothesis, which has no finite value.
var ErrEmptyReference = errors.New("agreement: character error rate: empty reference")

// CER returns the character error rate of hypothesis against reference: the
// Levenshtein distance over runes divided by the number of runes in the
// reference. It is 0 for two empty strings, and NaN with [ErrEmptyReference] when only
// the reference is empty. Strings are compared as given: normalise case,
// whitespace or Unicode form first if they should not count.
func CER(reference, hypothesis string) (float64, error) {
	n := utf8.RuneCountInString(reference)
	d := Levenshtein(reference, hypothesis)
	if n == 0 {
		if d == 0 {
			return 0, nil
		}
		return math.NaN(), ErrEmptyReference
	}
	return float64(d) / float64(n), nil
}

// Levenshtein returns the number of rune insertions, deletions and
// substitutions that turn a into b, in O(len(a)·len(b)) time and
// O(min(len(a), len(b))) memory.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i, x := range ra {
		diag := row[0] // distance of ra[:i], rb[:j-1]
		row[0] = i + 1
		for j, y := range rb {
			cost := 1
			if x == y {
				cost = 0
			}
			next := min(row[j+1]+1, row[j]+1, diag+cost)
			diag = row[j+1]
			row[j+1] = next
		}
	}
	return row[len(rb)]
}

// SymmetricCER is the character error rate normalised by the longer of the
// two strings: the Levenshtein distance over runes divided by the larger rune
// count, 0 for two empty strings. Unlike [CER] it does not depend on which
// string is the reference, and it lies in [0, 1].
func SymmetricCER(a, b string) float64 {
	n := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if n == 0 {
		return 0
	}
	return float64(Levenshtein(a, b)) / float64(n)
}
