package ml

import (
	"math"
	"slices"
)

// Region is a stretch of audio in seconds, Start inclusive, End exclusive.
type Region struct {
	Start, End float64
}

// VADOptions configures DetectSpeech; zero values select the defaults.
type VADOptions struct {
	// Frame is the analysis frame length in seconds (default 0.02).
	Frame float64
	// Threshold is how far above the noise floor, in dB, a frame's energy
	// must be to count as speech (default 10).
	Threshold float64
	// Hangover keeps a region open this many seconds after the energy
	// drops, and joins regions separated by less (default 0.2).
	Hangover float64
	// MinDuration drops regions shorter than this many seconds (default 0.1).
	MinDuration float64
}

func (o VADOptions) withDefaults() VADOptions {
	if o.Frame <= 0 {
		o.Frame = 0.02
	}
	if o.Threshold <= 0 {
		o.Threshold = 10
	}
	if o.Hangover <= 0 {
		o.Hangover = 0.2
	}
	if o.MinDuration <= 0 {
		o.MinDuration = 0.1
	}
	return o
}

// silenceDB is the energy, in dB relative to full scale, under which a
// frame is silence whatever the noise floor.
const silenceDB = -55

// DetectSpeech proposes speech regions of a mono clip by frame energy: the
// noise floor is the 10th percentile of the frames' energies in dB, a frame
// is active when it is Threshold dB above the floor (and above −55 dBFS),
// a region stays open for Hangover seconds after the last active frame (so
// short pauses do not split it), and regions shorter than MinDuration are
// dropped. Regions are in order and do not overlap.
func DetectSpeech(samples []float32, sampleRate int, opts VADOptions) []Region {
	opts = opts.withDefaults()
	if sampleRate <= 0 || len(samples) == 0 {
		return nil
	}
	flen := max(int(opts.Frame*float64(sampleRate)), 1)
	n := (len(samples) + flen - 1) / flen
	db := make([]float64, n)
	for f := range db {
		var e float64
		lo, hi := f*flen, min((f+1)*flen, len(samples))
		for _, v := range samples[lo:hi] {
			e += float64(v) * float64(v)
		}
		db[f] = 10 * math.Log10(e/float64(hi-lo)+1e-12)
	}
	sorted := slices.Clone(db)
	slices.Sort(sorted)
	floor := sorted[n/10]
	thr := math.Max(floor+opts.Threshold, silenceDB)
	hang := int(math.Round(opts.Hangover / opts.Frame))
	dur := float64(flen) / float64(sampleRate)
	total := float64(len(samples)) / float64(sampleRate)
	var out []Region
	start, last := -1, -1
	closeRegion := func() {
		r := Region{float64(start) * dur, math.Min(float64(last+1)*dur, total)}
		if r.End-r.Start >= opts.MinDuration {
			out = append(out, r)
		}
		start = -1
	}
	for f, e := range db {
		if e >= thr {
			if start < 0 {
				start = f
			}
			last = f
		} else if start >= 0 && f-last > hang {
			closeRegion()
		}
	}
	if start >= 0 {
		closeRegion()
	}
	return out
}
