package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"concord/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// wait is how long a test waits for something that should happen at once.
const wait = 10 * time.Second

func allowAll(context.Context, int64) bool { return true }

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// smallBuffers shrinks each accepted connection's kernel send buffer, so a
// client that stops reading backs up into the hub's queue quickly.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// serve runs h and an httptest server for it until the test ends; cancel
// ends h.Run early.
func serve(t testing.TB, h *Hub, may func(context.Context, int64) bool) (srv *httptest.Server, cancel context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { h.Run(ctx); close(ran) }()
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.Serve(w, r, may); err != nil {
			t.Logf("serve: %v", err)
		}
	}))
	srv.Listener = smallBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(func() {
		cancel()
		<-ran
		srv.Close()
	})
	return srv, cancel
}

func wsURL(srv *httptest.Server) string { return "ws" + strings.TrimPrefix(srv.URL, "http") }

// dial connects a websocket client, closed when the test ends.
func dial(t testing.TB, srv *httptest.Server, d *websocket.Dialer) *websocket.Conn {
	t.Helper()
	if d == nil {
		d = websocket.DefaultDialer
	}
	conn, _, err := d.Dial(wsURL(srv), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func send(t testing.TB, conn *websocket.Conn, msg string) {
	t.Helper()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("write %s: %v", msg, err)
	}
}

// next reads the client's next event.
func next(t testing.TB, conn *websocket.Conn) Event {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(wait))
	var e Event
	if err := conn.ReadJSON(&e); err != nil {
		t.Fatalf("read: %v", err)
	}
	return e
}

// subscribe follows project and waits for the hub's confirmation.
func subscribe(t testing.TB, conn *websocket.Conn, project int64) {
	t.Helper()
	send(t, conn, `{"subscribe": `+itoa(project)+`}`)
	if e := next(t, conn); e.Type != TypeSubscribed || e.Project != project {
		t.Fatalf("subscribe %d: got %+v", project, e)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// eventually polls cond until it holds or wait has passed.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// listeners counts the listener connections that have run LISTEN on db.
func listeners(t testing.TB, db *pgx.Conn) (pids []int32) {
	t.Helper()
	rows, err := db.Query(context.Background(), `
		SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1
		  AND state = 'idle' AND query LIKE 'LISTEN %'`, listenerName)
	if err != nil {
		t.Fatal(err)
	}
	pids, err = pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

// startListen runs Listen for h on url until the test ends.
func startListen(t testing.TB, url string, h *Hub) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Listen(ctx, url, h, nil, testLogger(t)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Listen: %v", err)
		}
	})
}

func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	db, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	return db
}

func TestNotifyReachesAnotherHub(t *testing.T) {
	url := storetest.URL(t)
	db := connect(t, url)
	a, b := NewHub(testLogger(t)), NewHub(testLogger(t))
	srvA, _ := serve(t, a, allowAll)
	srvB, _ := serve(t, b, allowAll)
	startListen(t, url, a)
	startListen(t, url, b)
	eventually(t, "two listeners", func() bool { return len(listeners(t, db)) == 2 })

	onA, onB := dial(t, srvA, nil), dial(t, srvB, nil)
	subscribe(t, onA, 7)
	subscribe(t, onB, 7)

	// As server A would after committing: another project's event, then ours.
	ctx := context.Background()
	if err := Notify(ctx, db, Event{Project: 8, Type: TypeProgress}); err != nil {
		t.Fatal(err)
	}
	want := Event{Project: 7, Type: TypeAnnotationCreated, ID: 42, Data: json.RawMessage(`{"task":3,"completed_by":5}`)}
	if err := Notify(ctx, db, want); err != nil {
		t.Fatal(err)
	}
	for name, conn := range map[string]*websocket.Conn{"A": onA, "B": onB} {
		got := next(t, conn)
		if got.Project != want.Project || got.Type != want.Type || got.ID != want.ID || string(got.Data) != string(want.Data) {
			t.Errorf("client of hub %s got %+v, want %+v", name, got, want)
		}
	}
}

func TestNotifyRefusesLargeEvents(t *testing.T) {
	big := json.RawMessage(`"` + strings.Repeat("x", 8000) + `"`)
	// The size check comes before the database is touched.
	if err := Notify(context.Background(), nil, Event{Project: 1, Type: TypeProgress, Data: big}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Notify: got %v, want ErrTooLarge", err)
	}
}

func TestSubscribeOnlyToAllowedProjects(t *testing.T) {
	h := NewHub(testLogger(t))
	srv, _ := serve(t, h, func(_ context.Context, p int64) bool { return p != 2 })
	conn := dial(t, srv, nil)

	for _, msg := range []string{`{"subscribe": 2}`, `{"subscribe": -1}`, `hello`, `{"subscribe": 1, "unsubscribe": 1}`} {
		send(t, conn, msg)
		if e := next(t, conn); e.Type != TypeError || !strings.Contains(string(e.Data), `"error"`) {
			t.Errorf("%s: got %+v, want an error", msg, e)
		}
	}
	subscribe(t, conn, 1)
	if s := h.Stats(); s.Clients != 1 || s.Subscriptions != 1 {
		t.Fatalf("stats %+v, want 1 client with 1 subscription", s)
	}
	h.Publish(Event{Project: 2, Type: TypeProgress, ID: 2})
	h.Publish(Event{Project: 1, Type: TypeProgress, ID: 1})
	if e := next(t, conn); e.Project != 1 || e.ID != 1 {
		t.Fatalf("got %+v, want project 1's event only", e)
	}

	send(t, conn, `{"unsubscribe": 1}`)
	if e := next(t, conn); e.Type != TypeUnsubscribed || e.Project != 1 {
		t.Fatalf("unsubscribe: got %+v", e)
	}
	subscribe(t, conn, 3)
	h.Publish(Event{Project: 1, Type: TypeProgress, ID: 3})
	h.Publish(Event{Project: 3, Type: TypeProgress, ID: 4})
	if e := next(t, conn); e.ID != 4 {
		t.Fatalf("after unsubscribing from 1: got %+v, want project 3's event only", e)
	}
}

func TestOrigin(t *testing.T) {
	h := NewHub(testLogger(t))
	srv, _ := serve(t, h, allowAll)
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"", true}, // not a browser
		{"http://" + host, true},
		{"http://" + strings.ToUpper(host), true},
		{"http://evil.example", false},
		{"http://" + host + ".evil.example", false},
		{"null", false},
	} {
		header := http.Header{}
		if tc.origin != "" {
			header.Set("Origin", tc.origin)
		}
		conn, resp, err := websocket.DefaultDialer.Dial(wsURL(srv), header)
		if conn != nil {
			conn.Close()
		}
		if ok := err == nil; ok != tc.ok {
			t.Errorf("Origin %q: dial error %v, want allowed=%v", tc.origin, err, tc.ok)
		}
		if !tc.ok && resp != nil && resp.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %q: status %d, want 403", tc.origin, resp.StatusCode)
		}
	}
}

func TestSlowClientIsDropped(t *testing.T) {
	h := NewHub(testLogger(t))
	h.SendBuffer = 8
	srv, _ := serve(t, h, allowAll)
	small := &websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(4096)
		}
		return c, err
	}}
	slow, fast := dial(t, srv, small), dial(t, srv, nil)
	subscribe(t, slow, 1)
	subscribe(t, fast, 1)

	data := json.RawMessage(`"` + strings.Repeat("x", 1000) + `"`)
	const batch, total = 4, 400 // batch < SendBuffer: the fast client keeps up
	for id := int64(1); id <= total; {
		for range batch {
			h.Publish(Event{Project: 1, Type: TypeProgress, ID: id, Data: data})
			id++
		}
		for want := id - batch; want < id; want++ {
			if e := next(t, fast); e.ID != want {
				t.Fatalf("fast client got event %d, want %d", e.ID, want)
			}
		}
	}
	if s := h.Stats(); s.Dropped != 1 || s.Clients != 1 || s.Subscriptions != 1 {
		t.Fatalf("stats %+v, want the slow client dropped and the fast one kept", s)
	}
	// The slow client finds its connection closed after what was buffered.
	slow.SetReadDeadline(time.Now().Add(wait))
	n := 0
	for {
		if _, _, err := slow.ReadMessage(); err != nil {
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				t.Fatalf("slow client still connected after %d events", n)
			}
			break
		}
		n++
	}
	if n >= total {
		t.Fatalf("slow client read all %d events", n)
	}
	t.Logf("slow client dropped after %d of %d events", n, total)
}

func TestPingKeepsIdleClientAlive(t *testing.T) {
	h := NewHub(testLogger(t))
	h.PongWait, h.PingPeriod, h.WriteWait = 300*time.Millisecond, 100*time.Millisecond, time.Second
	srv, _ := serve(t, h, allowAll)
	idle, mute := dial(t, srv, nil), dial(t, srv, nil)
	subscribe(t, idle, 1)
	subscribe(t, mute, 1)

	// idle keeps reading, so it answers pings; mute stops reading and does not.
	events := make(chan Event, 1)
	go func() {
		for {
			var e Event
			if err := idle.ReadJSON(&e); err != nil {
				close(events)
				return
			}
			events <- e
		}
	}()
	time.Sleep(4 * h.PongWait)
	if s := h.Stats(); s.Clients != 1 {
		t.Fatalf("stats %+v after %v idle, want only the ponging client", s, 4*h.PongWait)
	}
	h.Publish(Event{Project: 1, Type: TypeProgress, ID: 9})
	select {
	case e, ok := <-events:
		if !ok || e.ID != 9 {
			t.Fatalf("idle client got %+v (open %v), want event 9", e, ok)
		}
	case <-time.After(wait):
		t.Fatal("idle client got nothing")
	}
}

func TestListenReconnects(t *testing.T) {
	url := storetest.URL(t)
	db := connect(t, url)
	h := NewHub(testLogger(t))
	srv, _ := serve(t, h, allowAll)
	startListen(t, url, h)
	var pids []int32
	eventually(t, "a listener", func() bool { pids = listeners(t, db); return len(pids) == 1 })
	conn := dial(t, srv, nil)
	subscribe(t, conn, 1)
	ctx := context.Background()
	if err := Notify(ctx, db, Event{Project: 1, Type: TypeProgress, ID: 1}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, conn); e.ID != 1 {
		t.Fatalf("before: got %+v", e)
	}

	if _, err := db.Exec(ctx, `SELECT pg_terminate_backend($1)`, pids[0]); err != nil {
		t.Fatal(err)
	}
	if e := next(t, conn); e.Type != TypeResync {
		t.Fatalf("after reconnecting: got %+v, want %s", e, TypeResync)
	}
	if now := listeners(t, db); len(now) != 1 || now[0] == pids[0] {
		t.Fatalf("listeners %v after terminating %d", now, pids[0])
	}
	if err := Notify(ctx, db, Event{Project: 1, Type: TypeProgress, ID: 2}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, conn); e.ID != 2 {
		t.Fatalf("after: got %+v", e)
	}
}

func TestRunEndClosesClients(t *testing.T) {
	h := NewHub(testLogger(t))
	srv, stop := serve(t, h, allowAll)
	conn := dial(t, srv, nil)
	subscribe(t, conn, 1)
	stop()
	conn.SetReadDeadline(time.Now().Add(wait))
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("read after Run ended: %v, want a going-away close", err)
	}
	eventually(t, "no clients", func() bool { return h.Stats().Clients == 0 })

	// A client arriving later is closed at once.
	late := dial(t, srv, nil)
	late.SetReadDeadline(time.Now().Add(wait))
	if _, _, err := late.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("late client: %v, want a going-away close", err)
	}
	h.Publish(Event{Project: 1, Type: TypeProgress}) // does not block
}
