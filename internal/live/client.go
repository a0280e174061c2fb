package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// client is one websocket connection: a reader (the Serve goroutine) and a
// writer goroutine. Only the hub goroutine sends on or closes send.
type client struct {
	hub    *Hub
	conn   *websocket.Conn
	send   chan []byte
	access Access
}

// Access is what the hub asks about a client's user, when the client
// subscribes and again whenever Recheck names the user: may they follow a
// project, and do their credentials (session or token) still hold.
type Access struct {
	User  int64                                         // 0: never rechecked
	May   func(ctx context.Context, project int64) bool // may the user follow project
	Valid func(ctx context.Context) bool                // nil: always
}

// clientMessage is what a browser may send: {"subscribe": 12} or {"unsubscribe": 12}.
type clientMessage struct {
	Subscribe   *int64 `json:"subscribe"`
	Unsubscribe *int64 `json:"unsubscribe"`
}

// Serve upgrades the request to a websocket and serves it until the
// connection ends; the caller has already authenticated the user. The client
// then sends {"subscribe": 12} and {"unsubscribe": 12}; a subscription is
// granted, and confirmed with TypeSubscribed, only when may(ctx, 12) is true
// (ctx is the request's), else the client receives a TypeError event.
//
// The handshake's Origin must name this server (see sameOrigin); a handshake
// without Origin is allowed, as only non-browser clients omit it. An error
// wraps ErrUpgrade: the response has been written already, so only log it.
// Once upgraded, Serve returns nil however the connection ends.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, may func(ctx context.Context, project int64) bool) error {
	return h.ServeUser(w, r, Access{May: may})
}

// ServeUser is Serve for a known user, whose access the hub checks again
// whenever Recheck names them: a client whose credentials no longer hold is
// closed, and one that may no longer follow a project is unsubscribed from it.
func (h *Hub) ServeUser(w http.ResponseWriter, r *http.Request, a Access) error {
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUpgrade, err)
	}
	c := &client{hub: h, conn: conn, send: make(chan []byte, h.SendBuffer), access: a}
	select {
	case h.register <- c:
	case <-h.done:
		conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server stopping"),
			time.Now().Add(closeGrace))
		conn.Close()
		return nil
	}
	go c.write()
	c.read(r.Context(), a.May)
	return nil
}

// read handles the client's messages until the connection fails or the client
// stops answering pings for PongWait, then unregisters it.
func (c *client) read(ctx context.Context, may func(ctx context.Context, project int64) bool) {
	h := c.hub
	defer func() {
		select {
		case h.unregister <- c:
		case <-h.done:
		}
		c.conn.Close()
	}()
	c.conn.SetReadLimit(h.MaxMessageSize)
	alive := func(string) error { return c.conn.SetReadDeadline(time.Now().Add(h.PongWait)) }
	alive("")
	c.conn.SetPongHandler(alive)
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
				h.log.Debug("live: websocket client gone", "remote_addr", c.conn.RemoteAddr().String(), "error", err)
			}
			return
		}
		alive("")
		if !c.request(ctx, data, may) {
			return
		}
	}
}

// request handles one client message, reporting false once the hub has stopped.
func (c *client) request(ctx context.Context, data []byte, may func(ctx context.Context, project int64) bool) bool {
	var m clientMessage
	r := control{c: c}
	switch err := json.Unmarshal(data, &m); {
	case err != nil || (m.Subscribe == nil) == (m.Unsubscribe == nil):
		r.op, r.msg = opReply, errorMessage(0, `expected {"subscribe": project} or {"unsubscribe": project}`)
	case m.Subscribe != nil:
		r.project = *m.Subscribe
		if r.project > 0 && may(ctx, r.project) {
			r.op = opSubscribe
		} else {
			// The same answer whether the project is missing or forbidden.
			r.op, r.msg = opReply, errorMessage(r.project, "you may not follow this project")
		}
	default:
		r.op, r.project = opUnsubscribe, *m.Unsubscribe
	}
	select {
	case c.hub.control <- r:
		return true
	case <-c.hub.done:
		return false
	}
}

// write sends queued messages and pings until the hub closes the queue or a
// write fails, then closes the connection.
func (c *client) write() {
	h := c.hub
	ticker := time.NewTicker(h.PingPeriod)
	defer func() {
		ticker.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case msg, ok := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(h.WriteWait))
			if !ok {
				c.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""))
				return
			}
			if err := c.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-ticker.C:
			c.conn.SetWriteDeadline(time.Now().Add(h.WriteWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}

// recheck asks again whether c's user may keep it and follow projects; it
// runs outside the hub goroutine, as the answers come from the database.
func (c *client) recheck(projects []int64) {
	ctx, cancel := context.WithTimeout(context.Background(), recheckWait)
	defer cancel()
	if c.access.Valid != nil && !c.access.Valid(ctx) {
		c.conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "signed out"), time.Now().Add(closeGrace))
		c.conn.Close() // its reader fails and unregisters it
		return
	}
	for _, p := range projects {
		if c.access.May(ctx, p) {
			continue
		}
		select {
		case c.hub.control <- control{c: c, op: opRevoke, project: p}:
		case <-c.hub.done:
			return
		}
	}
}
