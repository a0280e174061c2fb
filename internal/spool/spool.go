// Package spool is a temporary file that one goroutine writes while another
// reads it as it grows. A streamed export writes into a spool at the
// database's pace and the HTTP handler sends it at the client's pace, so a
// slow reader holds a file, never a database connection.
package spool

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
)

// File is a spool: written by one goroutine (Write, then Finish), read by
// another (Reader), removed with Remove once both are done.
type File struct {
	f       *os.File
	mu      sync.Mutex
	grew    chan struct{} // closed and replaced whenever size or done changes
	size    int64
	done    bool
	doneErr error
}

// New creates an empty spool in dir (os.TempDir when empty).
func New(dir string) (*File, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	f, err := os.CreateTemp(dir, "concord-spool-*")
	if err != nil {
		return nil, err
	}
	return &File{f: f, grew: make(chan struct{})}, nil
}

// Write appends p; readers waiting for more are woken.
func (s *File) Write(p []byte) (int, error) {
	s.mu.Lock()
	off := s.size
	s.mu.Unlock()
	n, err := s.f.WriteAt(p, off)
	s.mu.Lock()
	s.size += int64(n)
	s.wake()
	s.mu.Unlock()
	return n, err
}

// Finish says the writer is done; err (nil: success) is what a reader gets
// after the last byte instead of io.EOF.
func (s *File) Finish(err error) {
	s.mu.Lock()
	s.done, s.doneErr = true, err
	s.wake()
	s.mu.Unlock()
}

// wake tells waiting readers that something changed; s.mu is held.
func (s *File) wake() {
	close(s.grew)
	s.grew = make(chan struct{})
}

// Size is the number of bytes written so far.
func (s *File) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Reader reads the spool from its start, waiting for the writer when it has
// caught up, until Finish; ctx ends a wait.
func (s *File) Reader(ctx context.Context) io.Reader {
	return &reader{s: s, ctx: ctx}
}

// Remove deletes the file; call it when writer and reader are done.
func (s *File) Remove() error {
	return errors.Join(s.f.Close(), os.Remove(s.f.Name()))
}

type reader struct {
	s   *File
	ctx context.Context
	off int64
}

func (r *reader) Read(p []byte) (int, error) {
	for {
		r.s.mu.Lock()
		size, done, doneErr, grew := r.s.size, r.s.done, r.s.doneErr, r.s.grew
		r.s.mu.Unlock()
		if r.off < size {
			n, err := r.s.f.ReadAt(p[:min(int64(len(p)), size-r.off)], r.off)
			r.off += int64(n)
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return n, err
		}
		if done {
			if doneErr != nil {
				return 0, doneErr
			}
			return 0, io.EOF
		}
		select {
		case <-grew:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
}
