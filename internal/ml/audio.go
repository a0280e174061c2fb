package ml

import (
	"fmt"
	"math"
)

// AudioExample is one mono clip with its class label.
type AudioExample struct {
	Samples    []float32
	SampleRate int
	Label      string
}

// AudioOptions configures TrainAudio; zero values select the defaults.
type AudioOptions struct {
	// C is the inverse L2 regularisation strength (default 1).
	C float64
	// MaxIter bounds the L-BFGS iterations (default 200).
	MaxIter int
}

// AudioModel classifies audio clips from MFCC statistics with multinomial
// logistic regression.
type AudioModel struct {
	m *denseModel
}

// TrainAudio fits an audio classifier; training is deterministic.
func TrainAudio(examples []AudioExample, opts AudioOptions) (*AudioModel, error) {
	if opts.C <= 0 {
		opts.C = 1
	}
	if opts.MaxIter <= 0 {
		opts.MaxIter = 200
	}
	labels := make([]string, len(examples))
	for i, ex := range examples {
		if ex.SampleRate <= 0 || len(ex.Samples) == 0 {
			return nil, fmt.Errorf("ml: audio example %d: %d samples at %d Hz", i, len(ex.Samples), ex.SampleRate)
		}
		labels[i] = ex.Label
	}
	feats := make([][]float64, len(examples))
	parallel(len(examples), func(i int) { feats[i] = AudioFeatures(examples[i].Samples, examples[i].SampleRate) })
	m, err := trainDense(feats, labels, opts.C, opts.MaxIter)
	if err != nil {
		return nil, err
	}
	return &AudioModel{m}, nil
}

// Labels returns the model's labels in sorted order.
func (m *AudioModel) Labels() []string { return append([]string(nil), m.m.Labels...) }

// Predict returns every label with its probability, most likely first.
func (m *AudioModel) Predict(samples []float32, sampleRate int) []Scored {
	return m.m.predict(AudioFeatures(samples, sampleRate))
}

// audioSegments is the number of equal time segments whose MFCC means are
// kept, so that the features see the order of sounds in a clip.
const audioSegments = 4

// audioFeatureLen is the length of AudioFeatures' vectors.
const audioFeatureLen = 4*nMFCC + audioSegments*nMFCC + 1

// AudioFeatures describes a mono clip as a fixed-length vector: the clip
// is brought to 16 kHz and cut into 25 ms frames every 10 ms; of their 13
// MFCCs and the MFCC deltas it keeps the mean and standard deviation over
// the clip, the MFCC means over four equal segments of the clip, and the
// log duration (105 values). A non-positive rate gives all zeros.
func AudioFeatures(samples []float32, sampleRate int) []float64 {
	if sampleRate <= 0 {
		return make([]float64, audioFeatureLen)
	}
	x := resampleLinear(samples, sampleRate)
	frames := mfcc(x)
	n := len(frames)
	deltas := make([][]float64, n)
	for t := range frames {
		d := make([]float64, nMFCC)
		prev, next := frames[max(t-1, 0)], frames[min(t+1, n-1)]
		for k := range d {
			d[k] = (next[k] - prev[k]) / 2
		}
		deltas[t] = d
	}
	f := make([]float64, 0, audioFeatureLen)
	f = append(f, meanStd(frames, 0, n)...)
	f = append(f, meanStd(deltas, 0, n)...)
	for s := 0; s < audioSegments; s++ {
		lo := s * n / audioSegments
		hi := max((s+1)*n/audioSegments, lo+1)
		f = append(f, meanStd(frames, min(lo, n-1), min(hi, n))[:nMFCC]...)
	}
	f = append(f, math.Log(float64(len(samples))/float64(sampleRate)+1e-3))
	return f
}

// meanStd returns the per-column means then standard deviations of rows
// [lo, hi).
func meanStd(rows [][]float64, lo, hi int) []float64 {
	d := len(rows[0])
	out := make([]float64, 2*d)
	cnt := float64(hi - lo)
	for _, r := range rows[lo:hi] {
		for k, v := range r {
			out[k] += v / cnt
		}
	}
	for _, r := range rows[lo:hi] {
		for k, v := range r {
			dv := v - out[k]
			out[d+k] += dv * dv / cnt
		}
	}
	for k := d; k < 2*d; k++ {
		out[k] = math.Sqrt(out[k])
	}
	return out
}
