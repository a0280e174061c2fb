package labeling

import (
	"fmt"
	"unicode/utf8"
)

// Label Studio and browsers measure text offsets in UTF-16 code units: a rune
// outside the Basic Multilingual Plane (most emoji) counts two, every other
// rune one. A byte of invalid UTF-8 counts one, as the U+FFFD it decodes to.

// utf16Units returns how many UTF-16 code units encode r.
func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// UTF16Len returns the length of s in UTF-16 code units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Units(r)
	}
	return n
}

// ByteOffsetToUTF16 returns the UTF-16 offset of a byte offset in s, clamping it into s and rounding one inside a rune down to the rune's start.
func ByteOffsetToUTF16(s string, byteOff int) int {
	n := 0
	for i, r := range s {
		if i >= byteOff {
			break
		}
		if _, size := utf8.DecodeRuneInString(s[i:]); i+size > byteOff {
			break
		}
		n += utf16Units(r)
	}
	return n
}

// UTF16ToByteOffset returns the byte offset in s of a UTF-16 offset, or an error when it is out of range or splits a surrogate pair.
func UTF16ToByteOffset(s string, u int) (int, error) {
	if u < 0 {
		return 0, fmt.Errorf("offset %d is negative", u)
	}
	n := 0
	for i, r := range s {
		if n == u {
			return i, nil
		}
		n += utf16Units(r)
		if n > u {
			return 0, fmt.Errorf("offset %d splits the surrogate pair of %U", u, r)
		}
	}
	if n == u {
		return len(s), nil
	}
	return 0, fmt.Errorf("offset %d is past the end of the text (length %d)", u, n)
}

// UTF16Slice returns s from UTF-16 offset start up to end, or an error when an offset is out of range, splits a surrogate pair, or start > end.
func UTF16Slice(s string, start, end int) (string, error) {
	if start > end {
		return "", fmt.Errorf("start %d is after end %d", start, end)
	}
	b0, err := UTF16ToByteOffset(s, start)
	if err != nil {
		return "", err
	}
	b1, err := UTF16ToByteOffset(s[b0:], end-start)
	if err != nil {
		return "", fmt.Errorf("offset %d: %w", end, err)
	}
	return s[b0 : b0+b1], nil
}

// utf16Index maps UTF-16 offsets of one text to byte offsets, for checking many spans of a long text.
type utf16Index struct {
	text  string
	bytes []int32 // bytes[u] is the byte offset of UTF-16 offset u, or -1 inside a surrogate pair
}

func newUTF16Index(s string) *utf16Index {
	x := &utf16Index{text: s, bytes: make([]int32, 0, len(s)+1)}
	for i, r := range s {
		x.bytes = append(x.bytes, int32(i))
		if utf16Units(r) == 2 {
			x.bytes = append(x.bytes, -1)
		}
	}
	x.bytes = append(x.bytes, int32(len(s)))
	return x
}

// len returns the text's length in UTF-16 code units.
func (x *utf16Index) len() int { return len(x.bytes) - 1 }

// slice is UTF16Slice over the indexed text.
func (x *utf16Index) slice(start, end int) (string, error) {
	if start > end {
		return "", fmt.Errorf("start %d is after end %d", start, end)
	}
	b := [2]int{}
	for i, u := range [2]int{start, end} {
		switch {
		case u < 0:
			return "", fmt.Errorf("offset %d is negative", u)
		case u > x.len():
			return "", fmt.Errorf("offset %d is past the end of the text (length %d)", u, x.len())
		case x.bytes[u] < 0:
			r, _ := utf8.DecodeRuneInString(x.text[x.bytes[u-1]:])
			return "", fmt.Errorf("offset %d splits the surrogate pair of %U", u, r)
		}
		b[i] = int(x.bytes[u])
	}
	return x.text[b[0]:b[1]], nil
}
