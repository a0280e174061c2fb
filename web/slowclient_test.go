package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"concord/internal/config"
	"concord/internal/store"
	"concord/internal/store/storetest"
	"concord/web"
)

// fillProject copies n tasks of about size bytes of text each into p.
func (e *env) fillProject(p store.Project, n, size int) {
	e.t.Helper()
	ctx := context.Background()
	text := strings.Repeat("lorem ipsum ", size/12)
	err := e.store.Bulk(ctx, p.ID, func(b *store.Bulk) error {
		i := 0
		_, err := b.CopyTasks(ctx, 0, func(id int64) (store.NewTask, bool, error) {
			if i == n {
				return store.NewTask{}, false, nil
			}
			i++
			data, _ := json.Marshal(map[string]any{"text": fmt.Sprintf("%d %s", i, text)})
			return store.NewTask{ID: id, Data: data, DataHash: []byte(fmt.Sprintf("%d-%d", p.ID, i))}, true, nil
		})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// slowGet opens a raw TCP connection with a tiny receive buffer, sends a GET
// with token and reads the status line and headers only: the client then
// stops reading, as one holding a download open would. The connection is
// closed when the test ends.
func (e *env) slowGet(token, path string) (*http.Response, net.Conn) {
	e.t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return serr
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: concord\r\nAuthorization: Token %s\r\n\r\n", path, token)
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 16), nil)
	if err != nil {
		e.t.Fatalf("GET %s: no answer: %v", path, err)
	}
	conn.SetReadDeadline(time.Time{})
	return resp, conn
}

// TestSlowExportReadersDoNotStallOthers: more exports than the database has
// connections, none of them read by its client, leave other users' sign-in
// and next answering (the write timeout is off here, so that only the
// exports' spool can free the connections); a user's and a project's exports
// beyond their caps are refused with 429 and Retry-After. Before exports went
// through a spool, such readers held every connection.
func TestSlowExportReadersDoNotStallOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 18 MB of tasks")
	}
	ctx := context.Background()
	// A pool of 6 connections, as a busy server's 20 would be: 3 projects × 3
	// readers are more than it holds.
	dbURL, err := url.Parse(storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := dbURL.Query()
	q.Set("pool_max_conns", "6")
	dbURL.RawQuery = q.Encode()
	st, err := store.Open(ctx, dbURL.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	e := newEnvOn(t, st, func(c *config.Config) { c.WriteTimeout = 0 })
	const projects = 3
	annotator := e.user("annotator@example.com", "annotator")
	type reader struct{ k1, k2, path string }
	var readers []reader
	var first store.Project
	for i := range projects {
		m1 := e.user(fmt.Sprintf("m%d@example.com", i), "manager")
		m2 := e.user(fmt.Sprintf("n%d@example.com", i), "manager")
		p := e.project(m1, fmt.Sprintf("big %d", i))
		if err := e.store.SetMember(ctx, p.ID, m2.ID, "manager"); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = p
			if err := e.store.SetMember(ctx, p.ID, annotator.ID, "annotator"); err != nil {
				t.Fatal(err)
			}
		}
		e.fillProject(p, 1500, 4096) // 6 MB of JSON: more than the sockets' buffers
		readers = append(readers, reader{e.token(m1), e.token(m2),
			fmt.Sprintf("/api/projects/%d/export?exportType=JSON&download_all_tasks=true", p.ID)})
	}
	for i, r := range readers {
		for _, k := range []string{r.k1, r.k1, r.k2} {
			if resp, _ := e.slowGet(k, r.path); resp.StatusCode != http.StatusOK {
				t.Fatalf("slow export %d: status %d", i, resp.StatusCode)
			}
		}
		// Beyond the caps: a third of one user's, a fourth of one project's.
		for _, k := range []string{r.k1, r.k2} {
			resp, _ := e.slowGet(k, r.path)
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("export beyond the caps: status %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		}
	}

	// With 30 exports unread, another user signs in and gets work.
	b := e.browser()
	b.c.Timeout = time.Minute
	b.signIn(annotator.Email)
	var next map[string]any
	if status := e.call(e.token(annotator), "GET", fmt.Sprintf("/api/projects/%d/next", first.ID), nil, &next); status != http.StatusOK {
		t.Fatalf("next with slow readers open: %d", status)
	}
}

// TestStalledReaderIsCut: a client that leaves a response unread for longer
// than the write timeout is cut off: reading on afterwards, it gets a broken
// body, not the whole export.
func TestStalledReaderIsCut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.WriteTimeout = time.Second })
	m := e.user("m@example.com", "manager")
	p := e.project(m, "big")
	e.fillProject(p, 1500, 4096)
	resp, conn := e.slowGet(e.token(m), fmt.Sprintf("/api/projects/%d/export?exportType=JSON&download_all_tasks=true", p.ID))
	// Ten write timeouts: long enough, even under -race on a busy machine, for
	// the export to fill the server's send buffer so that a write blocks past
	// its deadline (with 3 s, a slow run could read everything).
	time.Sleep(10 * time.Second)
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil {
		t.Fatalf("read the whole export (%d bytes) after stalling past the write timeout; want it cut off", n)
	}
	if isTimeout(err) {
		t.Fatalf("the server neither sent nor closed: %v", err)
	}
}

// TestSlowRequestBodyIsCut: a client that sends its body slower than
// MinBodyRate is cut off, and a request whose headers never end is too, so
// neither holds a connection for long.
func TestSlowRequestBodyIsCut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	body, _ := net.Dial("tcp", addr)
	defer body.Close()
	form := url.Values{"email": {"x@example.com"}, "password": {"nope"}}.Encode()
	fmt.Fprintf(body, "POST /signin HTTP/1.1\r\nHost: concord\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", len(form)+100_000)
	headers, _ := net.Dial("tcp", addr)
	defer headers.Close()
	fmt.Fprintf(headers, "GET /signin HTTP/1.1\r\nHost: concord\r\n")
	cut := make(chan string, 2)
	for name, c := range map[string]net.Conn{"body": body, "headers": headers} {
		go func() {
			for {
				if _, err := c.Write([]byte("a")); err != nil {
					cut <- name
					return
				}
				c.SetReadDeadline(time.Now().Add(time.Second))
				if _, err := c.Read(make([]byte, 1024)); err != nil && !isTimeout(err) {
					cut <- name // the server closed it (after a 400 or 408, if any)
					return
				}
			}
		}()
	}
	deadline := time.After(2 * web.ReadTimeout)
	for range 2 {
		select {
		case <-cut:
		case <-deadline:
			t.Fatal("a client trickling one byte a second is still connected")
		}
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
