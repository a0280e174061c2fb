package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"concord/internal/localpg"
	"concord/internal/store"
)

// figure is one row of the results: a value, and a baseline measured in the same run.
type figure struct {
	Scenario string  `json:"scenario"`
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline,omitempty"`
	BaseName string  `json:"baseline_name,omitempty"`
	Ratio    float64 `json:"ratio,omitempty"` // value / baseline
}

// env is what every scenario gets: a fresh migrated database and a scratch directory.
type env struct {
	store *store.Store
	url   string // the database's URL, for a scenario that opens its own pool
	dir   string
	log   io.Writer
}

type scenario struct {
	name string
	help string
	run  func(ctx context.Context, e *env, scale float64) ([]figure, error)
}

var scenarios = []scenario{
	{"import", "import N generated JSONL text tasks (~200 bytes each) vs raw COPY of the same rows", benchImport},
	{"pages", "first-load weight of the labeling pages (text classification, audio), gzip", benchPages},
	{"live", "5,000 websocket clients on one project: submission to event at every client; memory per connection", benchLive},
	{"prelabel", "train the in-house model on 2,000 labels, then pre-label a million unlabeled text tasks", benchPrelabel},
	{"label", "next + submit through the API, 64 concurrent annotators, 1M tasks, vs raw SQL doing the same reads and writes", benchLabel},
	{"export", "export 1M annotations (one per task) as JSONL and Label Studio JSON, and a 10,000-image project while other projects hold 100,000 media rows, through the API's code path vs COPY of the same rows", benchExport},
	{"quality", "in-house classifiers on the shared data (SMS, MNIST, WNUT-17, FSDD) vs scikit-learn on the same splits; training 100k texts; predict throughput", benchQuality},
	{"tasks", "the task table on 1M tasks: first page with no filter, each filter, search, sorts, deep keyset pages, counts; bulk assign and delete of 100k tasks", benchTasks},
	{"slow", "p99 of other users' sign-in and next with 100 slow export readers and 400 slow request bodies open, vs the same on an idle server", benchSlow},
	{"agreement", "Krippendorff's alpha, Fleiss' and Cohen's kappa, majority vote and Dawid-Skene on 1,000,002 annotations; NLTK's AnnotationTask on a 100,002-annotation slice", benchAgreement},
	{"crowd", "crowd simulation: 300 tasks, 4 classes, 10 annotators (3 random, 7 right 80 % of the time), 5 per task, seeds 1-5: majority vote (ties: no consensus, or a seeded draw) and Dawid-Skene against the planted classes; the same crowd on 4-choice multiple choice: per-choice majority and per-choice Dawid-Skene against the planted sets", benchCrowd},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("concord-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "comma-separated scenarios to run (default all: "+names()+")")
	scale := fs.Float64("scale", 1, "fraction of each scenario's full size, e.g. 0.01 for a quick run")
	dbURL := fs.String("database-url", os.Getenv("CONCORD_BENCH_DATABASE_URL"), "PostgreSQL server to use (default: an embedded cluster in a temporary directory)")
	jsonOut := fs.String("json", "", "also write the figures as JSON to this file")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	dir, err := os.MkdirTemp("", "concord-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o711)
	url := *dbURL
	if url == "" {
		c, err := localpg.Start(ctx, filepath.Join(dir, "pg"))
		if err != nil {
			return err
		}
		defer c.Stop()
		url = c.URL(localpg.Database)
	}
	m, err := store.NewMigrator(url)
	if err != nil {
		return err
	}
	if err := m.Up(); err != nil {
		return err
	}
	m.Close()
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stderr, "machine: %d CPUs, %s, Go %s\n", runtime.NumCPU(), runtime.GOARCH, runtime.Version())
	var all []figure
	for _, sc := range scenarios {
		if *only != "" && !strings.Contains(","+*only+",", ","+sc.name+",") {
			continue
		}
		fmt.Fprintf(stderr, "== %s: %s\n", sc.name, sc.help)
		figs, err := sc.run(ctx, &env{store: st, url: url, dir: dir, log: stderr}, *scale)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		all = append(all, figs...)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tfigure\tvalue\tunit\tbaseline\tratio\t")
	for _, f := range all {
		base, ratio := "", ""
		if f.Baseline != 0 {
			base = fmt.Sprintf("%.4g (%s)", f.Baseline, f.BaseName)
			ratio = fmt.Sprintf("%.2f", f.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4g\t%s\t%s\t%s\t\n", f.Scenario, f.Name, f.Value, f.Unit, base, ratio)
	}
	tw.Flush()
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"date": time.Now().UTC().Format(time.RFC3339), "cpus": runtime.NumCPU(), "figures": all}, "", "  ")
		return os.WriteFile(*jsonOut, b, 0o644)
	}
	return nil
}

func names() string {
	var n []string
	for _, s := range scenarios {
		n = append(n, s.name)
	}
	return strings.Join(n, ",")
}

// peakRSS resets (when reset is set) or reads this process's peak resident set
// size in MiB, from /proc (Linux).
func peakRSS(reset bool) float64 {
	if reset {
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		return 0
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
