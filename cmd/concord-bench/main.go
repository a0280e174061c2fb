// Command concord-bench runs Concord's benchmark scenarios against a real
// PostgreSQL and prints a table of figures, each beside a baseline measured in
// the same run (for example raw COPY of the same rows) and their ratio.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "concord-bench:", err)
		os.Exit(1)
	}
}
