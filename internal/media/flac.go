package media

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
)

// flacDecoder adapts mewkiz/flac, which decodes one frame (block) at a time.
type flacDecoder struct {
	s       *flac.Stream
	scale   float32
	pending []float32 // decoded mono samples not yet returned
}

// newFLACReader reads a FLAC stream's STREAMINFO block.
func newFLACReader(r io.Reader) (*AudioReader, error) {
	var s *flac.Stream
	err := guard(func() error {
		var err error
		s, err = flac.New(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: flac: %w", ErrBadAudio, err)
	}
	info := s.Info
	if info.SampleRate == 0 || info.NChannels == 0 || info.BitsPerSample == 0 || info.BitsPerSample > 32 {
		return nil, fmt.Errorf("%w: flac: stream info: %d Hz, %d channels, %d bits", ErrBadAudio,
			info.SampleRate, info.NChannels, info.BitsPerSample)
	}
	frames := int64(-1)
	if info.NSamples > 0 && info.NSamples < 1<<62 {
		frames = int64(info.NSamples)
	}
	d := &flacDecoder{s: s, scale: 1 / float32(uint64(1)<<(info.BitsPerSample-1))}
	return &AudioReader{mime: MIMEFLAC, rate: int(info.SampleRate), channels: int(info.NChannels), frames: frames, src: d}, nil
}

// read returns decoded samples, parsing the next frame when none are pending.
func (d *flacDecoder) read(dst []float32) (int, error) {
	for len(d.pending) == 0 {
		if err := d.next(); err != nil {
			return 0, err
		}
	}
	n := copy(dst, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// next decodes one frame into pending.
func (d *flacDecoder) next() error {
	err := guard(func() error {
		f, err := d.s.ParseNext()
		if err != nil {
			return err
		}
		if len(f.Subframes) == 0 {
			return errors.New("frame without subframes")
		}
		n := len(f.Subframes[0].Samples)
		mono := make([]float32, n)
		scale := d.scale / float32(len(f.Subframes))
		for _, sf := range f.Subframes {
			if len(sf.Samples) != n {
				return errors.New("subframes of different lengths")
			}
			for i, v := range sf.Samples {
				mono[i] += float32(v) * scale
			}
		}
		for i := range mono {
			mono[i] = clamp(mono[i])
		}
		d.pending = mono
		return nil
	})
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	if err != nil {
		return fmt.Errorf("%w: flac: %w", ErrBadAudio, err)
	}
	return nil
}
