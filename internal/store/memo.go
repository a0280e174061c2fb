package store

import (
	"context"
	"sync"
	"time"
)

// memoTTL bounds how long a process answers from memory (ProjectForUser,
// UserByTokenHash). A change is forgotten sooner: at once in the process that
// made it (after its commit), and in every other process when the
// notification the database's triggers send (concord_projects, migration
// 000017; concord_access, migration 000012) reaches ForgetProject or ForgetUser.
const memoTTL = 10 * time.Second

// memo keeps what reads outside a transaction found, for memoTTL. A read that
// began before something was forgotten is not kept: it may predate the change.
type memo[K comparable, V any] struct {
	mu  sync.Mutex
	gen uint64 // moves on every forget
	m   map[K]memoEntry[V]
}

type memoEntry[V any] struct {
	v  V
	at time.Time
}

func newMemo[K comparable, V any]() *memo[K, V] {
	return &memo[K, V]{m: map[K]memoEntry[V]{}}
}

// load answers k from memory, or reads it with read and keeps what it found.
func (c *memo[K, V]) load(ctx context.Context, k K, read func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[k]
	gen := c.gen
	c.mu.Unlock()
	if ok && time.Since(e.at) < memoTTL {
		return e.v, nil
	}
	at := time.Now()
	v, err := read(ctx)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if gen == c.gen {
		c.m[k] = memoEntry[V]{v, at}
	}
	c.mu.Unlock()
	return v, nil
}

// forget drops the entries drop says (nil: every entry).
func (c *memo[K, V]) forget(drop func(K, V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.m {
		if drop == nil || drop(k, e.v) {
			delete(c.m, k)
		}
	}
}
