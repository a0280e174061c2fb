package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// synthSpeech makes 3 s at 8 kHz of faint noise with 440 Hz bursts at
// 0.5–1.0 s and 1.6–2.4 s, the second with a 0.1 s gap at 2.0 s, and a
// 0.03 s click at 2.8 s.
func synthSpeech() []float32 {
	const rate = 8000
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 3*rate)
	for i := range x {
		t := float64(i) / rate
		v := 0.001 * rng.NormFloat64()
		on := (t >= 0.5 && t < 1.0) || (t >= 1.6 && t < 2.4 && (t < 2.0 || t >= 2.1)) || (t >= 2.8 && t < 2.83)
		if on {
			v += 0.3 * math.Sin(2*math.Pi*440*t)
		}
		x[i] = float32(v)
	}
	return x
}

func TestDetectSpeech(t *testing.T) {
	got := DetectSpeech(synthSpeech(), 8000, VADOptions{})
	want := []Region{{0.5, 1.0}, {1.6, 2.4}}
	if len(got) != len(want) {
		t.Fatalf("regions %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i].Start-want[i].Start) > 0.03 || math.Abs(got[i].End-want[i].End) > 0.03 {
			t.Errorf("region %d = %v, want about %v", i, got[i], want[i])
		}
	}
	if r := DetectSpeech(make([]float32, 8000), 8000, VADOptions{}); len(r) != 0 {
		t.Errorf("digital silence: %v", r)
	}
	if r := DetectSpeech(nil, 8000, VADOptions{}); r != nil {
		t.Errorf("empty: %v", r)
	}
}

// TestDetectSpeechFSDD expects one region covering most of each trimmed
// FSDD clip when padded with a second of silence on both sides.
func TestDetectSpeechFSDD(t *testing.T) {
	train, _ := loadFSDD(t, fsddDir(t))
	found := 0
	for _, ex := range train[:30] {
		pad := make([]float32, ex.SampleRate)
		x := append(append(append([]float32(nil), pad...), ex.Samples...), pad...)
		rs := DetectSpeech(x, ex.SampleRate, VADOptions{})
		dur := float64(len(ex.Samples)) / float64(ex.SampleRate)
		if len(rs) >= 1 && rs[0].Start >= 0.9 && rs[len(rs)-1].End <= 1+dur+0.1 {
			found++
		}
	}
	if found < 27 {
		t.Errorf("speech found inside %d of 30 padded clips", found)
	}
}
