package web

import (
	"testing"
	"time"

	"concord/internal/store"
)

// TestBackoffGrowsAndCaps checks the delays double from the first and stop at
// the cap, however many failures there were.
func TestBackoffGrowsAndCaps(t *testing.T) {
	b := backoff{free: 3, first: time.Second, max: 5 * time.Minute}
	last := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		count int
		want  time.Duration
	}{{0, 0}, {2, 0}, {3, time.Second}, {4, 2 * time.Second}, {11, 256 * time.Second}, {12, 5 * time.Minute}, {100, 5 * time.Minute}, {1 << 30, 5 * time.Minute}} {
		if got := b.wait(store.FailureTally{Count: c.count, Last: last}, last); got != c.want {
			t.Errorf("after %d failures: wait %v, want %v", c.count, got, c.want)
		}
	}
	if got := b.wait(store.FailureTally{Count: 5, Last: last}, last.Add(3*time.Second)); got != time.Second {
		t.Errorf("3 s into a 4 s wait: %v left, want 1s", got)
	}
	if got := b.wait(store.FailureTally{Count: 5, Last: last}, last.Add(time.Minute)); got != 0 {
		t.Errorf("after the wait: %v left, want 0", got)
	}
}
