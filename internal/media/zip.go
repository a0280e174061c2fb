package media

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// ZipLimits bounds what ReadZip accepts; a zero field takes its default.
type ZipLimits struct {
	MaxMembers   int     // files in the archive; default 100,000
	MaxTotalSize int64   // decompressed bytes of all members; default 4 GiB
	MaxRatio     float64 // decompressed/compressed bytes of a member past 1 MiB; default 100
}

// Default zip limits.
const (
	DefaultZipMaxMembers   = 100_000
	DefaultZipMaxTotalSize = 4 << 30
	DefaultZipMaxRatio     = 100
	// zipRatioFloor is the decompressed size below which the ratio is not
	// checked: tiny members (a blank line, a run of zeros) compress absurdly well.
	zipRatioFloor = 1 << 20
)

// withDefaults fills zero fields.
func (l ZipLimits) withDefaults() ZipLimits {
	if l.MaxMembers <= 0 {
		l.MaxMembers = DefaultZipMaxMembers
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = DefaultZipMaxTotalSize
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultZipMaxRatio
	}
	return l
}

// ReadZip checks a zip archive and calls fn for each regular file in it, in
// archive order, with its cleaned slash-separated name and a function that
// opens its decompressed bytes; directories are skipped.
//
// Before fn is first called, the archive is refused (ErrUnsafeZip, naming the
// member) if it has more than MaxMembers files, a name that is absolute or
// leaves the archive (zip-slip), two members with the same name, a symlink or
// other non-regular file, or header sizes past the limits. Headers can lie,
// so the readers given to fn also count the real decompressed bytes and fail
// once a member passes MaxRatio or all members pass MaxTotalSize.
// An error from fn stops the walk and is returned as it is.
func ReadZip(r io.ReaderAt, size int64, limits ZipLimits, fn func(name string, open func() (io.ReadCloser, error)) error) error {
	limits = limits.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // insecure names get our own error below
		return fmt.Errorf("%w: not a readable zip archive: %w", ErrUnsafeZip, err)
	}
	if len(zr.File) > limits.MaxMembers {
		return fmt.Errorf("%w: %d members, over the limit of %d", ErrUnsafeZip, len(zr.File), limits.MaxMembers)
	}
	names := make([]string, len(zr.File))
	seen := make(map[string]bool, len(zr.File))
	var declared uint64
	for i, f := range zr.File {
		name, dir, err := zipMemberName(f)
		if err != nil {
			return err
		}
		if seen[name] {
			return fmt.Errorf("%w: member %q: duplicate name", ErrUnsafeZip, f.Name)
		}
		seen[name] = true
		if dir {
			continue
		}
		names[i] = name
		declared += f.UncompressedSize64
		if declared > uint64(limits.MaxTotalSize) {
			return fmt.Errorf("%w: member %q: members declare more than %d bytes in all", ErrUnsafeZip, f.Name, limits.MaxTotalSize)
		}
		if ratioExceeded(f.UncompressedSize64, f.CompressedSize64, limits.MaxRatio) {
			return fmt.Errorf("%w: member %q: compression ratio %.0f:1 is over the limit of %.0f:1 (a zip bomb?)",
				ErrUnsafeZip, f.Name, float64(f.UncompressedSize64)/float64(max(f.CompressedSize64, 1)), limits.MaxRatio)
		}
	}
	var total int64 // real decompressed bytes read so far, across members
	for i, f := range zr.File {
		if names[i] == "" {
			continue
		}
		open := func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%w: member %q: %w", ErrUnsafeZip, f.Name, err)
			}
			return &zipMemberReader{rc: rc, f: f, limits: limits, total: &total}, nil
		}
		if err := fn(names[i], open); err != nil {
			return err
		}
	}
	return nil
}

// zipMemberName checks a member's name and type and returns its cleaned name
// and whether it is a directory.
func zipMemberName(f *zip.File) (string, bool, error) {
	raw := f.Name
	bad := func(reason string) (string, bool, error) {
		return "", false, fmt.Errorf("%w: member %q: %s", ErrUnsafeZip, raw, reason)
	}
	if raw == "" || strings.ContainsRune(raw, 0) {
		return bad("empty name or a NUL byte in the name")
	}
	name := strings.ReplaceAll(raw, `\`, "/") // some Windows tools write backslashes
	if strings.HasPrefix(name, "/") || (len(name) >= 2 && name[1] == ':') {
		return bad("absolute path")
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return bad(`path leaves the archive ("..")`)
		}
	}
	mode := f.Mode()
	dir := mode.IsDir() || strings.HasSuffix(name, "/")
	switch {
	case mode&fs.ModeSymlink != 0:
		return bad("symbolic link")
	case !dir && !mode.IsRegular():
		return bad(fmt.Sprintf("not a regular file (%s)", mode.Type()))
	}
	name = path.Clean(name)
	if name == "." {
		return bad("empty path")
	}
	return name, dir, nil
}

// ratioExceeded reports whether decompressed/compressed passes maxRatio for a member past zipRatioFloor.
func ratioExceeded(decompressed, compressed uint64, maxRatio float64) bool {
	return decompressed > zipRatioFloor && float64(decompressed) > maxRatio*float64(compressed)
}

// zipMemberReader counts the bytes really decompressed from one member.
type zipMemberReader struct {
	rc     io.ReadCloser
	f      *zip.File
	limits ZipLimits
	n      int64
	total  *int64
}

func (z *zipMemberReader) Read(p []byte) (int, error) {
	n, err := z.rc.Read(p)
	z.n += int64(n)
	*z.total += int64(n)
	switch {
	case *z.total > z.limits.MaxTotalSize:
		return n, fmt.Errorf("%w: member %q: the archive decompresses to more than %d bytes", ErrUnsafeZip, z.f.Name, z.limits.MaxTotalSize)
	case ratioExceeded(uint64(z.n), z.f.CompressedSize64, z.limits.MaxRatio):
		return n, fmt.Errorf("%w: member %q: decompresses past %.0f times its compressed size of %d bytes (a zip bomb?)",
			ErrUnsafeZip, z.f.Name, z.limits.MaxRatio, z.f.CompressedSize64)
	case err != nil && !errors.Is(err, io.EOF) && uint64(z.n) >= z.f.UncompressedSize64:
		return n, fmt.Errorf("%w: member %q: decompresses past the %d bytes its header declares: %w",
			ErrUnsafeZip, z.f.Name, z.f.UncompressedSize64, err)
	case err != nil && !errors.Is(err, io.EOF):
		return n, fmt.Errorf("%w: member %q: %w", ErrUnsafeZip, z.f.Name, err)
	}
	return n, err
}

func (z *zipMemberReader) Close() error { return z.rc.Close() }
