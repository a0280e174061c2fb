package media

import (
	"errors"
	"io"
	"math"
)

// Waveform resolution: PeaksPerSecond points per second of audio, at most
// MaxPeaks points in all (longer files get coarser points).
const (
	PeaksPerSecond = 100
	MaxPeaks       = 8000
)

// Waveform is an audio file's info and its peaks, computed once at import.
//
// Peaks is in the form wavesurfer.js v7 takes for its `peaks` option (pass
// `duration` with it): an array of channel arrays, here a single mono channel,
// each point the sample of largest magnitude in its stretch of time, signed,
// in [-1, 1], rounded to 4 decimals (as wavesurfer's own exportPeaks does).
type Waveform struct {
	AudioInfo
	Peaks [][]float32 `json:"peaks"`
}

// Peaks decodes r in one streaming pass and returns its info and waveform
// peaks: PeaksPerSecond points per second, at most n points (MaxPeaks when n <= 0).
func Peaks(r io.Reader, n int) (Waveform, error) {
	if n <= 0 {
		n = MaxPeaks
	}
	a, err := NewAudioReader(r)
	if err != nil {
		return Waveform{}, err
	}
	rate := int64(a.rate)
	// fine holds one point per 1/PeaksPerSecond s; bucket b covers the
	// samples s with s*PeaksPerSecond/rate == b.
	fine := make([]float32, 0, 1024)
	var (
		total int64   // samples read
		next  int64   // first sample of the next bucket
		peak  float32 // signed sample of largest magnitude in the current bucket
		mag   float32 // its magnitude
	)
	buf := make([]float32, 8192)
	for {
		k, err := a.Read(buf)
		for _, s := range buf[:k] {
			if total == next {
				if total > 0 {
					fine = append(fine, peak)
				}
				peak, mag = 0, 0
				next = (int64(len(fine)+1)*rate + PeaksPerSecond - 1) / PeaksPerSecond
			}
			total++
			if m := abs32(s); m > mag {
				peak, mag = s, m
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Waveform{}, err
		}
	}
	if total > 0 {
		fine = append(fine, peak)
	}
	points := reducePeaks(fine, n)
	for i, p := range points {
		points[i] = float32(math.Round(float64(clamp(p))*1e4) / 1e4)
	}
	return Waveform{
		AudioInfo: AudioInfo{Duration: float64(total) / float64(rate), SampleRate: a.rate, Channels: a.channels},
		Peaks:     [][]float32{points},
	}, nil
}

// reducePeaks merges fine points into at most n, keeping the largest magnitude of each group.
func reducePeaks(fine []float32, n int) []float32 {
	m := len(fine)
	if m <= n {
		return fine
	}
	out := make([]float32, n)
	for j := range out {
		lo, hi := j*m/n, (j+1)*m/n
		var peak, mag float32
		for _, s := range fine[lo:hi] {
			if a := abs32(s); a > mag {
				peak, mag = s, a
			}
		}
		out[j] = peak
	}
	return out
}

// abs32 returns |x|.
func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
