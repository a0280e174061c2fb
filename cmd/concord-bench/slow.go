package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"concord/internal/auth"
	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/store"
	"concord/web"
)

// The slow-clients scenario: other users' sign-in and next, idle and while
// attackers hold slowExportReaders slowly-read exports and slowBodies request
// bodies sent a byte a second (each reconnects as soon as it is cut or refused).
const (
	slowExportReaders = 100
	slowBodies        = 400
	slowProbeWorkers  = 4
	slowProbeRounds   = 25
	slowTaskBytes     = 2048
)

func benchSlow(ctx context.Context, e *env, scale float64) ([]figure, error) {
	hash, err := auth.HashPassword("bench password")
	if err != nil {
		return nil, err
	}
	owner, err := e.store.CreateUser(ctx, "slow-owner@localhost", "", hash, store.RoleManager)
	if err != nil {
		return nil, err
	}
	// Attackers: managers of projects of their own, three readers a project
	// (two managers each), as the caps allow.
	tasks := max(int(2000*scale), 200)
	var exports []slowTarget
	for i := 0; len(exports) < slowExportReaders; i++ {
		p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: fmt.Sprintf("slow %d", i), LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
		if err != nil {
			return nil, err
		}
		if err := fillBigTasks(ctx, e.store, p.ID, tasks); err != nil {
			return nil, err
		}
		path := fmt.Sprintf("/api/projects/%d/export?exportType=JSON&download_all_tasks=true", p.ID)
		for j := range 2 {
			u, err := e.store.CreateUser(ctx, fmt.Sprintf("slow%d-%d@localhost", i, j), "", "!", store.RoleManager)
			if err != nil {
				return nil, err
			}
			if err := e.store.SetMember(ctx, p.ID, u.ID, store.RoleManager); err != nil {
				return nil, err
			}
			key, h, prefix := auth.NewToken()
			if _, err := e.store.CreateToken(ctx, u.ID, h, prefix); err != nil {
				return nil, err
			}
			for range 2 - j {
				exports = append(exports, slowTarget{key, path})
			}
		}
	}
	exports = exports[:slowExportReaders]
	// Probes: annotators of a project of their own.
	work, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "work", LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		return nil, err
	}
	if err := fillTasks(ctx, e.store, work.ID, 10_000); err != nil {
		return nil, err
	}
	var probes []slowTarget
	for i := range slowProbeWorkers {
		u, err := e.store.CreateUser(ctx, fmt.Sprintf("probe%d@localhost", i), "", hash, store.RoleAnnotator)
		if err != nil {
			return nil, err
		}
		if err := e.store.SetMember(ctx, work.ID, u.ID, store.RoleAnnotator); err != nil {
			return nil, err
		}
		key, h, prefix := auth.NewToken()
		if _, err := e.store.CreateToken(ctx, u.ID, h, prefix); err != nil {
			return nil, err
		}
		probes = append(probes, slowTarget{key, u.Email})
	}
	fmt.Fprintf(e.log, "%d projects of %d tasks (%d KiB each) for %d export readers\n", (slowExportReaders+2)/3, tasks, slowTaskBytes/1024, slowExportReaders)
	settle(ctx, e)

	addr, stop, err := slowServer(ctx, e)
	if err != nil {
		return nil, err
	}
	defer stop()
	base := "http://" + addr
	probe := func() (signIn, next []float64, err error) {
		signIn, err = parallel(slowProbeWorkers, slowProbeRounds, func(i int) error { return probeSignIn(base, probes[i].path) })
		if err != nil {
			return nil, nil, fmt.Errorf("sign-in: %w", err)
		}
		next, err = parallel(slowProbeWorkers, slowProbeRounds, func(i int) error { return probeNext(base, probes[i].key, work.ID) })
		if err != nil {
			return nil, nil, fmt.Errorf("next: %w", err)
		}
		return signIn, next, nil
	}
	idleSignIn, idleNext, err := probe()
	if err != nil {
		return nil, fmt.Errorf("idle: %w", err)
	}

	attack, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var opened sync.WaitGroup
	opened.Add(slowExportReaders + slowBodies)
	for _, x := range exports {
		wg.Go(func() { slowExportReader(attack, addr, x, &opened) })
	}
	for range slowBodies {
		wg.Go(func() { slowBody(attack, addr, &opened) })
	}
	opened.Wait()
	loadSignIn, loadNext, err := probe()
	cancel()
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("under attack: %w", err)
	}
	name := fmt.Sprintf("with %d slow export readers and %d slow request bodies open", slowExportReaders, slowBodies)
	fig := func(what string, load, idle []float64) figure {
		v, b := pct(load, 99), pct(idle, 99)
		return figure{Scenario: "slow", Name: what + " p99, " + name, Value: v, Unit: "ms", Baseline: b, BaseName: "the same, idle server", Ratio: v / b}
	}
	return []figure{fig("sign-in", loadSignIn, idleSignIn), fig("next", loadNext, idleNext)}, nil
}

type slowTarget struct{ key, path string }

// fillBigTasks COPYs n tasks of slowTaskBytes of text each.
func fillBigTasks(ctx context.Context, st *store.Store, projectID int64, n int) error {
	text := strings.Repeat("lorem ipsum ", slowTaskBytes/12)
	return st.Bulk(ctx, projectID, func(b *store.Bulk) error {
		i := 0
		_, err := b.CopyTasks(ctx, 0, func(id int64) (store.NewTask, bool, error) {
			if i == n {
				return store.NewTask{}, false, nil
			}
			i++
			data := fmt.Appendf(nil, `{"text": "%d %s"}`, i, text)
			return store.NewTask{ID: id, Data: data, DataHash: fmt.Appendf(nil, "%d-%d", projectID, i)}, true, nil
		})
		return err
	})
}

// slowServer serves Concord with the http.Server of `concord serve` on a loopback port.
func slowServer(ctx context.Context, e *env) (string, func(), error) {
	cfg := config.Config{SessionMaxAge: time.Hour, DataDir: e.dir, MaxUploadMB: 64, AsyncImportMB: 16, WriteTimeout: 30 * time.Second}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	blobs, err := media.NewDiskStore(filepath.Join(e.dir, "media"))
	if err != nil {
		return "", nil, err
	}
	im := &ingest.Importer{Store: e.store, Blobs: blobs}
	jobs, err := job.NewClient(e.store.Pool, e.store, im, job.Options{}, log)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := web.New(web.Deps{Config: cfg, Store: e.store, Importer: im, Jobs: jobs, Hub: live.NewHub(log), Log: log}).HTTPServer("")
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }, nil
}

// slowExportReader opens an export and reads 4 KiB of it every half second,
// again and again until ctx ends; opened is told once, at the first answer.
func slowExportReader(ctx context.Context, addr string, t slowTarget, opened *sync.WaitGroup) {
	first := true
	for ctx.Err() == nil {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Token %s\r\n\r\n", t.path, t.key)
		br := bufio.NewReader(conn)
		_, err = http.ReadResponse(br, nil)
		if first {
			opened.Done()
			first = false
		}
		buf := make([]byte, 4096)
		for err == nil && ctx.Err() == nil {
			time.Sleep(500 * time.Millisecond)
			_, err = br.Read(buf)
		}
		conn.Close()
	}
}

// slowBody sends a sign-in form a byte a second, reconnecting when cut.
func slowBody(ctx context.Context, addr string, opened *sync.WaitGroup) {
	first := true
	for ctx.Err() == nil {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		_, err = fmt.Fprintf(conn, "POST /signin HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
		if first {
			opened.Done()
			first = false
		}
		for err == nil && ctx.Err() == nil {
			time.Sleep(time.Second)
			_, err = conn.Write([]byte("a"))
		}
		conn.Close()
	}
}

// probeSignIn fetches the sign-in page and signs in, as a browser does.
func probeSignIn(base, email string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/signin")
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{"email": {email}, "password": {"bench password"}}
	if i := strings.Index(string(page), `name="csrf_token" value="`); i >= 0 {
		rest := string(page[i+len(`name="csrf_token" value="`):])
		form.Set("csrf_token", rest[:strings.IndexByte(rest, '"')])
	}
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err = c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign-in answered %d", resp.StatusCode)
	}
	return nil
}

// probeNext asks for the caller's next task.
func probeNext(base, token string, projectID int64) error {
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/projects/%d/next", base, projectID), nil)
	req.Header.Set("Authorization", "Token "+token)
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("next answered %d", resp.StatusCode)
	}
	return nil
}
