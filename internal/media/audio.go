package media

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// AudioInfo is what Concord records about an audio file at import.
type AudioInfo struct {
	Duration   float64 `json:"duration"` // seconds
	SampleRate int     `json:"sample_rate"`
	Channels   int     `json:"channels"` // in the file; decoded audio is mixed to mono
}

// monoSource yields mono samples in [-1, 1]; it returns (0, io.EOF) at the end.
type monoSource interface {
	read(dst []float32) (int, error)
}

// AudioReader streams an audio file (WAV, MP3 or FLAC) as mono float32 samples in [-1, 1].
type AudioReader struct {
	mime     string
	rate     int
	channels int
	frames   int64
	src      monoSource
}

// NewAudioReader reads r's header, picks a decoder from its magic number and
// returns a reader of its samples; OGG and unknown formats are refused.
func NewAudioReader(r io.Reader) (*AudioReader, error) {
	br := bufio.NewReaderSize(r, 16<<10)
	head, err := br.Peek(SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("media: audio: %w", err)
	}
	kind, mime := sniffBytes(head)
	if kind != KindAudio {
		if mime == "" {
			mime = "not a supported format"
		}
		return nil, fmt.Errorf("%w: audio: the bytes are %s; want WAV, MP3 or FLAC", ErrUnsupportedType, mime)
	}
	switch mime {
	case MIMEWAV:
		return newWAVReader(br)
	case MIMEMP3:
		return newMP3Reader(br)
	case MIMEFLAC:
		return newFLACReader(br)
	default: // OGG
		return nil, fmt.Errorf("%w: audio: OGG (Vorbis/Opus) is not supported: no maintained pure-Go decoder is available to Concord; convert it to WAV, MP3 or FLAC",
			ErrUnsupportedType)
	}
}

// MIME returns the media type of the stream.
func (a *AudioReader) MIME() string { return a.mime }

// SampleRate returns the samples per second.
func (a *AudioReader) SampleRate() int { return a.rate }

// Channels returns the number of channels in the file (samples are mixed to mono).
func (a *AudioReader) Channels() int { return a.channels }

// Frames returns the number of samples per channel the header announces, or -1 if it does not say.
func (a *AudioReader) Frames() int64 { return a.frames }

// Read fills dst with mono samples in [-1, 1] and returns io.EOF after the last one.
func (a *AudioReader) Read(dst []float32) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	return a.src.read(dst)
}

// ReadAudioInfo decodes the whole stream (in constant memory) and returns its
// format and exact duration.
func ReadAudioInfo(r io.Reader) (AudioInfo, error) {
	a, err := NewAudioReader(r)
	if err != nil {
		return AudioInfo{}, err
	}
	buf := make([]float32, 8192)
	var n int64
	for {
		k, err := a.Read(buf)
		n += int64(k)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return AudioInfo{}, err
		}
	}
	return AudioInfo{Duration: float64(n) / float64(a.rate), SampleRate: a.rate, Channels: a.channels}, nil
}

// DecodeMono decodes a whole audio stream into mono samples in [-1, 1] and
// returns them with the sample rate; meant for short clips (the classifier).
func DecodeMono(r io.Reader) ([]float32, int, error) {
	a, err := NewAudioReader(r)
	if err != nil {
		return nil, 0, err
	}
	capacity := int64(4096)
	if a.frames > 0 {
		capacity = min(a.frames, 1<<20) // a header may lie: grow past this by appending
	}
	out := make([]float32, 0, capacity)
	buf := make([]float32, 8192)
	for {
		k, err := a.Read(buf)
		out = append(out, buf[:k]...)
		if errors.Is(err, io.EOF) {
			return out, a.rate, nil
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

// clamp maps x into [-1, 1], and NaN to 0.
func clamp(x float32) float32 {
	switch {
	case x > 1:
		return 1
	case x < -1:
		return -1
	case x != x:
		return 0
	}
	return x
}
