// Package static embeds Concord's stylesheets and scripts and names them by content.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
)

// FS holds css/, js/ and vendor/ (third-party scripts, with their licences).
//
//go:embed css js vendor
var FS embed.FS

// Version is a short hash of every embedded file's name and content, computed
// once at start-up: pages link /static/<Version>/<file>, so a deploy that
// changes any file changes every URL, and browsers may cache them for good.
// One hash for the whole tree (not one per file) keeps the relative imports of
// the labeling workspace's ES modules inside one version.
var Version = Hash(FS)

// URL is the versioned URL of the embedded file name, e.g. URL("js/live.js").
func URL(name string) string { return "/static/" + Version + "/" + name }

// Hash is the first 16 hex digits of a SHA-256 over every regular file of
// fsys, in lexical order, each as its path, a zero byte and its content.
func Hash(fsys fs.FS) string {
	var names []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			panic("static: read embedded " + n + ": " + err.Error())
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
