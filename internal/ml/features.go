package ml

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// textTokens splits s into lowercase word tokens for the text classifier: a
// word is a run of letters, digits and combining marks (an apostrophe
// between two such runes stays inside the word); every other rune that is
// not white space (punctuation, currency signs, emoji) is a token of its own.
func textTokens(s string) []string {
	var toks []string
	rs := []rune(strings.ToLower(s))
	isWord := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case isWord(r):
			j := i + 1
			for j < len(rs) && (isWord(rs[j]) || (rs[j] == '\'' || rs[j] == '’') && j+1 < len(rs) && isWord(rs[j+1])) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			toks = append(toks, string(r))
			i++
		}
	}
	return toks
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvAdd folds s into the FNV-1a hash h, followed by a separator byte.
func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	h ^= 0xff
	h *= fnvPrime
	return h
}

// termCount is a hashed feature bucket and how often it occurred.
type termCount struct {
	bucket uint32
	count  int
}

// hashTerms returns the word unigram and bigram buckets of text with their
// counts, sorted by bucket.
func hashTerms(text string, bits int) []termCount {
	toks := textTokens(text)
	mask := uint64(1)<<bits - 1
	bs := make([]uint32, 0, 2*len(toks))
	for i, t := range toks {
		bs = append(bs, uint32(fnvAdd(fnvAdd(fnvOffset, "w"), t)&mask))
		if i > 0 {
			bs = append(bs, uint32(fnvAdd(fnvAdd(fnvAdd(fnvOffset, "b"), toks[i-1]), t)&mask))
		}
	}
	slices.Sort(bs)
	var out []termCount
	for i := 0; i < len(bs); {
		j := i
		for j < len(bs) && bs[j] == bs[i] {
			j++
		}
		out = append(out, termCount{bs[i], j - i})
		i = j
	}
	return out
}

// sublinearTF is 1 + ln(count), the damped term frequency.
func sublinearTF(count int) float64 { return 1 + math.Log(float64(count)) }

// normalizeL2 scales v to unit Euclidean length (zero vectors stay zero).
func normalizeL2(v []float64) {
	var s float64
	for _, x := range v {
		s += x * x
	}
	if s == 0 {
		return
	}
	s = 1 / math.Sqrt(s)
	for i := range v {
		v[i] *= s
	}
}
