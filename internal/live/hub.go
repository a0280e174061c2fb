package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for a Hub's timing and limits; a Hub's exported fields override them.
const (
	writeWait        = 10 * time.Second  // time allowed to write one message to a client
	pongWait         = 60 * time.Second  // time allowed between a client's pongs (or messages)
	pingPeriod       = pongWait * 9 / 10 // how often the server pings; less than pongWait
	maxMessageSize   = 512               // largest message accepted from a client, in bytes
	sendBuffer       = 64                // messages queued per client; a client with a full queue is dropped
	maxSubscriptions = 100               // projects one client may follow at once
	publishBuffer    = 1024              // events queued for the hub goroutine before Publish waits
	closeGrace       = 1 * time.Second   // time allowed for a close frame when a client is refused
	recheckWait      = 10 * time.Second  // time allowed to recheck one client's access
)

// Hub fans events out to the websocket clients of this process. One goroutine,
// Run, owns the clients and their subscriptions; everything else talks to it
// over channels.
type Hub struct {
	// WriteWait, PongWait, PingPeriod, MaxMessageSize and SendBuffer start as
	// the package's writeWait, pongWait, pingPeriod, maxMessageSize and
	// sendBuffer. Tests shorten them; set them before Run and Serve and never
	// after. PingPeriod must be shorter than PongWait.
	WriteWait      time.Duration
	PongWait       time.Duration
	PingPeriod     time.Duration
	MaxMessageSize int64
	SendBuffer     int

	log      *slog.Logger
	upgrader websocket.Upgrader

	register   chan *client
	unregister chan *client
	control    chan control
	publish    chan Event
	resync     chan struct{}
	recheck    chan int64
	done       chan struct{} // closed when Run returns

	// Owned by Run.
	clients  map[*client]map[int64]struct{} // each client's projects
	projects map[int64]map[*client]struct{} // each project's clients

	nClients atomic.Int64
	nSubs    atomic.Int64
	dropped  atomic.Int64
}

// control is a client's request to the hub goroutine.
type control struct {
	c       *client
	op      int
	project int64
	msg     []byte // opReply: a message for c alone
}

const (
	opSubscribe = iota
	opUnsubscribe
	opReply
	opRevoke // the client's user may no longer follow project
)

// NewHub returns a hub with default limits; start it with Run.
func NewHub(log *slog.Logger) *Hub {
	h := &Hub{
		WriteWait:      writeWait,
		PongWait:       pongWait,
		PingPeriod:     pingPeriod,
		MaxMessageSize: maxMessageSize,
		SendBuffer:     sendBuffer,
		log:            log,
		register:       make(chan *client),
		unregister:     make(chan *client),
		control:        make(chan control),
		publish:        make(chan Event, publishBuffer),
		resync:         make(chan struct{}, 1),
		recheck:        make(chan int64, publishBuffer),
		done:           make(chan struct{}),
		clients:        make(map[*client]map[int64]struct{}),
		projects:       make(map[int64]map[*client]struct{}),
	}
	h.upgrader = websocket.Upgrader{
		CheckOrigin: sameOrigin,
		// Idle connections hold no write buffer; thousands of them stay cheap.
		WriteBufferPool: &sync.Pool{},
	}
	return h
}

// sameOrigin allows a handshake whose Origin header names this server: its
// host (port included) must equal r.Host, ignoring case. A handshake without
// Origin is allowed: browsers always send Origin on websocket handshakes, so
// it comes from a non-browser client (a script holding an API token), and a
// cross-site page cannot make a browser omit it. Behind a reverse proxy, the
// proxy must pass the original Host.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// Run owns the clients until ctx ends, then closes every connection (with a
// "going away" close frame) and returns. Call it once.
func (h *Hub) Run(ctx context.Context) {
	defer close(h.done)
	for {
		select {
		case <-ctx.Done():
			for c := range h.clients {
				h.remove(c)
			}
			return
		case c := <-h.register:
			h.clients[c] = make(map[int64]struct{})
			h.nClients.Add(1)
		case c := <-h.unregister:
			if _, ok := h.clients[c]; ok {
				h.remove(c)
			}
		case r := <-h.control:
			h.handle(r)
		case e := <-h.publish:
			h.fanout(e)
		case user := <-h.recheck:
			for c, subs := range h.clients {
				if c.access.User != 0 && (user == 0 || c.access.User == user) {
					projects := make([]int64, 0, len(subs))
					for p := range subs {
						projects = append(projects, p)
					}
					go c.recheck(projects)
				}
			}
		case <-h.resync:
			msg := encode(Event{Type: TypeResync})
			for c, subs := range h.clients {
				if len(subs) > 0 {
					h.send(c, msg)
				}
			}
		}
	}
}

// handle carries out a client's request.
func (h *Hub) handle(r control) {
	subs, ok := h.clients[r.c]
	if !ok {
		return // dropped meanwhile
	}
	switch r.op {
	case opReply:
		h.send(r.c, r.msg)
	case opSubscribe:
		if _, ok := subs[r.project]; !ok {
			if len(subs) >= maxSubscriptions {
				h.send(r.c, errorMessage(r.project, "too many subscriptions"))
				return
			}
			subs[r.project] = struct{}{}
			if h.projects[r.project] == nil {
				h.projects[r.project] = make(map[*client]struct{})
			}
			h.projects[r.project][r.c] = struct{}{}
			h.nSubs.Add(1)
		}
		h.send(r.c, encode(Event{Project: r.project, Type: TypeSubscribed}))
	case opRevoke:
		if _, ok := subs[r.project]; ok {
			h.unsubscribe(r.c, r.project)
			delete(subs, r.project)
			h.send(r.c, errorMessage(r.project, "you may no longer follow this project"))
		}
	case opUnsubscribe:
		if _, ok := subs[r.project]; ok {
			h.unsubscribe(r.c, r.project)
			delete(subs, r.project)
		}
		h.send(r.c, encode(Event{Project: r.project, Type: TypeUnsubscribed}))
	}
}

// fanout sends e to every subscriber of its project.
func (h *Hub) fanout(e Event) {
	clients := h.projects[e.Project]
	if len(clients) == 0 {
		return
	}
	msg, err := json.Marshal(e)
	if err != nil {
		h.log.Error("live: encode event", "type", e.Type, "project", e.Project, "error", err)
		return
	}
	for c := range clients {
		h.send(c, msg)
	}
}

// send queues msg for c without waiting; a client whose queue is full is
// dropped and its connection closed.
func (h *Hub) send(c *client, msg []byte) {
	select {
	case c.send <- msg:
	default:
		h.remove(c)
		c.conn.Close() // unblocks its writer now; Close may run concurrently with writes
		h.dropped.Add(1)
		h.log.Warn("live: dropped a slow websocket client", "remote_addr", c.conn.RemoteAddr().String())
	}
}

// remove forgets c and closes its send queue, which ends its writer.
func (h *Hub) remove(c *client) {
	for p := range h.clients[c] {
		h.unsubscribe(c, p)
	}
	delete(h.clients, c)
	h.nClients.Add(-1)
	close(c.send)
}

// unsubscribe takes c off project p's list; the caller updates c's own set.
func (h *Hub) unsubscribe(c *client, p int64) {
	delete(h.projects[p], c)
	if len(h.projects[p]) == 0 {
		delete(h.projects, p)
	}
	h.nSubs.Add(-1)
}

// Publish fans e out to this process's subscribers of e.Project. It waits only
// for room in the hub's own queue, never for a client, and drops e once Run has
// returned.
func (h *Hub) Publish(e Event) {
	select {
	case h.publish <- e:
	case <-h.done:
	}
}

// Recheck asks the hub to check again the access of every client of user (0:
// of every client): see ServeUser.
func (h *Hub) Recheck(user int64) {
	select {
	case h.recheck <- user:
	case <-h.done:
	}
}

// requestResync asks the hub to tell every subscribed client that events may
// have been missed.
func (h *Hub) requestResync() {
	select {
	case h.resync <- struct{}{}:
	default: // one is pending already
	}
}

// Stats reports the hub's current clients and subscriptions.
func (h *Hub) Stats() Stats {
	return Stats{
		Clients:       int(h.nClients.Load()),
		Subscriptions: int(h.nSubs.Load()),
		Dropped:       h.dropped.Load(),
	}
}

// encode marshals a message built by the hub itself, which cannot fail.
func encode(e Event) []byte {
	b, _ := json.Marshal(e)
	return b
}

// errorMessage is a TypeError message about project (0 when none) saying why.
func errorMessage(project int64, why string) []byte {
	data, _ := json.Marshal(map[string]string{"error": why})
	return encode(Event{Project: project, Type: TypeError, Data: data})
}
