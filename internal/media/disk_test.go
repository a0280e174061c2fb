package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDiskStorePutOpenDedup(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewDiskStore(root)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("the same bytes, stored twice")
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])

	a, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a.Hash != want || a.Size != int64(len(data)) {
		t.Fatalf("Put twice = %+v, %+v; want hash %s size %d", a, b, want, len(data))
	}
	if _, err := os.Stat(filepath.Join(root, want[:2], want)); err != nil {
		t.Fatalf("blob not at <root>/<hash[0:2]>/<hash>: %v", err)
	}
	if n := countFiles(t, root); n != 1 {
		t.Errorf("%d files in the store after two Puts of the same bytes, want 1", n)
	}

	rc, size, err := s.Open(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	if _, err := rc.Seek(4, io.SeekStart); err != nil {
		t.Errorf("Seek: %v", err)
	}
	rc.Close()
	if size != int64(len(data)) || !bytes.Equal(got, data) {
		t.Errorf("Open = %q (size %d), want %q", got, size, data)
	}

	if ok, err := s.Exists(ctx, want); !ok || err != nil {
		t.Errorf("Exists = %v, %v; want true", ok, err)
	}
	if err := s.Delete(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, want); err != nil {
		t.Errorf("second Delete = %v, want nil", err)
	}
	if ok, _ := s.Exists(ctx, want); ok {
		t.Error("Exists after Delete = true")
	}
	if _, _, err := s.Open(ctx, want); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open after Delete = %v, want ErrNotFound", err)
	}
}

func TestDiskStoreRefusesBadHashes(t *testing.T) {
	ctx := context.Background()
	s, err := NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, hash := range []string{
		"",
		"../../../../etc/passwd",
		"../" + strings.Repeat("a", 61),
		strings.Repeat("A", 64),
		strings.Repeat("a", 63),
		strings.Repeat("a", 65),
		strings.Repeat("a", 62) + "/x",
		strings.Repeat("g", 64),
	} {
		if _, _, err := s.Open(ctx, hash); !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Open(%q) = %v, want ErrInvalidHash", hash, err)
		}
		if _, err := s.Exists(ctx, hash); !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Exists(%q) = %v, want ErrInvalidHash", hash, err)
		}
		if err := s.Delete(ctx, hash); !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidHash", hash, err)
		}
	}
}

func TestDiskStoreConcurrentPut(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewDiskStore(root)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("concurrent "), 100_000) // 1.1 MB
	const n = 16
	blobs := make([]Blob, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { blobs[i], errs[i] = s.Put(ctx, bytes.NewReader(data)) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || blobs[i] != blobs[0] {
			t.Fatalf("Put %d = %+v, %v; want %+v", i, blobs[i], errs[i], blobs[0])
		}
	}
	rc, _, err := s.Open(ctx, blobs[0].Hash)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, data) {
		t.Error("stored bytes differ from those put")
	}
	if n := countFiles(t, root); n != 1 {
		t.Errorf("%d files in the store after concurrent Puts, want 1 (temporary files left behind?)", n)
	}
}

func TestDiskStorePutCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root := t.TempDir()
	s, err := NewDiskStore(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context = %v, want context.Canceled", err)
	}
	if n := countFiles(t, root); n != 0 {
		t.Errorf("%d files left after a cancelled Put", n)
	}
}

// countFiles counts regular files under root.
func countFiles(t *testing.T, root string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
