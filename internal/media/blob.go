package media

import (
	"context"
	"fmt"
	"io"
)

// Blob identifies stored bytes by their SHA-256.
type Blob struct {
	Hash string `json:"hash"` // 64 lowercase hexadecimal digits
	Size int64  `json:"size"` // bytes
}

// Blobs is a content-addressed store: the same bytes stored twice are one blob.
//
// The shape fits an S3-compatible store as well as a local disk: Put can
// stream to a temporary object and copy it to its hash key (or upload with a
// precomputed checksum), Open can return a reader that issues ranged GETs on
// Seek, and Exists and Delete map to HEAD and DELETE. Callers limit the size
// of what they Put (http.MaxBytesReader, io.LimitReader).
type Blobs interface {
	// Put stores everything r yields and returns its hash and size.
	Put(ctx context.Context, r io.Reader) (Blob, error)
	// Open returns the blob's bytes, seekable for HTTP Range requests, and its
	// size; a missing blob is ErrNotFound.
	Open(ctx context.Context, hash string) (io.ReadSeekCloser, int64, error)
	// Exists reports whether a blob with this hash is stored.
	Exists(ctx context.Context, hash string) (bool, error)
	// Delete removes a blob; deleting a missing blob is not an error.
	Delete(ctx context.Context, hash string) error
}

// ValidateHash returns ErrInvalidHash unless hash is 64 lowercase hex digits,
// so that a hash can never name a path outside the store.
func ValidateHash(hash string) error {
	if len(hash) != 64 {
		return fmt.Errorf("%w: %q: want 64 hex digits", ErrInvalidHash, truncate(hash, 80))
	}
	for i := 0; i < len(hash); i++ {
		c := hash[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return fmt.Errorf("%w: %q: want lowercase hex digits", ErrInvalidHash, truncate(hash, 80))
		}
	}
	return nil
}

// truncate shortens s for error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ctxReader stops a copy when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ReadBlob reads a whole blob.
func ReadBlob(ctx context.Context, b Blobs, hash string) ([]byte, error) {
	rc, _, err := b.Open(ctx, hash)
	if err != nil {
		return nil, fmt.Errorf("media %s: %w", hash, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
