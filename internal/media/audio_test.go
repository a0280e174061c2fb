package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"

	"concord/internal/fixture"
)

func TestFSDDWAVs(t *testing.T) {
	dir := fixture.Path(t, "audio/fsdd")
	files, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 180 {
		t.Fatalf("%d WAVs in %s, want 180", len(files), dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dataSize := wavDataSize(t, b)
		info, err := ReadAudioInfo(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if info.SampleRate != 8000 || info.Channels != 1 {
			t.Errorf("%s: %d Hz, %d channels; want 8000 Hz mono", f, info.SampleRate, info.Channels)
		}
		if info.Duration < 0.1 || info.Duration > 2.5 {
			t.Errorf("%s: duration %.3f s, want 0.1 to 2.5", f, info.Duration)
		}
		if want := float64(dataSize) / (8000 * 2); math.Abs(info.Duration-want) > 1e-9 {
			t.Errorf("%s: duration %.6f s, want data size/(rate*2) = %.6f", f, info.Duration, want)
		}
		samples, rate, err := DecodeMono(bytes.NewReader(b))
		if err != nil || rate != 8000 || len(samples) != dataSize/2 {
			t.Fatalf("%s: DecodeMono = %d samples at %d Hz, %v; want %d at 8000", f, len(samples), rate, err, dataSize/2)
		}
		w, err := Peaks(bytes.NewReader(b), 0)
		if err != nil {
			t.Fatalf("%s: Peaks: %v", f, err)
		}
		wantLen := (len(samples) + 79) / 80 // 100 per second at 8 kHz
		if len(w.Peaks) != 1 || len(w.Peaks[0]) != wantLen || w.AudioInfo != info {
			t.Fatalf("%s: Peaks = %d channels, %d points, %+v; want 1, %d, %+v", f, len(w.Peaks), len(w.Peaks[0]), w.AudioInfo, wantLen, info)
		}
		var loud float32
		for _, p := range w.Peaks[0] {
			if p < -1 || p > 1 {
				t.Fatalf("%s: peak %v outside [-1, 1]", f, p)
			}
			loud = max(loud, abs32(p))
		}
		if loud < 0.01 {
			t.Errorf("%s: loudest peak %v: silent?", f, loud)
		}
	}
}

// wavDataSize finds the data chunk's size by walking the RIFF chunks.
func wavDataSize(t *testing.T, b []byte) int {
	t.Helper()
	for i := 12; i+8 <= len(b); {
		size := int(binary.LittleEndian.Uint32(b[i+4:]))
		if string(b[i:i+4]) == "data" {
			return size
		}
		i += 8 + size + size&1
	}
	t.Fatal("no data chunk")
	return 0
}

func TestDecodeWAVFormats(t *testing.T) {
	// Interleaved frames; the mono mix of each frame is the mean of its channels.
	mono := []float64{0, 0.5, -0.5, 0.25, -1, 0.999}
	stereo := []float64{0.5, -0.5, 1, 0, -0.25, -0.75}
	tests := []struct {
		name     string
		format   uint16
		bits     int
		channels int
		in       []float64
		want     []float64
		tol      float64
	}{
		{"pcm 8-bit mono", wavPCM, 8, 1, mono, mono, 1.0 / 64},
		{"pcm 16-bit mono", wavPCM, 16, 1, mono, mono, 1e-4},
		{"pcm 24-bit mono", wavPCM, 24, 1, mono, mono, 1e-6},
		{"pcm 32-bit mono", wavPCM, 32, 1, mono, mono, 1e-6},
		{"float 32-bit mono", wavFloat, 32, 1, mono, mono, 1e-7},
		{"float 64-bit mono", wavFloat, 64, 1, mono, mono, 1e-7},
		{"pcm 16-bit stereo", wavPCM, 16, 2, stereo, []float64{0, 0.5, -0.5}, 1e-4},
		{"pcm 24-bit stereo", wavPCM, 24, 2, stereo, []float64{0, 0.5, -0.5}, 1e-6},
		{"float 32-bit stereo", wavFloat, 32, 2, stereo, []float64{0, 0.5, -0.5}, 1e-7},
		{"pcm 16-bit 3 channels", wavPCM, 16, 3, stereo, []float64{1.0 / 3, -1.0 / 3}, 1e-4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := makeWAV(tt.format, tt.bits, tt.channels, 16000, tt.in)
			got, rate, err := DecodeMono(bytes.NewReader(b))
			if err != nil || rate != 16000 {
				t.Fatalf("DecodeMono = rate %d, %v", rate, err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d samples, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if math.Abs(float64(got[i])-tt.want[i]) > tt.tol {
					t.Errorf("sample %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
			info, err := ReadAudioInfo(bytes.NewReader(b))
			want := AudioInfo{Duration: float64(len(tt.want)) / 16000, SampleRate: 16000, Channels: tt.channels}
			if err != nil || info != want {
				t.Errorf("ReadAudioInfo = %+v, %v; want %+v", info, err, want)
			}
		})
	}
}

func TestDecodeWAVBad(t *testing.T) {
	pcm := make([]byte, 200)
	good := wavBytes(wavPCM, 16, 1, 8000, pcm, 200)
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"truncated data chunk", wavBytes(wavPCM, 16, 1, 8000, pcm, 400), "truncated"},
		{"no data chunk", good[:36], "no data chunk"},
		{"unsupported format", wavBytes(2, 4, 1, 8000, pcm, 200), "not supported"},
		{"12-bit pcm", wavBytes(wavPCM, 12, 1, 8000, pcm, 200), "not supported"},
		{"zero channels", wavBytes(wavPCM, 16, 0, 8000, pcm, 200), "channels"},
		{"zero rate", wavBytes(wavPCM, 16, 1, 0, pcm, 200), "sample rate"},
		{"ogg refused", []byte("OggS\x00\x02" + strings.Repeat("\x00", 40)), "OGG"},
		{"png is not audio", pngHeader(2, 2), "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeMono(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("DecodeMono error = %v, want one mentioning %q", err, tt.msg)
			}
			if !errors.Is(err, ErrBadAudio) && !errors.Is(err, ErrUnsupportedType) {
				t.Errorf("error %v wraps neither ErrBadAudio nor ErrUnsupportedType", err)
			}
		})
	}
}

func TestDecodeWAVStreamingSize(t *testing.T) {
	// A writer that streams leaves the data size at 0xFFFFFFFF: read to the end,
	// dropping a trailing partial frame.
	data := make([]byte, 2*100+1)
	b := wavBytes(wavPCM, 16, 1, 8000, data, math.MaxUint32)
	a, err := NewAudioReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames() != -1 {
		t.Errorf("Frames = %d, want -1 (unknown)", a.Frames())
	}
	got, _, err := DecodeMono(bytes.NewReader(b))
	if err != nil || len(got) != 100 {
		t.Errorf("DecodeMono = %d samples, %v; want 100", len(got), err)
	}
}

func TestDecodeMP3(t *testing.T) {
	for _, mono := range []bool{false, true} {
		b := silentMP3(100, mono)
		if _, mime, err := Sniff(b[:SniffLen], "x.mp3"); err != nil || mime != MIMEMP3 {
			t.Fatalf("Sniff = %q, %v", mime, err)
		}
		info, err := ReadAudioInfo(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		channels := 2
		if mono {
			channels = 1
		}
		// go-mp3 yields every frame's 1,152 samples.
		want := AudioInfo{Duration: 100 * 1152 / 44100.0, SampleRate: 44100, Channels: channels}
		if math.Abs(info.Duration-want.Duration) > 0.03 || info.SampleRate != want.SampleRate || info.Channels != want.Channels {
			t.Errorf("mono=%v: ReadAudioInfo = %+v, want about %+v", mono, info, want)
		}
		w, err := Peaks(bytes.NewReader(b), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range w.Peaks[0] {
			if p != 0 {
				t.Fatalf("mono=%v: silent MP3 has peak %v", mono, p)
			}
		}
	}
}

func TestDecodeFLAC(t *testing.T) {
	const rate, n = 16000, 10000
	flacFile, want := makeFLAC(t, rate, n)
	buf := bytes.NewBuffer(flacFile)
	got, gotRate, err := DecodeMono(bytes.NewReader(buf.Bytes()))
	if err != nil || gotRate != rate || len(got) != n {
		t.Fatalf("DecodeMono = %d samples at %d Hz, %v; want %d at %d", len(got), gotRate, err, n, rate)
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("sample %d = %v, want %v", i, got[i], want[i])
		}
	}
	info, err := ReadAudioInfo(bytes.NewReader(buf.Bytes()))
	if err != nil || info != (AudioInfo{Duration: float64(n) / rate, SampleRate: rate, Channels: 2}) {
		t.Errorf("ReadAudioInfo = %+v, %v", info, err)
	}
}

func TestAudioReaderShortReads(t *testing.T) {
	b := makeWAV(wavPCM, 16, 1, 8000, make([]float64, 1000))
	a, err := NewAudioReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	one := make([]float32, 7)
	total := 0
	for {
		n, err := a.Read(one)
		total += n
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if total != 1000 || a.Frames() != 1000 {
		t.Errorf("read %d samples (Frames %d), want 1000", total, a.Frames())
	}
}

// makeFLAC encodes n samples of a 440 Hz tone in stereo FLAC (the right channel
// at half the left's level) and returns the file and its mono mix.
func makeFLAC(tb testing.TB, rate, n int) ([]byte, []float32) {
	want := make([]float32, n)
	var buf bytes.Buffer
	enc, err := flac.NewEncoder(&buf, &meta.StreamInfo{
		BlockSizeMin: 4096, BlockSizeMax: 4096, SampleRate: uint32(rate), NChannels: 2, BitsPerSample: 16, NSamples: uint64(n),
	})
	if err != nil {
		tb.Fatal(err)
	}
	for off := 0; off < n; off += 4096 {
		size := min(4096, n-off)
		l, r := make([]int32, size), make([]int32, size)
		for i := range size {
			v := math.Sin(2 * math.Pi * 440 * float64(off+i) / float64(rate))
			l[i], r[i] = int32(v*16000), int32(v*8000)
			want[off+i] = float32(l[i]+r[i]) / 2 / 32768
		}
		sub := func(s []int32) *frame.Subframe {
			return &frame.Subframe{SubHeader: frame.SubHeader{Pred: frame.PredVerbatim}, Samples: s, NSamples: size}
		}
		err := enc.WriteFrame(&frame.Frame{
			Header: frame.Header{
				HasFixedBlockSize: true, BlockSize: uint16(size), SampleRate: uint32(rate),
				Channels: frame.ChannelsLR, BitsPerSample: 16,
			},
			Subframes: []*frame.Subframe{sub(l), sub(r)},
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), want
}
