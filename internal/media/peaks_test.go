package media

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"
)

func TestPeaks(t *testing.T) {
	tests := []struct {
		name    string
		rate    int
		samples int
		n       int
		want    int // points
	}{
		{"one sample", 8000, 1, 0, 1},
		{"exactly one bucket", 8000, 80, 0, 1},
		{"one sample into the second bucket", 8000, 81, 0, 2},
		{"1 s at 8 kHz", 8000, 8000, 0, 100},
		{"rate not a multiple of 100", 22050, 221, 0, 1},
		{"1 s at 22.05 kHz", 22050, 22050, 0, 100},
		{"2 min at 8 kHz is capped", 8000, 120 * 8000, 0, MaxPeaks},
		{"caller's cap", 8000, 8000, 30, 30},
		{"empty", 8000, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make([]float64, tt.samples)
			for i := range in {
				in[i] = 0.9 * math.Sin(float64(i)/7)
			}
			w, err := Peaks(bytes.NewReader(makeWAV(wavPCM, 16, 1, tt.rate, in)), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if len(w.Peaks) != 1 || len(w.Peaks[0]) != tt.want {
				t.Fatalf("%d points, want %d", len(w.Peaks[0]), tt.want)
			}
			if want := float64(tt.samples) / float64(tt.rate); w.Duration != want {
				t.Errorf("duration %v, want %v", w.Duration, want)
			}
			for _, p := range w.Peaks[0] {
				if p < -1 || p > 1 {
					t.Fatalf("peak %v outside [-1, 1]", p)
				}
			}
		})
	}
}

func TestPeaksValuesAndJSON(t *testing.T) {
	// 3 buckets at 8 kHz: a positive spike, a negative spike, silence.
	in := make([]float64, 240)
	in[10], in[20] = 0.5, -0.25
	in[90] = -0.75
	w, err := Peaks(bytes.NewReader(makeWAV(wavFloat, 32, 1, 8000, in)), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.5, -0.75, 0}
	for i, p := range w.Peaks[0] {
		if p != want[i] {
			t.Errorf("peak %d = %v, want %v", i, p, want[i])
		}
	}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); !strings.Contains(got, `"peaks":[[0.5,-0.75,0]]`) || !strings.Contains(got, `"duration":0.03`) {
		t.Errorf("JSON = %s, want wavesurfer's peaks (array of channel arrays) and duration", got)
	}
}

// longWAV returns a reader of a 16-bit mono WAV of seconds s at rate, generated as it is read.
func longWAV(seconds, rate int) io.Reader {
	n := seconds * rate
	data := make([]byte, 2*n)
	for i := range n {
		v := int16(20000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)) * math.Sin(float64(i)/float64(rate)))
		binary.LittleEndian.PutUint16(data[2*i:], uint16(v))
	}
	return bytes.NewReader(wavBytes(wavPCM, 16, 1, rate, data, uint32(len(data))))
}

func BenchmarkPeaks10Min16kHz(b *testing.B) {
	r := longWAV(600, 16000).(*bytes.Reader)
	b.SetBytes(r.Size())
	b.ReportAllocs()
	for b.Loop() {
		r.Seek(0, io.SeekStart)
		w, err := Peaks(r, 0)
		if err != nil || len(w.Peaks[0]) != MaxPeaks || w.Duration != 600 {
			b.Fatalf("Peaks = %d points, %v s, %v", len(w.Peaks[0]), w.Duration, err)
		}
	}
}
