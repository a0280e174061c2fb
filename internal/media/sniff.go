package media

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"strings"
)

// SniffLen is how many leading bytes Sniff needs to decide a file's type.
const SniffLen = 512

// The media types Sniff recognises.
const (
	MIMEPNG  = "image/png"
	MIMEJPEG = "image/jpeg"
	MIMEGIF  = "image/gif"
	MIMEWebP = "image/webp"
	MIMEWAV  = "audio/wav"
	MIMEMP3  = "audio/mpeg"
	MIMEOgg  = "audio/ogg"
	MIMEFLAC = "audio/flac"
)

// extensionType returns the media type a lowercase file extension claims.
func extensionType(ext string) (string, bool) {
	switch ext {
	case ".png":
		return MIMEPNG, true
	case ".jpg", ".jpeg", ".jpe", ".jfif":
		return MIMEJPEG, true
	case ".gif":
		return MIMEGIF, true
	case ".webp":
		return MIMEWebP, true
	case ".wav", ".wave":
		return MIMEWAV, true
	case ".mp3":
		return MIMEMP3, true
	case ".ogg", ".oga", ".opus":
		return MIMEOgg, true
	case ".flac":
		return MIMEFLAC, true
	}
	return "", false
}

// Sniff decides a media file's kind and MIME type from its leading bytes
// (pass at least SniffLen of them, or the whole file if shorter); the
// filename is only checked against the bytes: a name whose extension claims
// another type is refused with ErrTypeMismatch, bytes of no supported type
// with ErrUnsupportedType. A name without an extension is judged by its bytes.
func Sniff(header []byte, filename string) (Kind, string, error) {
	kind, mime := sniffBytes(header)
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
	claimed, known := extensionType(ext)
	if mime == "" {
		detected := http.DetectContentType(header)
		if known {
			return "", "", fmt.Errorf("%w: %s: the name claims %s but the bytes are %s",
				ErrTypeMismatch, filename, claimed, detected)
		}
		return "", "", fmt.Errorf("%w: %s: the bytes are %s; want PNG, JPEG, GIF, WebP, WAV, MP3, OGG or FLAC",
			ErrUnsupportedType, filename, detected)
	}
	switch {
	case known && claimed != mime:
		return "", "", fmt.Errorf("%w: %s: the name claims %s but the bytes are %s",
			ErrTypeMismatch, filename, claimed, mime)
	case !known && ext != "":
		return "", "", fmt.Errorf("%w: %s: the name claims a %s file but the bytes are %s",
			ErrTypeMismatch, filename, ext, mime)
	}
	return kind, mime, nil
}

// sniffBytes returns the kind and MIME type of header's magic number, or "" if none matches.
func sniffBytes(b []byte) (Kind, string) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return KindImage, MIMEPNG
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return KindImage, MIMEJPEG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return KindImage, MIMEGIF
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return KindImage, MIMEWebP
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return KindAudio, MIMEWAV
	case bytes.HasPrefix(b, []byte("OggS")):
		return KindAudio, MIMEOgg
	case bytes.HasPrefix(b, []byte("fLaC")):
		return KindAudio, MIMEFLAC
	case isMP3(b):
		return KindAudio, MIMEMP3
	}
	return "", ""
}

// isMP3 reports whether b starts with an ID3v2 tag or an MPEG-1/2 layer III
// frame header (followed by another frame header where b is long enough to hold it).
func isMP3(b []byte) bool {
	if len(b) >= 10 && string(b[:3]) == "ID3" && b[3] < 0xFF && b[4] < 0xFF &&
		b[6]&0x80 == 0 && b[7]&0x80 == 0 && b[8]&0x80 == 0 && b[9]&0x80 == 0 {
		return true
	}
	h, ok := parseMP3Header(b)
	if !ok {
		return false
	}
	if len(b) >= h.frameLen+4 {
		_, ok = parseMP3Header(b[h.frameLen:])
	}
	return ok
}

// mp3Header is the part of an MPEG audio frame header that Concord reads.
type mp3Header struct {
	sampleRate int
	channels   int
	frameLen   int // bytes, header included
}

// parseMP3Header parses a layer III frame header at the start of b.
func parseMP3Header(b []byte) (mp3Header, bool) {
	bitrates := [2][16]int{ // kbit/s, layer III; [0] MPEG-1, [1] MPEG-2 and 2.5
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	}
	rates := [4][3]int{ // by version bits: 2.5, reserved, 2, 1
		{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000},
	}
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return mp3Header{}, false
	}
	version := (b[1] >> 3) & 3
	layer := (b[1] >> 1) & 3
	bitrateIdx := b[2] >> 4
	rateIdx := (b[2] >> 2) & 3
	if version == 1 || layer != 1 || bitrateIdx == 0 || bitrateIdx == 15 || rateIdx == 3 {
		return mp3Header{}, false
	}
	v := 1
	if version == 3 {
		v = 0
	}
	rate := rates[version][rateIdx]
	kbps := bitrates[v][bitrateIdx]
	padding := int(b[2]>>1) & 1
	coef := 144
	if v == 1 {
		coef = 72
	}
	channels := 2
	if b[3]>>6 == 3 {
		channels = 1
	}
	return mp3Header{sampleRate: rate, channels: channels, frameLen: coef*kbps*1000/rate + padding}, true
}
