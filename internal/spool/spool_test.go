package spool

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestReaderFollowsWriter: the reader gets every byte in order while the
// writer is still writing, then the writer's error or io.EOF.
func TestReaderFollowsWriter(t *testing.T) {
	for _, fail := range []error{nil, errors.New("query failed")} {
		s, err := New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		step := make(chan struct{})
		go func() {
			for i := range 200 {
				line := strings.Repeat(string(rune('a'+i%26)), i) + "\n"
				want.WriteString(line)
				s.Write([]byte(line))
				if i == 10 {
					step <- struct{}{} // the reader has read some before the rest is written
					<-step
				}
			}
			s.Finish(fail)
		}()
		<-step
		first := make([]byte, s.Size())
		if _, err := io.ReadFull(s.Reader(context.Background()), first); err != nil {
			t.Fatal(err)
		}
		step <- struct{}{}
		got, err := io.ReadAll(s.Reader(context.Background()))
		if !errors.Is(err, fail) {
			t.Fatalf("read error %v, want %v", err, fail)
		}
		if !bytes.Equal(got, want.Bytes()) || !bytes.HasPrefix(want.Bytes(), first) {
			t.Fatalf("read %d bytes, want %d", len(got), want.Len())
		}
		if err := s.Remove(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReaderStopsWithContext: a reader waiting on a writer that never
// finishes returns when its context ends.
func TestReaderStopsWithContext(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Remove()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Reader(ctx).Read(make([]byte, 8)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}
