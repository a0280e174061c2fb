package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// The patterns redaction looks for. They are ASCII-only, so a match is as
// many UTF-16 code units as bytes, and masking it with as many ASCII
// characters keeps every span offset of the task valid.
var (
	cardPattern  = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	phonePattern = regexp.MustCompile(`(?:\+\d{1,3}[ .-]?|\b)(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}\b`)
)

// Redact masks e-mail addresses, phone numbers and card numbers (digit runs
// of 13–19 that pass the Luhn check) in s with [EMAIL], [PHONE] and [CARD],
// padded with '*' to the length of what they replace (all '*' when the tag is
// longer), so that the text keeps its length and span offsets stay right.
func Redact(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	s = cardPattern.ReplaceAllStringFunc(s, func(m string) string {
		if !luhn(m) {
			return m
		}
		return mask(m, "[CARD]")
	})
	s = emailPattern.ReplaceAllStringFunc(s, func(m string) string { return mask(m, "[EMAIL]") })
	return phonePattern.ReplaceAllStringFunc(s, func(m string) string { return mask(m, "[PHONE]") })
}

func mask(m, tag string) string {
	if len(m) < len(tag) {
		return strings.Repeat("*", len(m))
	}
	return tag + strings.Repeat("*", len(m)-len(tag))
}

// luhn reports whether the digits of s pass the Luhn checksum.
func luhn(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && n <= 19 && sum%10 == 0
}

// redactValue redacts every string inside v (maps and lists in place).
func redactValue(v any) any {
	switch v := v.(type) {
	case string:
		return Redact(v)
	case map[string]any:
		for k, x := range v {
			v[k] = redactValue(x)
		}
	case []any:
		for i, x := range v {
			v[i] = redactValue(x)
		}
	}
	return v
}

// redactResults redacts the texts of result items (a span's text, a
// textarea's texts) in place.
func redactResults(rs []json.RawMessage) error {
	for i, r := range rs {
		if !bytes.Contains(r, []byte(`"text"`)) {
			continue
		}
		item, err := decodeObject(r)
		if err != nil {
			return fmt.Errorf("result: %w", err)
		}
		val, ok := item["value"].(map[string]any)
		if !ok {
			continue
		}
		if t, ok := val["text"]; ok {
			val["text"] = redactValue(t)
		}
		b, err := json.Marshal(item)
		if err != nil {
			return err
		}
		rs[i] = b
	}
	return nil
}
