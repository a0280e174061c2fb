package web_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"concord/static"
)

var staticRef = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)

// TestStaticURLsAreVersioned checks that pages link their scripts and styles under
// the content hash, that those URLs are cached for good while unversioned and
// outdated ones must be revalidated, and that the labeling workspace's ES modules,
// imported relatively, resolve under the same version.
func TestStaticURLsAreVersioned(t *testing.T) {
	t.Parallel()
	e, p, _ := labelEnv(t, 1, 1, "ann")
	br := e.browser()
	br.signIn("manager@x.org")
	versioned := "/static/" + static.Version + "/"
	seen := map[string]bool{}
	for _, page := range []string{fmt.Sprintf("/projects/%d", p.ID), fmt.Sprintf("/projects/%d/label", p.ID), fmt.Sprintf("/projects/%d/quality", p.ID)} {
		code, html := br.get(page)
		refs := staticRef.FindAllStringSubmatch(html, -1)
		if code != 200 || len(refs) == 0 {
			t.Fatalf("%s: %d with %d static references", page, code, len(refs))
		}
		for _, m := range refs {
			if !strings.HasPrefix(m[1], versioned) {
				t.Errorf("%s links %s, not under %s", page, m[1], versioned)
			}
			seen[m[1]] = true
		}
	}
	for _, want := range []string{"js/live.js", "vendor/htmx/htmx.min.js", "js/label/main.js", "js/label/spans.js"} {
		if !seen[static.URL(want)] {
			t.Errorf("no page links %s", static.URL(want))
		}
	}
	for ref := range seen {
		resp := br.do("GET", ref, nil, nil)
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, Cache-Control %q", ref, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	// main.js imports its siblings relatively: they resolve under the same version.
	resp := br.do("GET", static.URL("js/label/main.js"), nil, nil)
	main, _ := io.ReadAll(resp.Body)
	imports := regexp.MustCompile(`import "\./([a-z]+\.js)"`).FindAllStringSubmatch(string(main), -1)
	if len(imports) < 7 {
		t.Fatalf("main.js imports %d modules:\n%s", len(imports), main)
	}
	for _, m := range imports {
		if !seen[static.URL("js/label/"+m[1])] {
			t.Errorf("the labeling page does not preload %s, which main.js imports", m[1])
		}
	}

	for _, c := range []struct{ path, cache string }{
		{"/static/js/live.js", "no-cache"},                  // unversioned: kept working, revalidated
		{"/static/0123456789abcdef/js/live.js", "no-cache"}, // an older version: today's file, revalidated
		{"/static/" + static.Version + "/js/nope.js", ""},   // no such file
	} {
		resp := br.do("GET", c.path, nil, nil)
		body, _ := io.ReadAll(resp.Body)
		switch {
		case c.cache == "" && resp.StatusCode != 404:
			t.Errorf("%s: %d, want 404", c.path, resp.StatusCode)
		case c.cache != "" && (resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != c.cache || !strings.Contains(string(body), "WebSocket")):
			t.Errorf("%s: %d, Cache-Control %q, want 200 and %q with live.js", c.path, resp.StatusCode, resp.Header.Get("Cache-Control"), c.cache)
		}
	}
	// Revalidation is cheap: the ETag is the version.
	resp = br.do("GET", "/static/js/live.js", nil, map[string]string{"If-None-Match": `"` + static.Version + `"`})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating with the current version: %d, want 304", resp.StatusCode)
	}
}
