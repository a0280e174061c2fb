package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestUsage checks exit-status-2 mistakes need no database.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"bogus"}, {"migrate"}, {"migrate", "sideways"}, {"user"}, {"user", "create", "--email", "a@x.org"}, {"serve", "--migrate=maybe"}, {"user", "create", "--email", "a@x.org", "--password", "12345678", "--role", "king"}} {
		var out, errOut bytes.Buffer
		// A data directory that cannot be created: a usage error must come before any database.
		getenv := func(k string) string {
			if k == "CONCORD_DATA_DIR" {
				return "/dev/null/concord-data"
			}
			return ""
		}
		err := run(context.Background(), args, getenv, &out, &errOut)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("concord %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, os.Getenv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "serve") {
		t.Errorf("help: %v %q", err, out.String())
	}
}

// TestServeEmbedded builds the binary and uses it as a newcomer would: serve on
// the embedded default in an empty directory, sign in as the generated admin,
// create a project over HTTP, use the other subcommands beside the running
// server and after it stopped.
func TestServeEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	// The embedded cluster may run as an unprivileged account: let it in.
	os.Chmod(dir, 0o711)
	os.Chmod(filepath.Dir(dir), 0o711)
	bin := concordBinary(t)
	env := append(cleanEnv(), "CONCORD_DATA_DIR="+filepath.Join(dir, "data"), "CONCORD_ADDR=127.0.0.1:0")
	concord := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			err = errors.New(err.Error() + ": " + stderr.String())
		}
		return string(out), err
	}

	serve := exec.Command(bin, "serve")
	serve.Env = env
	stdout, _ := serve.StdoutPipe()
	var stderr bytes.Buffer
	serve.Stderr = &stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var email, password, base string
	deadline := time.After(90 * time.Second)
	for base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited early: %s", stderr.String())
			}
			if m := regexp.MustCompile(`e-mail:\s+(\S+)`).FindStringSubmatch(l); m != nil {
				email = m[1]
			}
			if m := regexp.MustCompile(`password:\s+(\S+)`).FindStringSubmatch(l); m != nil {
				password = m[1]
			}
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(l); m != nil {
				base = m[1]
			}
		case <-deadline:
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}
	if email == "" || password == "" {
		t.Fatalf("serve printed no first admin")
	}

	// Sign in with the printed credentials and create a project with the form.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	csrf := func(path string) string {
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no CSRF token (%d)", path, resp.StatusCode)
		}
		return string(m[1])
	}
	post := func(path string, form url.Values) *http.Response {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := post("/signin", url.Values{"csrf_token": {csrf("/signin")}, "email": {email}, "password": {password}})
	if resp.Request.URL.Path != "/projects" {
		t.Fatalf("sign in as the generated admin ended at %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	config := `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="ham"/><Choice value="spam"/></Choices></View>`
	resp = post("/projects", url.Values{"csrf_token": {csrf("/projects/new")}, "title": {"SMS spam"}, "label_config": {config}, "maximum_annotations": {"1"}, "sampling": {"sequential"}})
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Request.URL.Path, "/projects/") {
		t.Fatalf("create project: %d at %s", resp.StatusCode, resp.Request.URL)
	}

	// Beside the running server, the user commands reach the same cluster.
	key, err := concord("user", "token", "--email", email)
	if err != nil || len(strings.TrimSpace(key)) != 40 {
		t.Fatalf("user token: %q %v", key, err)
	}
	req, _ := http.NewRequest("GET", base+"/api/projects", nil)
	req.Header.Set("Authorization", "Token "+strings.TrimSpace(key))
	apiResp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(apiResp.Body)
	apiResp.Body.Close()
	if apiResp.StatusCode != 200 || !strings.Contains(string(body), `"title":"SMS spam"`) {
		t.Fatalf("API with the printed token: %d %s", apiResp.StatusCode, body)
	}

	// SIGTERM: a clean exit that stops the cluster it started.
	serve.Process.Signal(syscall.SIGTERM)
	if err := serve.Wait(); err != nil {
		t.Fatalf("serve exit: %v\n%s", err, stderr.String())
	}
	// With no server running, the commands start the cluster themselves.
	if _, err := concord("user", "create", "--email", "ann@x.org", "--password", "long enough", "--role", "annotator"); err != nil {
		t.Fatal(err)
	}
	out, err := concord("user", "list")
	if err != nil || !strings.Contains(out, "ann@x.org") || !strings.Contains(out, email) {
		t.Fatalf("user list: %q %v", out, err)
	}
	tasks := filepath.Join(dir, "tasks.jsonl")
	os.WriteFile(tasks, []byte("{\"text\": \"hello\"}\n{\"text\": \"world\"}\n{\"text\": \"hello\"}\n"), 0o644)
	if out, err := concord("import", "--project", "1", tasks); err != nil || !strings.Contains(out, "imported 2 tasks") || !strings.Contains(out, "1 duplicates skipped") {
		t.Fatalf("import: %q %v", out, err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\": \"fine\"}\n{\"text\": oops}\n"), 0o644)
	if _, err := concord("import", "--project", "1", bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl line 2") {
		t.Fatalf("bad import: %v, want an error naming bad.jsonl line 2", err)
	}
	if out, err := concord("migrate", "version"); err != nil || !regexp.MustCompile(`^version (\d+) of (\d+)\n$`).MatchString(out) || strings.Fields(out)[1] != strings.Fields(out)[3] {
		t.Fatalf("migrate version: %q %v", out, err)
	}
	if _, err := concord("user", "create", "--email", "ANN@x.org", "--password", "long enough", "--role", "annotator"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate user: %v", err)
	}
	// A second start keeps the admin and prints no new password.
	if out, _ := exec.Command("pgrep", "-f", filepath.Join(dir, "data", "pg")).Output(); len(out) > 0 {
		t.Fatalf("the embedded cluster still runs after every command exited: pids %s", out)
	}
}
