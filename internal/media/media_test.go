package media

import (
	"bytes"
	"encoding/binary"
	"math"
)

// makeWAV builds a RIFF WAVE file from interleaved samples in [-1, 1].
func makeWAV(format uint16, bits, channels, rate int, samples []float64) []byte {
	var data bytes.Buffer
	for _, s := range samples {
		switch {
		case format == wavFloat && bits == 32:
			binary.Write(&data, binary.LittleEndian, float32(s))
		case format == wavFloat:
			binary.Write(&data, binary.LittleEndian, s)
		case bits == 8:
			data.WriteByte(byte(int(math.Round(s*127)) + 128))
		case bits == 16:
			binary.Write(&data, binary.LittleEndian, int16(math.Round(s*32767)))
		case bits == 24:
			v := int32(math.Round(s * 8388607))
			data.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16)})
		case bits == 32:
			binary.Write(&data, binary.LittleEndian, int32(math.Round(s*2147483647)))
		}
	}
	return wavBytes(format, bits, channels, rate, data.Bytes(), uint32(data.Len()))
}

// wavBytes wraps PCM data in a RIFF header whose data chunk announces dataSize bytes.
func wavBytes(format uint16, bits, channels, rate int, data []byte, dataSize uint32) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(36+len(data)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, le, uint32(16))
	binary.Write(&b, le, format)
	binary.Write(&b, le, uint16(channels))
	binary.Write(&b, le, uint32(rate))
	binary.Write(&b, le, uint32(rate*channels*bits/8))
	binary.Write(&b, le, uint16(channels*bits/8))
	binary.Write(&b, le, uint16(bits))
	b.WriteString("LIST") // an unrelated chunk to skip, with an odd size and its pad byte
	binary.Write(&b, le, uint32(3))
	b.Write([]byte{'a', 'b', 'c', 0})
	b.WriteString("data")
	binary.Write(&b, le, dataSize)
	b.Write(data)
	return b.Bytes()
}

// silentMP3 builds an MP3 of n MPEG-1 layer III frames at 128 kbit/s and
// 44.1 kHz whose zeroed side information decodes to silence.
func silentMP3(n int, mono bool) []byte {
	header := []byte{0xFF, 0xFB, 0x90, 0x64}
	if mono {
		header[3] = 0xC4
	}
	const frameLen = 417 // 144 * 128000 / 44100
	var b bytes.Buffer
	for range n {
		b.Write(header)
		b.Write(make([]byte, frameLen-4))
	}
	return b.Bytes()
}
