package web

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// Deadlines on every connection, so that a client that reads or sends slowly
// holds one goroutine and one socket for a bounded time, never a database
// connection and never forever.
const (
	// ReadHeaderTimeout bounds the request line and headers.
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds a request without a body (headers included); a body
	// gets bodyGrace plus the time to arrive at MinBodyRate.
	ReadTimeout = 30 * time.Second
	// IdleTimeout closes a kept-alive connection that sends no new request.
	IdleTimeout = 2 * time.Minute
	// MinBodyRate is the slowest a request body may arrive, on average from
	// the request's start, in bytes per second.
	MinBodyRate = 16 << 10
	bodyGrace   = 10 * time.Second
)

// deadlines sets the connection's read deadline from how much of the body
// has arrived, and its write deadline (the configured write timeout) before
// every write, so a response may run long as long as its client keeps
// reading. It must be the outermost middleware, so that every write passes
// through it.
func (s *Server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		start := time.Now()
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &rateBody{ReadCloser: r.Body, rc: rc, start: start}
			rc.SetReadDeadline(start.Add(bodyGrace + time.Second))
		} else {
			// Nothing more to read: no deadline, so that the server's
			// watch for a closed connection does not cancel a long answer.
			rc.SetReadDeadline(time.Time{})
		}
		next.ServeHTTP(&deadlineWriter{ResponseWriter: w, rc: rc, timeout: s.cfg.WriteTimeout}, r)
		rc.SetWriteDeadline(time.Time{}) // the next request on this connection starts afresh (an error once hijacked)
	})
}

// rateBody is a request body that must arrive at MinBodyRate on average.
type rateBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	n     int64
}

func (b *rateBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if errors.Is(err, io.EOF) {
		b.rc.SetReadDeadline(time.Time{})
	} else {
		allowed := bodyGrace + time.Duration(float64(b.n+MinBodyRate)/MinBodyRate*float64(time.Second))
		b.rc.SetReadDeadline(b.start.Add(allowed))
	}
	return n, err
}

// deadlineWriter sets the write deadline before each write.
type deadlineWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration // 0: none
}

// extend moves the write deadline timeout from now.
func (w *deadlineWriter) extend() {
	if w.timeout > 0 {
		w.rc.SetWriteDeadline(time.Now().Add(w.timeout))
	}
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

func (w *deadlineWriter) WriteHeader(status int) {
	w.extend()
	w.ResponseWriter.WriteHeader(status)
}

// Flush sends what is buffered, under the same deadline.
func (w *deadlineWriter) Flush() {
	w.extend()
	w.rc.Flush()
}

// Hijack hands the connection over (websockets), which then keeps its own deadlines.
func (w *deadlineWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.rc.Hijack()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
