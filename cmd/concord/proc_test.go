package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"concord/internal/store/storetest"
)

// The tests that run concord as a process share one build of it.
var (
	binDir    string
	buildOnce sync.Once
	buildErr  error
)

func TestMain(m *testing.M) {
	binDir, _ = os.MkdirTemp("", "concord-test-bin-")
	storetest.Main(m, func() { os.RemoveAll(binDir) })
}

// concordBinary builds the concord command once per test run and returns its path.
func concordBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "concord")
	buildOnce.Do(func() {
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// proc is a concord process started by a test.
type proc struct {
	cmd    *exec.Cmd
	base   string // http://host:port for serve
	stderr *syncBuffer
}

// syncBuffer is a bytes.Buffer a process may write while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs `concord args...` with env and, for serve, waits for its address.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(concordBinary(t), args...), stderr: &syncBuffer{}}
	p.cmd.Env = env
	p.cmd.Stderr = p.stderr
	out, _ := p.cmd.StdoutPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	if args[0] != "serve" {
		go io.Copy(io.Discard, out)
		return p
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case p.base = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("concord %s did not start: %s", strings.Join(args, " "), p.stderr)
	}
	return p
}

// kill ends the process with SIGKILL, as a crash or the OOM killer would.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

// client calls the API of a server with an API token.
type client struct {
	base, key string
	http      *http.Client
}

func newClient(base, key string) *client {
	return &client{base: base, key: key, http: &http.Client{Timeout: 30 * time.Second}}
}

// do sends a request (body is JSON unless ctype says otherwise) and decodes a
// 2xx answer into out; a transport error (the server is gone) is returned.
func (c *client) do(method, path string, body io.Reader, ctype string, out any, header ...string) (int, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Token "+c.key)
	if ctype == "" && body != nil {
		ctype = "application/json"
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode, nil
}

// call is do for a test that expects the server to answer.
func (c *client) call(t *testing.T, method, path string, body io.Reader, ctype string, out any) int {
	t.Helper()
	code, err := c.do(method, path, body, ctype, out)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// cleanEnv is the test's environment without Concord's and libpq's variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONCORD_") && !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// lastLines is the end of a process's output, for a failure message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
