package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DiskStore keeps blobs on a local disk as <root>/<hash[0:2]>/<hash>.
type DiskStore struct {
	root string
}

var _ Blobs = (*DiskStore)(nil)

// NewDiskStore returns a store rooted at root, creating the directory if needed.
func NewDiskStore(root string) (*DiskStore, error) {
	if root == "" {
		return nil, errors.New("media: disk store: empty root")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("media: disk store %s: %w", root, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("media: disk store %s: %w", root, err)
	}
	return &DiskStore{root: abs}, nil
}

// Root returns the directory the store writes under.
func (d *DiskStore) Root() string { return d.root }

// path returns the file name of a validated hash.
func (d *DiskStore) path(hash string) string {
	return filepath.Join(d.root, hash[:2], hash)
}

// Put streams r to a temporary file in the store while hashing it, then
// renames it atomically into place; identical bytes end up as one file.
func (d *DiskStore) Put(ctx context.Context, r io.Reader) (Blob, error) {
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return Blob{}, fmt.Errorf("media: put: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op after a successful rename

	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx: ctx, r: r})
	if err != nil {
		tmp.Close()
		return Blob{}, fmt.Errorf("media: put: copy: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Blob{}, fmt.Errorf("media: put: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("media: put: close: %w", err)
	}
	b := Blob{Hash: hex.EncodeToString(h.Sum(nil)), Size: n}
	dst := d.path(b.Hash)
	if fi, err := os.Stat(dst); err == nil && fi.Size() == n {
		return b, nil // already stored; the deferred Remove drops the copy
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return Blob{}, fmt.Errorf("media: put %s: %w", b.Hash, err)
	}
	if err := os.Chmod(tmpName, 0o640); err != nil {
		return Blob{}, fmt.Errorf("media: put %s: %w", b.Hash, err)
	}
	// rename(2) is atomic: concurrent Puts of the same bytes each replace the
	// file with identical content, and readers never see a partial file.
	if err := os.Rename(tmpName, dst); err != nil {
		return Blob{}, fmt.Errorf("media: put %s: %w", b.Hash, err)
	}
	return b, nil
}

// Open returns the blob's file and size.
func (d *DiskStore) Open(ctx context.Context, hash string) (io.ReadSeekCloser, int64, error) {
	if err := ValidateHash(hash); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(d.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("%w: %s", ErrNotFound, hash)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("media: open %s: %w", hash, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("media: open %s: %w", hash, err)
	}
	return f, fi.Size(), nil
}

// Exists reports whether the blob is stored.
func (d *DiskStore) Exists(ctx context.Context, hash string) (bool, error) {
	if err := ValidateHash(hash); err != nil {
		return false, err
	}
	_, err := os.Stat(d.path(hash))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("media: exists %s: %w", hash, err)
	}
}

// Delete removes the blob if it is stored.
func (d *DiskStore) Delete(ctx context.Context, hash string) error {
	if err := ValidateHash(hash); err != nil {
		return err
	}
	err := os.Remove(d.path(hash))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete %s: %w", hash, err)
	}
	return nil
}
