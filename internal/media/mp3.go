package media

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hajimehoshi/go-mp3"
)

// mp3Decoder adapts go-mp3, which always yields 16-bit little-endian stereo.
type mp3Decoder struct {
	d   *mp3.Decoder
	buf []byte
}

// newMP3Reader starts decoding an MP3 stream.
func newMP3Reader(br *bufio.Reader) (*AudioReader, error) {
	channels := 2
	if h, ok := firstMP3Header(br); ok {
		channels = h.channels
	}
	var d *mp3.Decoder
	err := guard(func() error {
		var err error
		d, err = mp3.NewDecoder(br)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: mp3: %w", ErrBadAudio, err)
	}
	frames := int64(-1)
	if n := d.Length(); n >= 0 {
		frames = n / 4
	}
	src := &mp3Decoder{d: d, buf: make([]byte, 4*4096)}
	return &AudioReader{mime: MIMEMP3, rate: d.SampleRate(), channels: channels, frames: frames, src: src}, nil
}

// firstMP3Header finds the first frame header after an ID3v2 tag within the buffered bytes.
func firstMP3Header(br *bufio.Reader) (mp3Header, bool) {
	b, _ := br.Peek(br.Size())
	if len(b) >= 10 && string(b[:3]) == "ID3" {
		n := 10 + (int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9]))
		if n >= len(b) {
			return mp3Header{}, false
		}
		b = b[n:]
	}
	for i := 0; i+4 <= len(b); i++ {
		if h, ok := parseMP3Header(b[i:]); ok {
			return h, true
		}
	}
	return mp3Header{}, false
}

// read decodes up to len(dst) frames, mixed to mono.
func (m *mp3Decoder) read(dst []float32) (int, error) {
	b := m.buf[:4*min(len(dst), len(m.buf)/4)]
	var n int
	err := guard(func() error {
		var err error
		n, err = io.ReadFull(m.d, b)
		return err
	})
	frames := n / 4
	for i := 0; i < frames; i++ {
		l := int16(binary.LittleEndian.Uint16(b[4*i:]))
		r := int16(binary.LittleEndian.Uint16(b[4*i+2:]))
		dst[i] = (float32(l) + float32(r)) / 65536
	}
	switch {
	case err == nil:
		return frames, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if frames == 0 {
			return 0, io.EOF
		}
		return frames, nil
	default:
		return 0, fmt.Errorf("%w: mp3: %w", ErrBadAudio, err)
	}
}

// guard runs f and turns a panic inside a third-party decoder into an error.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("decoder panicked on malformed input: %v", p)
		}
	}()
	return f()
}
