package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"concord/internal/fixture"
)

// samples of each supported type, made in the test.
func sniffSamples(t *testing.T) map[string][]byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.White)
	var p, j, g bytes.Buffer
	if err := png.Encode(&p, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&g, img, nil); err != nil {
		t.Fatal(err)
	}
	id3 := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x0a"), make([]byte, 10)...)
	return map[string][]byte{
		"png":  p.Bytes(),
		"jpeg": j.Bytes(),
		"gif":  g.Bytes(),
		"webp": webpHeader(3, 2),
		"wav":  makeWAV(wavPCM, 16, 1, 8000, []float64{0, 0.5, -0.5}),
		"mp3":  silentMP3(3, false),
		"id3":  append(id3, silentMP3(2, false)...),
		"ogg":  []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"),
		"flac": []byte("fLaC\x00\x00\x00\x22"),
		"html": []byte("<!DOCTYPE html><html><body>not an image</body></html>"),
		"text": []byte("just some text\n"),
	}
}

// webpHeader returns the header of a lossless WebP of w×h pixels.
func webpHeader(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14
	b := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f")
	b = append(b, byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24))
	return append(b, make([]byte, 9)...)
}

func TestSniff(t *testing.T) {
	s := sniffSamples(t)
	tests := []struct {
		name, file, sample string
		kind               Kind
		mime               string
		err                error
		msg                []string // substrings of the error
	}{
		{"png", "a.png", "png", KindImage, MIMEPNG, nil, nil},
		{"png upper-case extension", "A.PNG", "png", KindImage, MIMEPNG, nil, nil},
		{"jpeg .jpg", "a.jpg", "jpeg", KindImage, MIMEJPEG, nil, nil},
		{"jpeg .jpeg", "dir/a.jpeg", "jpeg", KindImage, MIMEJPEG, nil, nil},
		{"gif", "a.gif", "gif", KindImage, MIMEGIF, nil, nil},
		{"webp", "a.webp", "webp", KindImage, MIMEWebP, nil, nil},
		{"wav", "a.wav", "wav", KindAudio, MIMEWAV, nil, nil},
		{"mp3 frame sync", "a.mp3", "mp3", KindAudio, MIMEMP3, nil, nil},
		{"mp3 id3", "a.mp3", "id3", KindAudio, MIMEMP3, nil, nil},
		{"ogg", "a.ogg", "ogg", KindAudio, MIMEOgg, nil, nil},
		{"flac", "a.flac", "flac", KindAudio, MIMEFLAC, nil, nil},
		{"no extension judged by bytes", "upload", "png", KindImage, MIMEPNG, nil, nil},
		{"png renamed .wav", "digit.wav", "png", "", "", ErrTypeMismatch, []string{"digit.wav", "audio/wav", "image/png"}},
		{"html renamed .png", "cat.png", "html", "", "", ErrTypeMismatch, []string{"cat.png", "image/png", "text/html"}},
		{"jpeg renamed .gif", "x.gif", "jpeg", "", "", ErrTypeMismatch, []string{"x.gif", "image/gif", "image/jpeg"}},
		{"wav renamed .mp3", "x.mp3", "wav", "", "", ErrTypeMismatch, []string{"x.mp3", "audio/mpeg", "audio/wav"}},
		{"png named .txt", "notes.txt", "png", "", "", ErrTypeMismatch, []string{"notes.txt", ".txt", "image/png"}},
		{"text without a media extension", "notes.txt", "text", "", "", ErrUnsupportedType, []string{"notes.txt", "text/plain"}},
		{"empty file", "a.png", "", "", "", ErrTypeMismatch, []string{"a.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, mime, err := Sniff(s[tt.sample], tt.file)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("Sniff(%s, %q) error = %v, want %v", tt.sample, tt.file, err, tt.err)
			}
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if kind != tt.kind || mime != tt.mime {
				t.Errorf("Sniff(%s, %q) = %q, %q; want %q, %q", tt.sample, tt.file, kind, mime, tt.kind, tt.mime)
			}
		})
	}
}

func TestSniffRealPNGRenamed(t *testing.T) {
	dir := fixture.Path(t, "image/mnist_png")
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) == 0 {
		t.Fatalf("no PNG in %s", dir)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Sniff(b, "speech.wav"); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("a real PNG named speech.wav: Sniff error = %v, want ErrTypeMismatch", err)
	}
}
