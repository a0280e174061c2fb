package agreement

// Span is a labelled half-open range [Start, End) of a text, in whatever
// unit the caller uses consistently (runes, bytes or tokens).
type Span struct {
	Start, End int
	Label      string
}

// SpanMatch picks when two spans of the same label match.
type SpanMatch int

// The ways spans can match.
const (
	Exact   SpanMatch = iota // same start, end and label
	Overlap                  // same label and at least one position in common
)

// SpanF1 matches hypothesis spans against reference spans one to one (at
// most once each, as many pairs as possible, then the highest total IoU) and
// scores the result. IoU of spans is the length of their intersection over
// the length of their union.
func SpanF1(ref, hyp []Span, match SpanMatch) Score {
	pairs := matchOneToOne(len(ref), len(hyp), func(i, j int) (float64, bool) {
		a, b := ref[i], hyp[j]
		if a.Label != b.Label {
			return 0, false
		}
		if match == Exact {
			return 1, a.Start == b.Start && a.End == b.End
		}
		v := intervalIoU(float64(a.Start), float64(a.End), float64(b.Start), float64(b.End))
		return v, v > 0
	})
	return newScore(len(ref), len(hyp), pairs)
}

// intervalIoU returns the IoU of [a0, a1) and [b0, b1); 0 for an empty union.
func intervalIoU(a0, a1, b0, b1 float64) float64 {
	inter := min(a1, b1) - max(a0, b0)
	if inter <= 0 {
		return 0
	}
	union := (a1 - a0) + (b1 - b0) - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}
