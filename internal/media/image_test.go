package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"concord/internal/fixture"
)

func TestMNISTImages(t *testing.T) {
	dir := fixture.Path(t, "image/mnist_png")
	files, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1000 {
		t.Fatalf("%d PNGs in %s, want 1000", len(files), dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kind, mime, err := Sniff(b[:min(len(b), SniffLen)], filepath.Base(f))
		if err != nil || kind != KindImage || mime != MIMEPNG {
			t.Fatalf("Sniff(%s) = %q, %q, %v; want image, image/png", f, kind, mime, err)
		}
		info, err := ReadImageInfo(bytes.NewReader(b))
		if err != nil || info != (ImageInfo{Width: 28, Height: 28, Format: "png"}) {
			t.Fatalf("ReadImageInfo(%s) = %+v, %v; want 28×28 png", f, info, err)
		}
	}
}

func TestReadImageInfo(t *testing.T) {
	s := sniffSamples(t)
	tests := []struct {
		name   string
		data   []byte
		want   ImageInfo
		err    error
		anyErr bool
	}{
		{"png", s["png"], ImageInfo{3, 2, "png"}, nil, false},
		{"jpeg", s["jpeg"], ImageInfo{3, 2, "jpeg"}, nil, false},
		{"gif", s["gif"], ImageInfo{3, 2, "gif"}, nil, false},
		{"webp", s["webp"], ImageInfo{3, 2, "webp"}, nil, false},
		{"webp 16384×16384 is a bomb", webpHeader(16384, 16384), ImageInfo{}, ErrImageTooLarge, true},
		{"png 20000×20000 is a bomb", pngHeader(20000, 20000), ImageInfo{}, ErrImageTooLarge, true},
		{"png 10000×10000 is allowed", pngHeader(10000, 10000), ImageInfo{10000, 10000, "png"}, nil, false},
		{"html", s["html"], ImageInfo{}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadImageInfo(bytes.NewReader(tt.data))
			if (err != nil) != tt.anyErr || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Fatalf("ReadImageInfo error = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("ReadImageInfo = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// pngHeader returns a PNG signature and IHDR chunk for a w×h 8-bit greyscale image, no pixels.
func pngHeader(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[8:], uint32(h))
	ihdr[12] = 8 // bit depth; colour type 0, compression 0, filter 0, interlace 0
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}
