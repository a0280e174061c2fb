package agreement

import (
	"strings"

	"concord/internal/labeling"
)

func structuredKind(c labeling.Control) string {
	switch c.Type {
	case labeling.TypeRectangleLabels:
		return "boxes"
	case labeling.TypeTextArea:
		return "text"
	}
	return "spans" // Labels: spans on text, regions on audio
}

// measureStructured compares a task's annotations pairwise by the F1 of their
// regions (spans, boxes, audio regions at IoU ≥ 0.5) or by 1 − the symmetric
// CER of their text; ground truth is the reference, not a party.
func measureStructured(c labeling.Control, tasks []Task, coder map[int64]int, cr *ControlReport) {
	stats := cr.Annotators
	sum, n := make([]float64, len(stats)), make([]int, len(stats))
	labelCount := map[string]int{}
	for _, t := range tasks {
		var as []Annotation
		for _, a := range t.Annotations {
			if a.GroundTruth || !answers(c, a.Results) {
				continue
			}
			as = append(as, a)
			for _, r := range a.Results {
				if r.FromName == c.Name {
					for _, l := range append(append(append([]string(nil), r.Value.Labels...), r.Value.RectangleLabels...), r.Value.Choices...) {
						labelCount[l]++
					}
				}
			}
		}
		var tsum float64
		var tn int
		for i := range as {
			for j := i + 1; j < len(as); j++ {
				s := pairScore(c, as[i].Results, as[j].Results)
				tsum += s
				tn++
				for _, k := range []int{coder[as[i].Annotator], coder[as[j].Annotator]} {
					sum[k] += s
					n[k]++
				}
			}
		}
		if tn > 0 {
			cr.taskAgreement[t.ID] = tsum / float64(tn)
		}
	}
	for i := range stats {
		stats[i].Compared = n[i]
		if n[i] > 0 {
			stats[i].WithOthers = ptr(sum[i] / float64(n[i]))
		}
	}
	for _, l := range c.Values() {
		cr.Labels = append(cr.Labels, LabelStat{Label: l, Count: labelCount[l]})
	}
}

// pairScore is how far two annotations of the control agree, from 0 to 1,
// whichever of the two is given first.
func pairScore(c labeling.Control, a, b []labeling.Result) float64 {
	switch c.Type {
	case labeling.TypeRectangleLabels:
		ba, _ := boxesOf(c, a)
		bb, _ := boxesOf(c, b)
		return BoxF1(ba, bb, MinIoU).F1
	case labeling.TypeTextArea:
		return 1 - SymmetricCER(textOf(c, a), textOf(c, b))
	}
	ra, _ := regionsOf(c, a)
	rb, _ := regionsOf(c, b)
	if len(ra)+len(rb) == 0 {
		return 1
	}
	return RegionF1(ra, rb, MinIoU).F1
}

// Unmatched says which results of a find no partner in b in the one-to-one
// matching that pairScore scores for control c: boxes, spans and audio
// regions of the same label with an IoU of at least MinIoU. It is indexed
// like a; results of other controls, and of text areas, are false.
func Unmatched(c labeling.Control, a, b []labeling.Result) []bool {
	out := make([]bool, len(a))
	var of []int
	var pairs []pair
	switch c.Type {
	case labeling.TypeTextArea:
		return out
	case labeling.TypeRectangleLabels:
		ba, ia := boxesOf(c, a)
		bb, _ := boxesOf(c, b)
		of, pairs = ia, boxMatch(ba, bb, MinIoU)
	default:
		ra, ia := regionsOf(c, a)
		rb, _ := regionsOf(c, b)
		of, pairs = ia, regionMatch(ra, rb, MinIoU)
	}
	for _, k := range of {
		out[k] = true
	}
	for _, p := range pairs {
		out[of[p.i]] = false
	}
	return out
}

// boxesOf reads the control's boxes, with the index of each in rs.
func boxesOf(c labeling.Control, rs []labeling.Result) (out []Box, at []int) {
	for k, r := range rs {
		if r.FromName == c.Name {
			out = append(out, Box{X: r.Value.X, Y: r.Value.Y, Width: r.Value.Width, Height: r.Value.Height, Label: first(r.Value.RectangleLabels)})
			at = append(at, k)
		}
	}
	return out, at
}

// regionsOf reads spans and audio regions alike, as intervals with a label,
// with the index of each in rs.
func regionsOf(c labeling.Control, rs []labeling.Result) (out []Region, at []int) {
	for k, r := range rs {
		if r.FromName == c.Name && r.Value.Start != nil && r.Value.End != nil {
			out = append(out, Region{Start: *r.Value.Start, End: *r.Value.End, Label: first(r.Value.Labels)})
			at = append(at, k)
		}
	}
	return out, at
}

func textOf(c labeling.Control, rs []labeling.Result) string {
	var b strings.Builder
	for _, r := range rs {
		if r.FromName == c.Name {
			for _, t := range r.Value.Texts {
				b.WriteString(t)
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}
