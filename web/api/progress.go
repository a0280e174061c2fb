package api

import (
	"context"
	"sync"
	"time"

	"concord/internal/store"
)

// openTaskTTL is how stale the "tasks remaining" figure of a project may be:
// every labeling answer shows it, and counting on every one would cost more
// than the labeling itself on a large project.
const openTaskTTL = 5 * time.Second

// openTaskCache remembers each project's count of open tasks for openTaskTTL.
type openTaskCache struct {
	mu sync.Mutex
	m  map[int64]openTasks
}

type openTasks struct {
	n    int64
	more bool
	at   time.Time
}

func (c *openTaskCache) get(ctx context.Context, projectID int64, st *store.Store) (int64, bool, error) {
	c.mu.Lock()
	o, ok := c.m[projectID]
	c.mu.Unlock()
	if ok && time.Since(o.at) < openTaskTTL {
		return o.n, o.more, nil
	}
	n, more, err := st.OpenTasks(ctx, projectID)
	if err != nil {
		return 0, false, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]openTasks{}
	}
	c.m[projectID] = openTasks{n: n, more: more, at: time.Now()}
	c.mu.Unlock()
	return n, more, nil
}
