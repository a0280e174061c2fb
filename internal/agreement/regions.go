package agreement

// Region is a labelled time interval [Start, End) of an audio or video
// track, in seconds.
type Region struct {
	Start, End float64
	Label      string
}

// IoU returns the temporal intersection over union of two regions, ignoring
// labels; 0 when the union is empty.
func (r Region) IoU(o Region) float64 { return intervalIoU(r.Start, r.End, o.Start, o.End) }

// RegionF1 matches hypothesis regions against reference regions of the same
// label whose temporal IoU is at least minIoU (usually [MinIoU]), one to one
// with as many pairs as possible and then the highest total IoU, and scores
// the result with the mean IoU of the matched pairs.
func RegionF1(ref, hyp []Region, minIoU float64) Score {
	return newScore(len(ref), len(hyp), regionMatch(ref, hyp, minIoU))
}

// regionMatch is RegionF1's matching.
func regionMatch(ref, hyp []Region, minIoU float64) []pair {
	return matchOneToOne(len(ref), len(hyp), func(i, j int) (float64, bool) {
		if ref[i].Label != hyp[j].Label {
			return 0, false
		}
		v := ref[i].IoU(hyp[j])
		return v, v > 0 && v >= minIoU
	})
}
