package ml

// Span is a labeled region of a text, in UTF-16 code units, end exclusive.
type Span struct {
	Start, End int
	Label      string
}
