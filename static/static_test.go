package static

import (
	"io/fs"
	"regexp"
	"testing"
	"testing/fstest"
)

func TestHashFollowsContent(t *testing.T) {
	tree := fstest.MapFS{
		"js/a.js":   {Data: []byte("console.log(1)")},
		"css/b.css": {Data: []byte("body{}")},
	}
	first := Hash(tree)
	if again := Hash(tree); again != first {
		t.Fatalf("the same tree hashed to %s and %s", first, again)
	}
	tree["js/a.js"] = &fstest.MapFile{Data: []byte("console.log(2)")}
	if changed := Hash(tree); changed == first {
		t.Fatalf("a changed file kept the hash %s", first)
	}
	renamed := fstest.MapFS{"js/c.js": tree["js/a.js"], "css/b.css": tree["css/b.css"]}
	if Hash(renamed) == Hash(tree) {
		t.Fatal("a renamed file kept the hash")
	}
}

func TestURL(t *testing.T) {
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(Version) {
		t.Fatalf("Version %q is not 16 hex digits", Version)
	}
	if got, want := URL("js/live.js"), "/static/"+Version+"/js/live.js"; got != want {
		t.Fatalf("URL = %q, want %q", got, want)
	}
	if _, err := fs.Stat(FS, "js/live.js"); err != nil {
		t.Fatalf("the file the test names is not embedded: %v", err)
	}
}
