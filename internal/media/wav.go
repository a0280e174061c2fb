package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// WAV format codes from the fmt chunk.
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xFFFE
)

// maxWAVChannels bounds the channel count a WAV header may declare.
const maxWAVChannels = 64

// wavDecoder reads the data chunk of a RIFF WAVE file.
type wavDecoder struct {
	r          io.Reader
	float      bool
	bits       int
	channels   int
	blockAlign int
	remaining  int64 // bytes left in the data chunk; -1 when the header does not say
	buf        []byte
}

// newWAVReader parses the RIFF header up to the data chunk.
func newWAVReader(r io.Reader) (*AudioReader, error) {
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return nil, fmt.Errorf("%w: wav: header: %w", ErrBadAudio, err)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, fmt.Errorf("%w: wav: not a RIFF WAVE file", ErrBadAudio)
	}
	d := &wavDecoder{r: r}
	var rate int
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return nil, fmt.Errorf("%w: wav: no data chunk: %w", ErrBadAudio, err)
		}
		id, size := string(ch[0:4]), int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			var err error
			if rate, err = d.parseFmt(r, size); err != nil {
				return nil, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, fmt.Errorf("%w: wav: data chunk before fmt chunk", ErrBadAudio)
			}
			d.remaining = size
			frames := size / int64(d.blockAlign)
			if size == math.MaxUint32 { // streaming writers leave the size open
				d.remaining, frames = -1, -1
			}
			d.buf = make([]byte, 4096*d.blockAlign)
			return &AudioReader{mime: MIMEWAV, rate: rate, channels: d.channels, frames: frames, src: d}, nil
		default:
			if err := skip(r, size+size&1); err != nil {
				return nil, fmt.Errorf("%w: wav: chunk %q: %w", ErrBadAudio, id, err)
			}
		}
	}
}

// parseFmt reads a fmt chunk of size bytes and returns the sample rate.
func (d *wavDecoder) parseFmt(r io.Reader, size int64) (int, error) {
	if size < 16 {
		return 0, fmt.Errorf("%w: wav: fmt chunk of %d bytes is too short", ErrBadAudio, size)
	}
	n := min(size, 40)
	b := make([]byte, 40)
	if _, err := io.ReadFull(r, b[:n]); err != nil {
		return 0, fmt.Errorf("%w: wav: fmt chunk: %w", ErrBadAudio, err)
	}
	if err := skip(r, size-n+size&1); err != nil {
		return 0, fmt.Errorf("%w: wav: fmt chunk: %w", ErrBadAudio, err)
	}
	format := binary.LittleEndian.Uint16(b[0:2])
	d.channels = int(binary.LittleEndian.Uint16(b[2:4]))
	rate := int(binary.LittleEndian.Uint32(b[4:8]))
	d.blockAlign = int(binary.LittleEndian.Uint16(b[12:14]))
	d.bits = int(binary.LittleEndian.Uint16(b[14:16]))
	if format == wavExtensible {
		if n < 40 {
			return 0, fmt.Errorf("%w: wav: extensible fmt chunk of %d bytes is too short", ErrBadAudio, size)
		}
		format = binary.LittleEndian.Uint16(b[24:26]) // the sub-format GUID starts with the format code
	}
	switch {
	case format == wavPCM && (d.bits == 8 || d.bits == 16 || d.bits == 24 || d.bits == 32):
	case format == wavFloat && (d.bits == 32 || d.bits == 64):
		d.float = true
	default:
		return 0, fmt.Errorf("%w: wav: format %#x with %d bits per sample is not supported (want PCM 8/16/24/32-bit or float 32/64-bit)",
			ErrBadAudio, format, d.bits)
	}
	if d.channels < 1 || d.channels > maxWAVChannels {
		return 0, fmt.Errorf("%w: wav: %d channels (want 1 to %d)", ErrBadAudio, d.channels, maxWAVChannels)
	}
	if rate < 1 || rate > 1_000_000 {
		return 0, fmt.Errorf("%w: wav: sample rate %d Hz", ErrBadAudio, rate)
	}
	if want := d.channels * d.bits / 8; d.blockAlign != want {
		return 0, fmt.Errorf("%w: wav: block align %d, want %d for %d channels of %d bits",
			ErrBadAudio, d.blockAlign, want, d.channels, d.bits)
	}
	return rate, nil
}

// read decodes up to len(dst) frames, mixed to mono.
func (d *wavDecoder) read(dst []float32) (int, error) {
	frames := min(len(dst), len(d.buf)/d.blockAlign)
	if d.remaining >= 0 {
		frames = int(min(int64(frames), d.remaining/int64(d.blockAlign)))
		if frames == 0 {
			return 0, io.EOF // an odd trailing partial frame is ignored
		}
	}
	b := d.buf[:frames*d.blockAlign]
	n, err := io.ReadFull(d.r, b)
	switch {
	case err == nil:
	case d.remaining < 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		if n < d.blockAlign {
			return 0, io.EOF
		}
	default:
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, fmt.Errorf("%w: wav: data chunk truncated (%d bytes announced were missing): %w", ErrBadAudio, d.remaining, err)
	}
	frames = n / d.blockAlign
	if d.remaining >= 0 {
		d.remaining -= int64(frames * d.blockAlign)
	}
	d.decode(dst[:frames], b[:frames*d.blockAlign])
	return frames, nil
}

// decode converts interleaved frames in b to mono samples in dst.
func (d *wavDecoder) decode(dst []float32, b []byte) {
	ch := d.channels
	scale := 1 / float32(ch)
	switch {
	case d.bits == 16 && ch == 1:
		for i := range dst {
			dst[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
		}
	case d.bits == 8:
		for i := range dst {
			var s float32
			for c := 0; c < ch; c++ {
				s += float32(int(b[i*ch+c])-128) / 128
			}
			dst[i] = s * scale
		}
	case d.bits == 16:
		for i := range dst {
			var s float32
			for c := 0; c < ch; c++ {
				s += float32(int16(binary.LittleEndian.Uint16(b[2*(i*ch+c):]))) / 32768
			}
			dst[i] = s * scale
		}
	case d.bits == 24:
		for i := range dst {
			var s float32
			for c := 0; c < ch; c++ {
				p := b[3*(i*ch+c):]
				v := int32(uint32(p[0])<<8|uint32(p[1])<<16|uint32(p[2])<<24) >> 8
				s += float32(v) / (1 << 23)
			}
			dst[i] = s * scale
		}
	case d.bits == 32 && !d.float:
		for i := range dst {
			var s float32
			for c := 0; c < ch; c++ {
				s += float32(int32(binary.LittleEndian.Uint32(b[4*(i*ch+c):]))) / (1 << 31)
			}
			dst[i] = s * scale
		}
	case d.bits == 32:
		for i := range dst {
			var s float32
			for c := 0; c < ch; c++ {
				s += clamp(math.Float32frombits(binary.LittleEndian.Uint32(b[4*(i*ch+c):])))
			}
			dst[i] = s * scale
		}
	default: // 64-bit float
		for i := range dst {
			var s float32
			for c := 0; c < ch; c++ {
				s += clamp(float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*(i*ch+c):]))))
			}
			dst[i] = s * scale
		}
	}
}

// skip discards n bytes of r.
func skip(r io.Reader, n int64) error {
	if n <= 0 {
		return nil
	}
	m, err := io.CopyN(io.Discard, r, n)
	if err != nil && m < n {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}
