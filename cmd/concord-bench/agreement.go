package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"concord/internal/agreement"
)

// The agreement scenario measures internal/agreement on a project of
// 1,000,002 annotations: 333,334 tasks with 3 of 30 annotators each, 10
// labels, annotator c right with probability 0.5 + 0.45·c/29 and otherwise
// giving one of the 9 wrong labels at random (the data of the package's own
// benchmarks: same generator, same seed). Each step is timed (median of at
// least 3 runs and 1 s) and its peak RSS and allocations measured on the
// first run.
//
// Side by side, NLTK's AnnotationTask (nltk_baseline.py) runs on the first
// 33,334 tasks (100,002 annotations), and Go computes the same on the same
// slice. On both sides a time starts from the annotations in memory and
// includes building the structure (Ratings, AnnotationTask); NLTK's is the
// median of 3 runs. Compared, where both define the same number:
//
//   - Krippendorff's α, nominal and interval: NLTK's alpha() with the
//     binary and the interval distance is α = 1 − D_o/D_e over the pairable
//     values, as ours.
//   - Cohen's κ of each pair of annotators over the tasks both rated: NLTK's
//     kappa() on a task holding just that pair's ratings of those tasks.
//     NLTK's kappa() on the whole slice, the mean of pairwise κ, assumes
//     every coder rated every item (p_o and the marginals are divided by
//     the number of all items) and raises on missing data.
//   - Fleiss' κ: NLTK's pi() (multi-π, Fleiss 1971) on the slice with each
//     task's i-th rating given to coder "slot i", which makes the data
//     complete and leaves the per-task counts, all Fleiss' κ uses, unchanged.
//
// multi_kappa() (Davies & Fleiss 1982: chance agreement from each coder's own
// marginals, averaged over pairs) has no counterpart in internal/agreement and,
// like kappa(), raises on missing data; the script reports its error.

//go:embed nltk_baseline.py
var nltkScript []byte

const (
	agreeUnits   = 333_334 // tasks at scale 1
	agreeSlice   = 33_334  // tasks given to NLTK
	agreePerUnit = 3
	agreeCoders  = 30
	agreeLabels  = 10
	agreeTol     = 1e-9 // largest |Go − NLTK| accepted
)

// nltkValue is one value computed by nltk_baseline.py.
type nltkValue struct {
	Value   float64 `json:"value"`
	Error   string  `json:"error"`
	Seconds float64 `json:"seconds"`
}

// nltkResult is what nltk_baseline.py prints.
type nltkResult struct {
	Version       string    `json:"nltk_version"`
	Annotations   int       `json:"annotations"`
	Items         int       `json:"items"`
	Coders        int       `json:"coders"`
	AlphaNominal  nltkValue `json:"alpha_nominal"`
	AlphaInterval nltkValue `json:"alpha_interval"`
	PairKappa     struct {
		Pairs   [][3]float64 `json:"pairs"` // coder a, coder b, κ
		Mean    float64      `json:"mean"`
		Seconds float64      `json:"seconds"`
	} `json:"pair_kappa"`
	PiSlots    nltkValue `json:"pi_slots"`
	KappaFull  nltkValue `json:"kappa_full"`
	MultiKappa nltkValue `json:"multi_kappa_full"`
}

// benchAgreement times the agreement metrics and consensus on a million
// annotations, then compares values and times with NLTK on a slice.
func benchAgreement(ctx context.Context, e *env, scale float64) ([]figure, error) {
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(e.log, "load average at start: %s", b)
	}
	units := max(int(agreeUnits*scale), 2)
	ratings, truth := plantAnnotations(units)
	fmt.Fprintf(e.log, "%d annotations: %d tasks × %d of %d annotators, %d labels\n", len(ratings), units, agreePerUnit, agreeCoders, agreeLabels)

	var figs []figure
	var r *agreement.Ratings
	var alphaN, alphaI, meanKappa float64
	var fleiss agreement.Fleiss
	var majority []int
	var ds *agreement.DawidSkeneResult
	steps := []struct {
		name string
		run  func() error
	}{
		{"build Ratings", func() (err error) {
			r, err = agreement.NewRatings(units, agreeCoders, agreeLabels, ratings)
			return err
		}},
		{"Krippendorff's α, nominal", func() (err error) {
			alphaN, err = agreement.Alpha(r, agreement.Nominal)
			return err
		}},
		{"Krippendorff's α, interval", func() (err error) {
			alphaI, err = agreement.Alpha(r, agreement.Interval)
			return err
		}},
		{"Fleiss' κ", func() (err error) {
			fleiss, err = agreement.FleissKappa(r)
			return err
		}},
		{"Cohen's κ of every pair of annotators", func() (err error) {
			meanKappa, _, err = pairKappas(r)
			return err
		}},
		{"majority vote", func() error {
			majority = agreement.MajorityVote(r, agreement.TieRule{Seed: 1})
			return nil
		}},
		{"Dawid–Skene", func() (err error) {
			ds, err = agreement.DawidSkene(r, agreement.DawidSkeneOptions{})
			return err
		}},
	}
	for _, s := range steps {
		m, err := measure(s.run)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(e.log, "%s: %.2f ms (median of %d), peak RSS %.0f MiB, allocated %.1f MiB\n", s.name, m.secs*1e3, m.runs, m.peak, m.alloc)
		name := fmt.Sprintf("%s, %d annotations", s.name, len(ratings))
		figs = append(figs,
			figure{Scenario: "agreement", Name: name, Value: m.secs * 1e3, Unit: "ms"},
			figure{Scenario: "agreement", Name: name + ", peak RSS", Value: m.peak, Unit: "MiB"},
			figure{Scenario: "agreement", Name: name + ", allocated", Value: m.alloc, Unit: "MiB"},
		)
	}
	dsAcc := 0
	for u, l := range ds.Labels {
		if l == truth[u] {
			dsAcc++
		}
	}
	mvAcc := 0
	for u, l := range majority {
		if l == truth[u] {
			mvAcc++
		}
	}
	fmt.Fprintf(e.log, "values: α nominal %.6f, α interval %.6f, Fleiss' κ %.6f, mean pairwise Cohen's κ %.6f\n", alphaN, alphaI, fleiss.Kappa, meanKappa)
	fmt.Fprintf(e.log, "consensus against the planted labels: majority vote %.4f, Dawid–Skene %.4f (%d iterations, converged %v); Dawid–Skene reliability of annotator 0 %.3f (planted 0.50), of annotator %d %.3f (planted 0.95)\n",
		float64(mvAcc)/float64(units), float64(dsAcc)/float64(units), ds.Iterations, ds.Converged, ds.Reliability(0), agreeCoders-1, ds.Reliability(agreeCoders-1))

	base, err := compareNLTK(ctx, e, ratings, min(units, agreeSlice))
	if err != nil {
		return nil, err
	}
	return append(figs, base...), nil
}

// compareNLTK computes on the first n tasks what nltk_baseline.py computes,
// runs it, and returns the side-by-side figures; none, with a message, when
// no python3 has NLTK.
func compareNLTK(ctx context.Context, e *env, ratings []agreement.Rating, n int) ([]figure, error) {
	python := ""
	for _, p := range pythons {
		if exec.CommandContext(ctx, p, "-c", "import nltk.metrics.agreement").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		fmt.Fprintf(e.log, "agreement: no python3 with NLTK (tried %s); install Debian's python3-nltk for the baseline. Reporting Concord's figures alone.\n", strings.Join(pythons, ", "))
		return nil, nil
	}
	end := 0
	for end < len(ratings) && ratings[end].Unit < n {
		end++
	}
	slice := ratings[:end]
	path := filepath.Join(e.dir, "agreement_triples.tsv")
	if err := writeTriples(path, slice); err != nil {
		return nil, err
	}
	script := filepath.Join(e.dir, "nltk_baseline.py")
	if err := os.WriteFile(script, nltkScript, 0o644); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.log, "running the NLTK baseline with %s on the first %d tasks (%d annotations)\n", python, n, len(slice))
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, python, script, path)
	cmd.Stdout, cmd.Stderr = &out, e.log
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("nltk baseline: %w", err)
	}
	var nr nltkResult
	if err := json.Unmarshal(out.Bytes(), &nr); err != nil {
		return nil, fmt.Errorf("nltk baseline output: %w", err)
	}
	fmt.Fprintf(e.log, "NLTK %s: %d annotations, %d items, %d coders, %.1fs in all\n", nr.Version, nr.Annotations, nr.Items, nr.Coders, time.Since(t0).Seconds())
	if nr.Annotations != len(slice) || nr.Items != n {
		return nil, fmt.Errorf("nltk baseline read %d annotations of %d items, want %d of %d", nr.Annotations, nr.Items, len(slice), n)
	}
	fmt.Fprintf(e.log, "NLTK kappa() on the slice: %s (%.1fs); multi_kappa(): %s (%.1fs) — both assume every coder labelled every item\n",
		orValue(nr.KappaFull), nr.KappaFull.Seconds, orValue(nr.MultiKappa), nr.MultiKappa.Seconds)

	build := func() (*agreement.Ratings, error) {
		return agreement.NewRatings(n, agreeCoders, agreeLabels, slice)
	}
	var goAlphaN, goAlphaI, goMean float64
	var goFleiss agreement.Fleiss
	var goPairs []pairKappa
	type comparison struct {
		name     string
		run      func() error
		got      *float64
		want     float64
		nltk     float64 // seconds
		nltkName string
		pairs    bool // also compare each pair's κ
	}
	comps := []comparison{
		{"Krippendorff's α, nominal", func() error {
			r, err := build()
			if err == nil {
				goAlphaN, err = agreement.Alpha(r, agreement.Nominal)
			}
			return err
		}, &goAlphaN, nr.AlphaNominal.Value, nr.AlphaNominal.Seconds, "alpha()", false},
		{"Krippendorff's α, interval", func() error {
			r, err := build()
			if err == nil {
				goAlphaI, err = agreement.Alpha(r, agreement.Interval)
			}
			return err
		}, &goAlphaI, nr.AlphaInterval.Value, nr.AlphaInterval.Seconds, "alpha(), interval_distance", false},
		{"Cohen's κ of every pair, mean", func() error {
			r, err := build()
			if err == nil {
				goMean, goPairs, err = pairKappas(r)
			}
			return err
		}, &goMean, nr.PairKappa.Mean, nr.PairKappa.Seconds, "kappa() per pair", true},
		{"Fleiss' κ", func() error {
			r, err := build()
			if err == nil {
				goFleiss, err = agreement.FleissKappa(r)
			}
			return err
		}, &goFleiss.Kappa, nr.PiSlots.Value, nr.PiSlots.Seconds, "pi() on slots", false},
	}
	var figs []figure
	worst := 0.0
	for _, c := range comps {
		m, err := measure(c.run)
		if err != nil {
			return nil, fmt.Errorf("%s on the slice: %w", c.name, err)
		}
		diff := math.Abs(*c.got - c.want)
		if c.pairs {
			diff = max(diff, pairsDiff(e, goPairs, nr.PairKappa.Pairs))
		}
		worst = max(worst, diff)
		fmt.Fprintf(e.log, "%s on %d annotations: Go %.15f in %.3f ms, NLTK %s %.15f in %.3f s: |difference| %.3g, NLTK/Go time %.0f\n",
			c.name, len(slice), *c.got, m.secs*1e3, c.nltkName, c.want, c.nltk, diff, c.nltk/m.secs)
		bn := "NLTK " + nr.Version + " " + c.nltkName
		figs = append(figs,
			figure{Scenario: "agreement", Name: fmt.Sprintf("%s, %d annotations, time (ratio = NLTK/Go, >1: Go faster)", c.name, len(slice)), Value: m.secs, Unit: "s", Baseline: c.nltk, BaseName: bn, Ratio: c.nltk / m.secs},
			figure{Scenario: "agreement", Name: fmt.Sprintf("%s, %d annotations, |Go − NLTK|", c.name, len(slice)), Value: diff, Unit: ""},
		)
	}
	if worst > agreeTol {
		fmt.Fprintf(e.log, "agreement: MISMATCH: Go and NLTK differ by up to %.3g, more than %g\n", worst, agreeTol)
	} else {
		fmt.Fprintf(e.log, "agreement: Go and NLTK agree: largest |difference| %.3g ≤ %g\n", worst, agreeTol)
	}
	return figs, nil
}

// pairKappa is Cohen's κ of annotators A < B.
type pairKappa struct {
	A, B  int
	Kappa float64
}

// pairKappas returns unweighted Cohen's κ of every pair of annotators over
// the tasks both rated, and their mean.
func pairKappas(r *agreement.Ratings) (float64, []pairKappa, error) {
	confs := agreement.PairConfusions(r)
	out := make([]pairKappa, len(confs))
	var sum float64
	for i, p := range confs {
		k, err := p.Kappa(agreement.Unweighted)
		if err != nil {
			return 0, nil, fmt.Errorf("annotators %d and %d: %w", p.A, p.B, err)
		}
		out[i] = pairKappa{p.A, p.B, k}
		sum += k
	}
	if len(out) == 0 {
		return 0, nil, agreement.ErrNoData
	}
	return sum / float64(len(out)), out, nil
}

// pairsDiff returns the largest |κ difference| over the pairs, or +Inf (with
// a message) when Go and NLTK did not find the same pairs.
func pairsDiff(e *env, got []pairKappa, want [][3]float64) float64 {
	if len(got) != len(want) {
		fmt.Fprintf(e.log, "agreement: Go found %d pairs of annotators, NLTK %d\n", len(got), len(want))
		return math.Inf(1)
	}
	worst := 0.0
	for i, g := range got {
		w := want[i]
		if float64(g.A) != w[0] || float64(g.B) != w[1] {
			fmt.Fprintf(e.log, "agreement: pair %d is %d–%d in Go, %g–%g in NLTK\n", i, g.A, g.B, w[0], w[1])
			return math.Inf(1)
		}
		worst = max(worst, math.Abs(g.Kappa-w[2]))
	}
	fmt.Fprintf(e.log, "Cohen's κ: %d pairs of annotators, largest |Go − NLTK| over the pairs %.3g\n", len(got), worst)
	return worst
}

// orValue describes an NLTK value that may have failed.
func orValue(v nltkValue) string {
	if v.Error != "" {
		return v.Error
	}
	return fmt.Sprintf("%.15f", v.Value)
}

// measurement is the outcome of [measure].
type measurement struct {
	secs        float64 // median run time
	runs        int
	peak, alloc float64 // MiB: peak RSS and bytes allocated, first run
}

// measure runs f after returning freed memory to the OS, recording the peak
// RSS and the allocations of that first run, then again until it has run at
// least 3 times and 1 s, and returns the median time.
func measure(f func() error) (measurement, error) {
	debug.FreeOSMemory()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	peakRSS(true)
	t0 := time.Now()
	if err := f(); err != nil {
		return measurement{}, err
	}
	times := []float64{time.Since(t0).Seconds()}
	m := measurement{peak: peakRSS(false)}
	runtime.ReadMemStats(&m1)
	m.alloc = float64(m1.TotalAlloc-m0.TotalAlloc) / (1 << 20)
	total := times[0]
	for len(times) < 3 || (total < 1 && len(times) < 1000) {
		t0 := time.Now()
		if err := f(); err != nil {
			return measurement{}, err
		}
		times = append(times, time.Since(t0).Seconds())
		total += times[len(times)-1]
	}
	slices.Sort(times)
	m.secs, m.runs = times[len(times)/2], len(times)
	return m, nil
}

// plantAnnotations generates the benchmark project, task by task, and the
// planted true label of each task: the generator and seed of
// internal/agreement's benchmarks (bench_test.go), so both measure the same
// data.
func plantAnnotations(units int) ([]agreement.Rating, []int) {
	rng := rand.New(rand.NewPCG(42, 1971))
	accuracy := make([]float64, agreeCoders)
	for c := range accuracy {
		accuracy[c] = 0.5 + 0.45*float64(c)/(agreeCoders-1)
	}
	const prior = 1.0 / agreeLabels
	truth := make([]int, units)
	ratings := make([]agreement.Rating, 0, units*agreePerUnit)
	for u := range units {
		x, t := rng.Float64(), 0
		for x > prior && t < agreeLabels-1 {
			x -= prior
			t++
		}
		truth[u] = t
		for _, c := range rng.Perm(agreeCoders)[:agreePerUnit] {
			g := t
			if rng.Float64() >= accuracy[c] {
				g = (t + 1 + rng.IntN(agreeLabels-1)) % agreeLabels
			}
			ratings = append(ratings, agreement.Rating{Unit: u, Coder: c, Category: g})
		}
	}
	return ratings, truth
}

// writeTriples writes coder<TAB>item<TAB>label lines, task by task.
func writeTriples(path string, ratings []agreement.Rating) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, r := range ratings {
		fmt.Fprintf(w, "%d\t%d\t%d\n", r.Coder, r.Unit, r.Category)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
