package media

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"strings"
	"testing"
)

// zipEntry is one member of a zip made in a test.
type zipEntry struct {
	name string
	data []byte
	mode fs.FileMode
}

// makeZip builds a deflated zip of entries.
func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll walks a zip with ReadZip, reading every member, and returns the names and sizes seen.
func readAll(data []byte, limits ZipLimits) (map[string]int, error) {
	got := map[string]int{}
	err := ReadZip(bytes.NewReader(data), int64(len(data)), limits, func(name string, open func() (io.ReadCloser, error)) error {
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		n, err := io.Copy(io.Discard, rc)
		got[name] = int(n)
		return err
	})
	return got, err
}

func TestReadZip(t *testing.T) {
	png := pngHeader(2, 2)
	tests := []struct {
		name   string
		zip    []byte
		limits ZipLimits
		want   map[string]int
		msg    string // substring of the error; "" for success
	}{
		{"good", makeZip(t,
			zipEntry{name: "images/", mode: fs.ModeDir | 0o755},
			zipEntry{name: "images/a.png", data: png},
			zipEntry{name: "b.txt", data: []byte("hello")},
		), ZipLimits{}, map[string]int{"images/a.png": len(png), "b.txt": 5}, ""},
		{"windows backslashes", makeZip(t, zipEntry{name: `dir\a.txt`, data: []byte("x")}), ZipLimits{}, map[string]int{"dir/a.txt": 1}, ""},
		{"dot-dot", makeZip(t, zipEntry{name: "../evil", data: []byte("x")}), ZipLimits{}, nil, `"../evil"`},
		{"dot-dot inside", makeZip(t, zipEntry{name: "a/../../evil", data: []byte("x")}), ZipLimits{}, nil, `"a/../../evil"`},
		{"dot-dot backslash", makeZip(t, zipEntry{name: `..\evil`, data: []byte("x")}), ZipLimits{}, nil, `leaves the archive`},
		{"absolute", makeZip(t, zipEntry{name: "/etc/passwd", data: []byte("x")}), ZipLimits{}, nil, "absolute"},
		{"drive letter", makeZip(t, zipEntry{name: "C:/x", data: []byte("x")}), ZipLimits{}, nil, "absolute"},
		{"duplicate names", makeZip(t,
			zipEntry{name: "a.png", data: png}, zipEntry{name: "a.png", data: png},
		), ZipLimits{}, nil, `"a.png": duplicate`},
		{"duplicate after cleaning", makeZip(t,
			zipEntry{name: "d/a.png", data: png}, zipEntry{name: "d/./a.png", data: png},
		), ZipLimits{}, nil, "duplicate"},
		{"symlink", makeZip(t, zipEntry{name: "link", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}), ZipLimits{}, nil, `"link": symbolic link`},
		{"too many members", makeZip(t,
			zipEntry{name: "1", data: nil}, zipEntry{name: "2", data: nil}, zipEntry{name: "3", data: nil},
		), ZipLimits{MaxMembers: 2}, nil, "3 members"},
		{"total size over the limit", makeZip(t,
			zipEntry{name: "a", data: bytes.Repeat([]byte("ab"), 600)}, zipEntry{name: "b", data: bytes.Repeat([]byte("cd"), 600)},
		), ZipLimits{MaxTotalSize: 2000}, nil, `"b"`},
		{"not a zip", []byte("PK but not really"), ZipLimits{}, nil, "not a readable zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(tt.zip, tt.limits)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("members %v, want %v", got, tt.want)
				}
				for k, v := range tt.want {
					if got[k] != v {
						t.Errorf("member %q: %d bytes, want %d (all: %v)", k, got[k], v, got)
					}
				}
				return
			}
			if !errors.Is(err, ErrUnsafeZip) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error = %v, want ErrUnsafeZip mentioning %q", err, tt.msg)
			}
			if len(got) != 0 {
				t.Errorf("fn was called for %v before the archive was refused", got)
			}
		})
	}
}

func TestReadZipBomb(t *testing.T) {
	// 200 MB of zeros deflate to about 200 KB.
	const size = 200 << 20
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	crc := crc32.NewIEEE()
	for range size / len(zeros) {
		fw.Write(zeros)
		crc.Write(zeros)
	}
	fw.Close()

	build := func(declared uint64) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		w.Create("ok.txt")
		f, err := w.CreateRaw(&zip.FileHeader{
			Name: "bomb.bin", Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: declared,
		})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(raw.Bytes())
		w.Close()
		return buf.Bytes()
	}
	t.Run("honest header", func(t *testing.T) {
		_, err := readAll(build(size), ZipLimits{})
		if !errors.Is(err, ErrUnsafeZip) || !strings.Contains(err.Error(), `"bomb.bin"`) || !strings.Contains(err.Error(), "ratio") {
			t.Fatalf("error = %v, want a refused ratio naming bomb.bin", err)
		}
	})
	t.Run("lying header", func(t *testing.T) {
		// The header claims 2 MiB; what really comes out is counted, and
		// reading stops soon after the claim is passed.
		got, err := readAll(build(2<<20), ZipLimits{})
		if !errors.Is(err, ErrUnsafeZip) || !strings.Contains(err.Error(), `"bomb.bin": decompresses past the 2097152 bytes`) {
			t.Fatalf("error = %v, want ErrUnsafeZip naming bomb.bin and its declared size", err)
		}
		if got["bomb.bin"] > 4<<20 {
			t.Errorf("read %d bytes of the bomb before refusing it", got["bomb.bin"])
		}
	})
}
