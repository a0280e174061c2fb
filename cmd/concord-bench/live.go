package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"concord/internal/auth"
	"concord/internal/store"
)

// The live scenario's full size.
const (
	liveClients = 5000
	liveEvents  = 20
)

// benchLive connects 5,000 websocket clients to a real `concord serve`
// process, all subscribed to one project, then submits annotations through
// the API and times each event from just before the submission to its arrival
// at every client (so each figure includes the submission's own round trip).
// The server's memory per connection is its RSS growth divided by the clients.
func benchLive(ctx context.Context, e *env, scale float64) ([]figure, error) {
	n := max(int(liveClients*scale), 50)
	bin := filepath.Join(e.dir, "concord")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/concord").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build concord (run from the repository root): %v\n%s", err, out)
	}
	owner, err := e.store.CreateUser(ctx, "live@localhost", "", "!", store.RoleManager)
	if err != nil {
		return nil, err
	}
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "live", LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		return nil, err
	}
	if err := fillTasks(ctx, e.store, p.ID, liveEvents*2); err != nil {
		return nil, err
	}
	key, hash, prefix := auth.NewToken()
	if _, err := e.store.CreateToken(ctx, owner.ID, hash, prefix); err != nil {
		return nil, err
	}

	cmd := exec.Command(bin, "serve", "--worker=false", "--migrate=false", "--addr=127.0.0.1:0", "--log-level=warn",
		"--database-url="+e.store.Pool.Config().ConnString(), "--data-dir="+filepath.Join(e.dir, "live-data"))
	cmd.Stderr = os.Stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := ""
	sc := bufio.NewScanner(out)
	for base == "" && sc.Scan() {
		if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		return nil, fmt.Errorf("concord serve did not start")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	time.Sleep(time.Second)
	rssBefore := rssOf(cmd.Process.Pid)

	// Connect and subscribe every client.
	var mu sync.Mutex
	arrivals := map[float64][]time.Time{} // annotation id → arrival times
	conns := make([]*websocket.Conn, 0, n)
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	for i := 0; i < n; i++ {
		c, _, err := dialer.Dial(wsURL, http.Header{"Authorization": {"Token " + key}})
		if err != nil {
			return nil, fmt.Errorf("client %d: %w", i, err)
		}
		c.WriteJSON(map[string]int64{"subscribe": p.ID})
		var m map[string]any
		if err := c.ReadJSON(&m); err != nil || m["type"] != "subscribed" {
			return nil, fmt.Errorf("client %d subscribe: %v %v", i, m, err)
		}
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	time.Sleep(2 * time.Second)
	rssAfter := rssOf(cmd.Process.Pid)
	fmt.Fprintf(e.log, "%d clients connected; server RSS %.0f → %.0f MiB\n", n, rssBefore, rssAfter)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var m map[string]any
				if err := c.ReadJSON(&m); err != nil {
					return
				}
				if m["type"] == "annotation.created" {
					t := time.Now()
					mu.Lock()
					arrivals[m["id"].(float64)] = append(arrivals[m["id"].(float64)], t)
					mu.Unlock()
				}
			}
		}()
	}

	client := &http.Client{}
	var lat []float64
	for i := 0; i < liveEvents; i++ {
		t0 := time.Now()
		id, err := submitOne(client, base, key, p.ID)
		if err != nil {
			return nil, err
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			got := len(arrivals[float64(id)])
			mu.Unlock()
			if got == n {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("event %d reached %d of %d clients in 30 s", id, got, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
		mu.Lock()
		for _, at := range arrivals[float64(id)] {
			lat = append(lat, float64(at.Sub(t0).Microseconds())/1000)
		}
		mu.Unlock()
	}
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
	perConn := (rssAfter - rssBefore) * 1024 / float64(n)
	return []figure{
		{Scenario: "live", Name: fmt.Sprintf("submission to event at all %d clients, p50", n), Value: pct(lat, 50), Unit: "ms"},
		{Scenario: "live", Name: fmt.Sprintf("submission to event at all %d clients, p99", n), Value: pct(lat, 99), Unit: "ms"},
		{Scenario: "live", Name: "server memory per websocket connection", Value: perConn, Unit: "KiB"},
	}, nil
}

// submitOne takes the next task and submits a choice for it, returning the annotation id.
func submitOne(c *http.Client, base, token string, projectID int64) (int64, error) {
	if err := apiNextSubmit(c, base, token, projectID); err != nil {
		return 0, err
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/projects/%d/history", base, projectID), nil)
	req.Header.Set("Authorization", "Token "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var h struct {
		Annotations []struct {
			ID int64 `json:"id"`
		} `json:"annotations"`
	}
	if err := decode(resp, &h); err != nil || len(h.Annotations) == 0 {
		return 0, fmt.Errorf("history: %v", err)
	}
	return h.Annotations[0].ID, nil
}

// rssOf reads a process's resident set size in MiB.
func rssOf(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
