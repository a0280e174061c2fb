package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"concord/internal/auth"
	"concord/internal/ingest"
	"concord/internal/labeling"
	"concord/internal/media"
	"concord/internal/store"
)

// benchPages measures what an annotator's browser downloads to open the
// labeling page of a text-classification project and of an audio project:
// the HTML and every stylesheet and script it references, gzip-compressed as
// the server sends them.
func benchPages(ctx context.Context, e *env, _ float64) ([]figure, error) {
	hash, err := auth.HashPassword("bench password")
	if err != nil {
		return nil, err
	}
	u, err := e.store.CreateUser(ctx, "pages@localhost", "", hash, store.RoleManager)
	if err != nil {
		return nil, err
	}
	blobs, err := media.NewDiskStore(filepath.Join(e.dir, "media"))
	if err != nil {
		return nil, err
	}
	im := &ingest.Importer{Store: e.store, Blobs: blobs}
	mk := func(preset string, file ingest.File) (int64, error) {
		pr, _ := labeling.PresetByName(preset)
		p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: preset, LabelConfig: pr.Config, MaximumAnnotations: 1, Sampling: "sequential"}, u.ID)
		if err != nil {
			return 0, err
		}
		_, err = im.Run(ctx, p, []ingest.File{file}, ingest.Options{})
		return p.ID, err
	}
	text := filepath.Join(e.dir, "one.jsonl")
	os.WriteFile(text, []byte(`{"text": "I love this phone, but the battery dies by noon."}`+"\n"), 0o644)
	textID, err := mk("sentiment", ingest.File{Name: "one.jsonl", Path: text, Size: 60})
	if err != nil {
		return nil, err
	}
	wav := filepath.Join("..", "shared", "data", "audio", "fsdd", "0_george_5.wav")
	if _, err := os.Stat(wav); err != nil {
		wav = filepath.Join("..", "..", "shared", "data", "audio", "fsdd", "0_george_5.wav")
	}
	fi, err := os.Stat(wav)
	if err != nil {
		return nil, fmt.Errorf("an FSDD WAV from ../shared/data is needed: %w", err)
	}
	audioID, err := mk("audio-classes", ingest.File{Name: "0_george_5.wav", Path: wav, Size: fi.Size()})
	if err != nil {
		return nil, err
	}

	srv, err := labelServer(ctx, e, e.store)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{DisableCompression: true}}
	get := func(path string) (body []byte, wire int, err error) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := c.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return nil, 0, fmt.Errorf("%s: %d", path, resp.StatusCode)
		}
		return raw, len(raw), err
	}
	// Sign in as a browser would.
	page, _, err := getPlain(c, srv.URL+"/signin")
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no CSRF token on the sign-in page")
	}
	req, _ := http.NewRequest("POST", srv.URL+"/signin", strings.NewReader(url.Values{"csrf_token": {m[1]}, "email": {u.Email}, "password": {"bench password"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	if resp, err := c.Do(req); err != nil {
		return nil, err
	} else {
		resp.Body.Close()
	}

	weigh := func(projectID int64) (float64, error) {
		_, total, err := get(fmt.Sprintf("/projects/%d/label", projectID))
		if err != nil {
			return 0, err
		}
		html, _, err := getPlain(c, fmt.Sprintf("%s/projects/%d/label", srv.URL, projectID))
		if err != nil {
			return 0, err
		}
		for _, ref := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1) {
			_, n, err := get(ref[1])
			if err != nil {
				return 0, err
			}
			total += n
		}
		return float64(total) / 1024, nil
	}
	textKB, err := weigh(textID)
	if err != nil {
		return nil, err
	}
	audioKB, err := weigh(audioID)
	if err != nil {
		return nil, err
	}
	return []figure{
		{Scenario: "pages", Name: "text-classification labeling page, first load (HTML+CSS+JS, gzip)", Value: textKB, Unit: "KiB", Baseline: 60, BaseName: "aim", Ratio: textKB / 60},
		{Scenario: "pages", Name: "audio labeling page, first load (HTML+CSS+JS incl. wavesurfer, gzip)", Value: audioKB, Unit: "KiB", Baseline: 200, BaseName: "aim", Ratio: audioKB / 200},
	}, nil
}

// getPlain fetches a page uncompressed.
func getPlain(c *http.Client, u string) (string, int, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, err
}
