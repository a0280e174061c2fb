package media

import (
	"bytes"
	"errors"
	"io"
	"path"
	"strings"
	"testing"
)

// Seed corpora live in testdata/fuzz/<target>; these f.Add calls add a few more made in code.

func FuzzSniff(f *testing.F) {
	for name, b := range map[string][]byte{
		"a.png": pngHeader(4, 4), "a.webp": webpHeader(4, 4), "a.mp3": silentMP3(2, true),
		"a.wav": makeWAV(wavPCM, 16, 1, 8000, []float64{0.1}), "cat.png": []byte("<html>"),
	} {
		f.Add(b, name)
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		kind, mime, err := Sniff(data, name)
		if err != nil {
			if !errors.Is(err, ErrTypeMismatch) && !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("Sniff error %v wraps no sentinel", err)
			}
			return
		}
		if (kind != KindImage && kind != KindAudio) || mime == "" || !strings.HasPrefix(mime, string(kind)+"/") {
			t.Fatalf("Sniff = %q, %q", kind, mime)
		}
		if kind == KindImage {
			if info, err := ReadImageInfo(bytes.NewReader(data)); err == nil &&
				(info.Width <= 0 || info.Height <= 0 || int64(info.Width)*int64(info.Height) > MaxImagePixels) {
				t.Fatalf("ReadImageInfo = %+v", info)
			}
		}
	})
}

func FuzzDecodeWAV(f *testing.F) {
	f.Add(makeWAV(wavPCM, 16, 2, 8000, []float64{0.5, -0.5, 1, -1}))
	f.Add(makeWAV(wavFloat, 32, 1, 8000, []float64{0.5, -2}))
	f.Add(makeWAV(wavPCM, 24, 1, 44100, []float64{0.5, -0.5, 0.25}))
	// The MP3 and FLAC decoders are third-party code: seed them too.
	f.Add(silentMP3(2, true))
	flacFile, _ := makeFLAC(f, 8000, 300)
	f.Add(flacFile)
	f.Fuzz(func(t *testing.T, data []byte) {
		samples, rate, err := DecodeMono(bytes.NewReader(data))
		if err != nil {
			return
		}
		if rate <= 0 {
			t.Fatalf("rate %d", rate)
		}
		for i, s := range samples {
			if s < -1 || s > 1 || s != s {
				t.Fatalf("sample %d = %v outside [-1, 1]", i, s)
			}
		}
		w, err := Peaks(bytes.NewReader(data), 50)
		if err != nil {
			t.Fatalf("DecodeMono succeeded but Peaks failed: %v", err)
		}
		if len(w.Peaks[0]) > 50 || w.Duration != float64(len(samples))/float64(rate) {
			t.Fatalf("Peaks = %d points over %v s; DecodeMono gave %d samples at %d Hz", len(w.Peaks[0]), w.Duration, len(samples), rate)
		}
	})
}

func FuzzReadZip(f *testing.F) {
	f.Add(makeZip(f, zipEntry{name: "a.txt", data: []byte("hello")}, zipEntry{name: "d/b.png", data: pngHeader(1, 1)}))
	f.Add(makeZip(f, zipEntry{name: "../evil", data: []byte("x")}))
	f.Add(makeZip(f, zipEntry{name: "a", data: []byte("1")}, zipEntry{name: "a", data: []byte("2")}))
	limits := ZipLimits{MaxMembers: 100, MaxTotalSize: 1 << 20, MaxRatio: 100}
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[string]bool{}
		var total int64
		err := ReadZip(bytes.NewReader(data), int64(len(data)), limits, func(name string, open func() (io.ReadCloser, error)) error {
			if seen[name] || name == "" || path.IsAbs(name) || path.Clean(name) != name ||
				name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, `\`) {
				t.Fatalf("unsafe or repeated name %q passed to fn", name)
			}
			seen[name] = true
			rc, err := open()
			if err != nil {
				return err
			}
			defer rc.Close()
			n, err := io.Copy(io.Discard, rc)
			total += n
			return err
		})
		if err == nil && total > limits.MaxTotalSize {
			t.Fatalf("read %d bytes, over the limit of %d", total, limits.MaxTotalSize)
		}
	})
}
