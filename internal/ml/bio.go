package ml

import (
	"fmt"
	"sort"
)

// tagSet maps span labels to BIO tag ids: 0 is O, label l (in sorted
// order) has B = 1+2l and I = 2+2l.
type tagSet struct {
	labels []string
	index  map[string]int
}

func newTagSet(labels []string) tagSet {
	idx := make(map[string]int, len(labels))
	for i, l := range labels {
		idx[l] = i
	}
	return tagSet{labels: labels, index: idx}
}

func (ts tagSet) size() int { return 1 + 2*len(ts.labels) }

// isInside reports whether tag is an I- tag, and of which label.
func isInside(tag int) (bool, int) { return tag > 0 && tag%2 == 0, (tag - 1) / 2 }

// allowed reports whether tag may follow prev (prev = -1 at the start):
// an I- tag must continue a B- or I- tag of the same label.
func allowed(prev, tag int) bool {
	in, l := isInside(tag)
	if !in {
		return true
	}
	return prev > 0 && (prev-1)/2 == l
}

// spansToBIO tags the tokens covered by spans: every token that overlaps a
// span is inside it, the first one with B-. Spans are taken in order of
// start (longest first on ties); a span overlapping tokens already tagged
// by an earlier span is dropped, so nested and overlapping spans keep only
// the first. Spans outside the text, empty or with an unknown label are an
// error.
func spansToBIO(toks []token, spans []Span, ts tagSet, textLen int) ([]int, error) {
	tags := make([]int, len(toks))
	sorted := append([]Span(nil), spans...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Start != sorted[j].Start {
			return sorted[i].Start < sorted[j].Start
		}
		return sorted[i].End > sorted[j].End
	})
	for _, s := range sorted {
		if s.Start < 0 || s.End > textLen || s.Start >= s.End {
			return nil, fmt.Errorf("span [%d,%d) outside text of %d UTF-16 units", s.Start, s.End, textLen)
		}
		l, ok := ts.index[s.Label]
		if !ok {
			return nil, fmt.Errorf("span label %q unknown", s.Label)
		}
		lo := sort.Search(len(toks), func(i int) bool { return toks[i].end > s.Start })
		hi := lo
		for hi < len(toks) && toks[hi].start < s.End {
			hi++
		}
		free := hi > lo
		for i := lo; i < hi; i++ {
			if tags[i] != 0 {
				free = false
			}
		}
		if !free {
			continue
		}
		tags[lo] = 1 + 2*l
		for i := lo + 1; i < hi; i++ {
			tags[i] = 2 + 2*l
		}
	}
	return tags, nil
}

// bioToSpans turns token tags back into spans from the first token's start
// to the last token's end; an I- tag that does not continue a span of its
// label starts one.
func bioToSpans(toks []token, tags []int, ts tagSet) []Span {
	var out []Span
	open := -1
	for i, t := range tags {
		in, l := isInside(t)
		switch {
		case t == 0:
			open = -1
		case in && open >= 0 && out[open].Label == ts.labels[l]:
			out[open].End = toks[i].end
		default:
			out = append(out, Span{Start: toks[i].start, End: toks[i].end, Label: ts.labels[l]})
			open = len(out) - 1
		}
	}
	return out
}
