package format

import "unicode/utf8"

// utf16Len returns the length of s in UTF-16 code units, as Label Studio
// and browsers count offsets; invalid bytes count as one unit (U+FFFD).
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// utf16Slice returns s[start:end] where start and end count UTF-16 code
// units; ok is false when they are out of range or split a surrogate pair.
func utf16Slice(s string, start, end int) (string, bool) {
	if start < 0 || end < start {
		return "", false
	}
	a, b := -1, -1
	u := 0
	for i, r := range s {
		if u == start {
			a = i
		}
		if u == end {
			b = i
			break
		}
		if u > end {
			return "", false
		}
		if r >= 0x10000 {
			u += 2
		} else {
			u++
		}
	}
	if u == start && a < 0 {
		a = len(s)
	}
	if u == end && b < 0 {
		b = len(s)
	}
	if a < 0 || b < 0 {
		return "", false
	}
	return s[a:b], true
}
