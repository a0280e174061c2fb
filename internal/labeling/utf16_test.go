package labeling

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Texts mixes the cases that make UTF-16 offsets differ from runes and bytes.
var utf16Texts = []string{
	"",
	"plain ASCII",
	"café",                         // é as one rune
	"cafe\u0301 au lait",           // e + combining acute: two runes, one glyph
	"東京タワーへ行く",                     // CJK: 3 bytes, 1 unit each
	"I 😀 emoji",                    // outside the BMP: 4 bytes, 2 units
	"👩\u200d👩\u200d👧 family",       // ZWJ sequence: 3 emoji and 2 joiners, 8 units
	"🇫🇷 flag",                      // two regional indicators, 4 units
	"𝔘𝔫𝔦𝔠𝔬𝔡𝔢",                      // mathematical letters, all outside the BMP
	"a\xffb",                       // invalid UTF-8 counts as one U+FFFD
	"ok👍🏽 and \u0928\u093f done 😀", // skin tone modifier, Devanagari with a vowel sign
}

func TestUTF16Len(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"café", 4},
		{"cafe\u0301", 5},
		{"東京", 2},
		{"😀", 2},
		{"👩\u200d👩\u200d👧", 8},
		{"🇫🇷", 4},
		{"a\xffb", 3},
	} {
		if got := UTF16Len(tc.s); got != tc.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
	for _, s := range utf16Texts {
		if got, want := UTF16Len(s), len(utf16.Encode([]rune(s))); got != want {
			t.Errorf("UTF16Len(%q) = %d, unicode/utf16 says %d", s, got, want)
		}
	}
}

func TestUTF16Slice(t *testing.T) {
	for _, tc := range []struct {
		s          string
		start, end int
		want       string
		err        string // a substring of the error, or "" for none
	}{
		{"hello world", 6, 11, "world", ""},
		{"hello", 0, 0, "", ""},
		{"hello", 5, 5, "", ""},
		{"I 😀 emoji", 2, 4, "😀", ""},
		{"I 😀 emoji", 5, 10, "emoji", ""},
		{"I 😀 emoji", 3, 5, "", "splits the surrogate pair of U+1F600"},
		{"I 😀 emoji", 2, 3, "", "splits the surrogate pair"},
		{"cafe\u0301 au lait", 0, 5, "cafe\u0301", ""},
		{"cafe\u0301 au lait", 0, 4, "cafe", ""}, // a combining mark is its own code unit
		{"東京タワーへ行く", 2, 5, "タワー", ""},
		{"👩\u200d👩\u200d👧 family", 0, 8, "👩\u200d👩\u200d👧", ""},
		{"👩\u200d👩\u200d👧 family", 3, 5, "👩", ""},
		{"👩\u200d👩\u200d👧 family", 9, 15, "family", ""},
		{"abc", 0, 4, "", "past the end of the text (length 3)"},
		{"abc", -1, 2, "", "negative"},
		{"abc", 2, 1, "", "start 2 is after end 1"},
	} {
		got, err := UTF16Slice(tc.s, tc.start, tc.end)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("UTF16Slice(%q, %d, %d) = %q, %v; want %q", tc.s, tc.start, tc.end, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("UTF16Slice(%q, %d, %d) = %q, %v; want an error with %q", tc.s, tc.start, tc.end, got, err, tc.err)
		}
		x := newUTF16Index(tc.s)
		xgot, xerr := x.slice(tc.start, tc.end)
		if xgot != got || (xerr == nil) != (err == nil) {
			t.Errorf("index slice(%q, %d, %d) = %q, %v; UTF16Slice = %q, %v", tc.s, tc.start, tc.end, xgot, xerr, got, err)
		}
	}
}

func TestUTF16Offsets(t *testing.T) {
	for _, s := range utf16Texts {
		units := utf16.Encode([]rune(s))
		// Every UTF-16 offset either maps to a byte offset whose prefix has that length, or splits a pair.
		for u := 0; u <= len(units); u++ {
			b, err := UTF16ToByteOffset(s, u)
			splits := u > 0 && u < len(units) && utf16.IsSurrogate(rune(units[u])) && units[u] >= 0xdc00
			if splits {
				if err == nil {
					t.Errorf("UTF16ToByteOffset(%q, %d) = %d, want an error (splits a pair)", s, u, b)
				}
				continue
			}
			if err != nil {
				t.Errorf("UTF16ToByteOffset(%q, %d): %v", s, u, err)
				continue
			}
			if got := UTF16Len(s[:b]); got != u {
				t.Errorf("UTF16ToByteOffset(%q, %d) = %d, whose prefix is %d units", s, u, b, got)
			}
			if got := ByteOffsetToUTF16(s, b); got != u {
				t.Errorf("ByteOffsetToUTF16(%q, %d) = %d, want %d", s, b, got, u)
			}
			if got, err := UTF16Slice(s, 0, u); err != nil || got != s[:b] {
				t.Errorf("UTF16Slice(%q, 0, %d) = %q, %v; want %q", s, u, got, err, s[:b])
			}
		}
		if _, err := UTF16ToByteOffset(s, len(units)+1); err == nil {
			t.Errorf("UTF16ToByteOffset(%q, past the end) gave no error", s)
		}
		if _, err := UTF16ToByteOffset(s, -1); err == nil {
			t.Errorf("UTF16ToByteOffset(%q, -1) gave no error", s)
		}
	}
}

func TestByteOffsetToUTF16(t *testing.T) {
	const s = "a😀é東" // bytes: a 0, 😀 1-4, é 5-6, 東 7-9, end 10
	for _, tc := range []struct{ b, want int }{
		{-5, 0}, {0, 0}, {1, 1}, {2, 1}, {4, 1}, {5, 3}, {6, 3}, {7, 4}, {9, 4}, {10, 5}, {99, 5},
	} {
		if got := ByteOffsetToUTF16(s, tc.b); got != tc.want {
			t.Errorf("ByteOffsetToUTF16(%q, %d) = %d, want %d", s, tc.b, got, tc.want)
		}
	}
}
