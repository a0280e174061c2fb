package ml

import (
	"unicode"
	"unicode/utf16"
)

// Span is a labeled region of a text in UTF-16 code units (as Label Studio
// and browsers count them), Start inclusive and End exclusive.
type Span struct {
	Start, End int
	Label      string
}

// ScoredSpan is a predicted span with the model's confidence in it.
type ScoredSpan struct {
	Span
	P float64
}

// UTF16Len returns the length of s in UTF-16 code units; invalid UTF-8
// bytes count as one unit each (they decode to U+FFFD).
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16RuneLen(r)
	}
	return n
}

// utf16RuneLen is the number of UTF-16 code units that encode r.
func utf16RuneLen(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1 // invalid runes are replaced by U+FFFD
}

// utf16Offsets returns the runes of s and, for each rune index i, the UTF-16
// offset at which rune i starts; the final entry is the total length.
func utf16Offsets(s string) ([]rune, []int) {
	rs := []rune(s)
	off := make([]int, len(rs)+1)
	for i, r := range rs {
		off[i+1] = off[i] + utf16RuneLen(r)
	}
	return rs, off
}

// token is one word of a text for the span tagger, with its UTF-16 range.
type token struct {
	text       string
	start, end int
}

type runeClass int

const (
	classSpace runeClass = iota
	classWord
	classSymbol
	classPunct
)

func classify(r rune) runeClass {
	switch {
	case unicode.IsSpace(r):
		return classSpace
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.Is(unicode.Pc, r):
		return classWord
	case unicode.Is(unicode.So, r):
		return classSymbol
	default:
		return classPunct
	}
}

// emojiTail reports whether r continues an emoji sequence: variation
// selectors, skin-tone modifiers, keycaps, tags and the zero-width joiner.
func emojiTail(r rune) bool {
	return unicode.IsMark(r) || unicode.Is(unicode.Sk, r) || unicode.Is(unicode.Cf, r)
}

// Tokenize splits text into the tokens the span tagger labels, returning
// each token's UTF-16 [start, end) range. The rules: white space separates;
// a word is a run of letters, digits, marks and underscores, and keeps any
// run of punctuation that sits between two word runes ("don't", "U.S",
// "e-mail", "t.co/x") and a leading '@' or '#' ("@user", "#tag"); an
// emoji or other symbol is a token of its own, with its modifiers and
// zero-width-joined parts; any other punctuation forms one token per run of
// the same rune ("...", "!").
func Tokenize(text string) [][2]int {
	toks := tokenize(text)
	out := make([][2]int, len(toks))
	for i, t := range toks {
		out[i] = [2]int{t.start, t.end}
	}
	return out
}

func tokenize(text string) []token {
	rs, off := utf16Offsets(text)
	var toks []token
	emit := func(i, j int) { toks = append(toks, token{string(rs[i:j]), off[i], off[j]}) }
	n := len(rs)
	for i := 0; i < n; {
		switch c := classify(rs[i]); {
		case c == classSpace:
			i++
		case c == classWord || (rs[i] == '@' || rs[i] == '#') && i+1 < n && classify(rs[i+1]) == classWord:
			j := i + 1
			for j < n {
				if classify(rs[j]) == classWord {
					j++
					continue
				}
				k := j
				for k < n && classify(rs[k]) == classPunct {
					k++
				}
				if k > j && k < n && classify(rs[k]) == classWord {
					j = k
					continue
				}
				break
			}
			emit(i, j)
			i = j
		case c == classSymbol:
			j := i + 1
			for j < n {
				if emojiTail(rs[j]) {
					if rs[j] == '\u200d' && j+1 < n && classify(rs[j+1]) == classSymbol {
						j += 2
					} else {
						j++
					}
					continue
				}
				break
			}
			emit(i, j)
			i = j
		default:
			j := i + 1
			for j < n && rs[j] == rs[i] {
				j++
			}
			emit(i, j)
			i = j
		}
	}
	return toks
}
