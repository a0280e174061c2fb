package live

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// BenchmarkFanout measures one Publish reaching every one of N websocket
// clients of the same project over loopback: an op is the time from Publish
// to the last client's receipt.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			h := NewHub(slog.New(slog.NewTextHandler(io.Discard, nil)))
			srv, _ := serve(b, h, allowAll)
			var received sync.WaitGroup
			for range n {
				conn := dial(b, srv, nil)
				subscribe(b, conn, 1)
				conn.SetReadDeadline(time.Time{})
				go func() {
					for {
						if _, _, err := conn.ReadMessage(); err != nil {
							return
						}
						received.Done()
					}
				}()
			}
			e := Event{Project: 1, Type: TypeAnnotationCreated, ID: 1, Data: []byte(`{"task":1,"completed_by":1}`)}
			for b.Loop() {
				received.Add(n)
				h.Publish(e)
				received.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/client")
			if s := h.Stats(); s.Dropped != 0 {
				b.Fatalf("%d clients dropped", s.Dropped)
			}
		})
	}
}
