package ml

import (
	"encoding/binary"
	"fmt"
	"os"
)

// readWAV decodes a PCM 16-bit little-endian WAV file into mono samples in
// [-1, 1) (channels averaged) and its sample rate. It is a minimal reader
// for tests; the product's decoder lives in internal/media.
func readWAV(path string) ([]float32, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, fmt.Errorf("%s: not a RIFF/WAVE file", path)
	}
	var rate, channels, bits int
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8 : min(p+8+size, len(b))]
		switch id {
		case "fmt ":
			if len(body) < 16 || binary.LittleEndian.Uint16(body[0:2]) != 1 {
				return nil, 0, fmt.Errorf("%s: not PCM", path)
			}
			channels = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
		case "data":
			if bits != 16 || channels < 1 {
				return nil, 0, fmt.Errorf("%s: %d-bit, %d channels: want 16-bit PCM", path, bits, channels)
			}
			n := len(body) / 2 / channels
			out := make([]float32, n)
			for i := 0; i < n; i++ {
				var s float32
				for c := 0; c < channels; c++ {
					s += float32(int16(binary.LittleEndian.Uint16(body[2*(i*channels+c):]))) / 32768
				}
				out[i] = s / float32(channels)
			}
			return out, rate, nil
		}
		p += 8 + size + size%2
	}
	return nil, 0, fmt.Errorf("%s: no data chunk", path)
}
