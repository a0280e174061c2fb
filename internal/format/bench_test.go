package format

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// genJSONL returns n generated text tasks of about 200 bytes each, one per line.
func genJSONL(n int) []byte {
	var b bytes.Buffer
	words := []string{"the", "order", "arrived", "late", "but", "support", "was", "helpful", "and", "kind", "😀", "naïve"}
	for i := range n {
		start := b.Len()
		b.WriteString(`{"text": "`)
		for j := 0; b.Len()-start < 150; j++ {
			b.WriteString(words[(i+j*7)%len(words)])
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, `#%d", "source": "gen", "n": %d}`+"\n", i, i)
	}
	return b.Bytes()
}

// BenchmarkReadJSONL reads 100,000 generated JSONL tasks (~200 bytes each);
// MB/s is input throughput and allocs/task the allocations per task.
func BenchmarkReadJSONL(b *testing.B) {
	const n = 100_000
	in := genJSONL(n)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		r, _ := NewReader(JSONL, bytes.NewReader(in), Options{})
		count := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("read %d tasks, want %d", count, n)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(len(in))/n, "bytes/task")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*n), "allocs/task")
}
