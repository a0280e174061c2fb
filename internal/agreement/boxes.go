package agreement

// Box is a labelled axis-aligned rectangle with its top-left corner at (X, Y).
type Box struct {
	X, Y, Width, Height float64
	Label               string
}

// IoU returns the intersection over union of two boxes' areas, ignoring
// labels; 0 when the union is empty.
func (b Box) IoU(o Box) float64 {
	w := min(b.X+b.Width, o.X+o.Width) - max(b.X, o.X)
	h := min(b.Y+b.Height, o.Y+o.Height) - max(b.Y, o.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	inter := w * h
	union := b.Width*b.Height + o.Width*o.Height - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

// BoxF1 matches hypothesis boxes against reference boxes of the same label
// whose IoU is at least minIoU (usually [MinIoU]), one to one with as many
// pairs as possible and then the highest total IoU, and scores the result
// with the mean IoU of the matched pairs.
func BoxF1(ref, hyp []Box, minIoU float64) Score {
	return newScore(len(ref), len(hyp), boxMatch(ref, hyp, minIoU))
}

// boxMatch is BoxF1's matching.
func boxMatch(ref, hyp []Box, minIoU float64) []pair {
	return matchOneToOne(len(ref), len(hyp), func(i, j int) (float64, bool) {
		if ref[i].Label != hyp[j].Label {
			return 0, false
		}
		v := ref[i].IoU(hyp[j])
		return v, v > 0 && v >= minIoU
	})
}
