// Package media stores uploaded media and reads what Concord needs from it.
//
// It holds a content-addressed blob store (Blobs, with a local-disk
// implementation), type sniffing from magic numbers (Sniff), image
// dimensions from headers (ReadImageInfo), streaming audio decoding to mono
// (NewAudioReader, DecodeMono), waveform peaks for wavesurfer.js (Peaks) and
// a defensive zip reader for imports (ReadZip). It knows nothing of HTTP or
// SQL: inputs are readers and plain values.
package media

import "errors"

// Kind is the broad class of a media file.
type Kind string

// The kinds of media Concord accepts.
const (
	KindImage Kind = "image"
	KindAudio Kind = "audio"
)

// Sentinel errors; every error returned by this package that falls in one of
// these classes wraps it, so callers can test with errors.Is.
var (
	// ErrNotFound means no blob has the requested hash.
	ErrNotFound = errors.New("media: blob not found")
	// ErrInvalidHash means a hash is not 64 lowercase hexadecimal digits.
	ErrInvalidHash = errors.New("media: invalid hash")
	// ErrTypeMismatch means a file's bytes are not the type its name claims.
	ErrTypeMismatch = errors.New("media: file type does not match its name")
	// ErrUnsupportedType means a file's bytes are not a supported media type.
	ErrUnsupportedType = errors.New("media: unsupported media type")
	// ErrImageTooLarge means an image has more pixels than MaxImagePixels.
	ErrImageTooLarge = errors.New("media: image too large")
	// ErrBadAudio means an audio stream is malformed or uses an unsupported encoding.
	ErrBadAudio = errors.New("media: bad audio")
	// ErrUnsafeZip means a zip archive was refused: unsafe names, duplicates,
	// symlinks, or sizes past the limits.
	ErrUnsafeZip = errors.New("media: zip refused")
)
