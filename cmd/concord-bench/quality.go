package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"concord/internal/media"
	"concord/internal/ml"
)

// The quality scenario trains Concord's classifiers on the shared data with
// the splits the internal/ml tests document, and runs scikit-learn on the
// very same splits (sklearn_baseline.py, given the split indexes in a JSON
// file) as the baseline:
//
//   - SMS spam: texts deduplicated (first occurrence kept, file order), then
//     ml.Split(n, 0.2, seed 1): a seeded permutation, the first 20% test.
//   - MNIST 10k: ml.Split(10000, 0.2, seed 1).
//   - WNUT-17: train on train, entity F1 on dev.
//   - FSDD: takes 5–7 train, takes 8–9 test.
//
// Both sides' predictions are scored by the same Go code (ml.Evaluate).

//go:embed sklearn_baseline.py
var sklearnScript []byte

const (
	// qualityTexts is the size of the text-training benchmark at scale 1.
	qualityTexts = 100_000
	// textC and imageC are Concord's default regularisation (ml.TextOptions
	// and ml.ImageOptions); scikit-learn gets the same C, and both minimise
	// the summed log-loss plus ‖w‖²/(2C).
	textC  = 100
	imageC = 1
	// mnistMaxIter bounds scikit-learn's L-BFGS on raw pixels.
	mnistMaxIter = 500
)

// baselineSpec tells sklearn_baseline.py what to train and on which rows.
type baselineSpec struct {
	SMS struct {
		Path   string  `json:"path"`
		Count  int     `json:"count"`  // distinct texts, to check both dedupe alike
		SHA256 string  `json:"sha256"` // of the distinct texts, each followed by "\n"
		Train  []int   `json:"train"`
		Test   []int   `json:"test"`
		C      float64 `json:"C"`
	} `json:"sms"`
	MNIST struct {
		Path    string  `json:"path"`
		Count   int     `json:"count"`
		Train   []int   `json:"train"`
		Test    []int   `json:"test"`
		C       float64 `json:"C"`
		MaxIter int     `json:"max_iter"`
	} `json:"mnist"`
	Texts struct {
		Path string  `json:"path"` // label<TAB>text lines
		C    float64 `json:"C"`
	} `json:"texts"`
}

// baselineResult is what sklearn_baseline.py prints.
type baselineResult struct {
	Version string `json:"sklearn_version"`
	SMS     struct {
		Pred    []string `json:"pred"`
		Seconds float64  `json:"train_seconds"`
		Iters   int      `json:"iters"`
	} `json:"sms"`
	MNIST struct {
		Pred    []string `json:"pred"`
		Seconds float64  `json:"train_seconds"`
		Iters   int      `json:"iters"`
	} `json:"mnist"`
	Texts struct {
		Seconds    float64 `json:"train_seconds"`
		Iters      int     `json:"iters"`
		PerSecond  float64 `json:"predict_per_second"`
		Vocabulary int     `json:"vocabulary"`
	} `json:"texts"`
}

// benchQuality trains every in-house classifier on the shared data, then runs
// the scikit-learn baselines on the same splits and the same generated texts.
func benchQuality(ctx context.Context, e *env, scale float64) ([]figure, error) {
	data := filepath.Join("..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		fmt.Fprintf(e.log, "quality: shared data not found at %s (run from the repository root); scenario skipped\n", data)
		return nil, nil
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(e.log, "load average at start: %s", b) // other work on the machine skews the times
	}
	var spec baselineSpec
	var figs []figure
	add := func(name string, v float64, unit string) int {
		figs = append(figs, figure{Scenario: "quality", Name: name, Value: v, Unit: unit})
		return len(figs) - 1
	}
	elapsed := func(t0 time.Time) float64 { return time.Since(t0).Seconds() }

	// SMS spam.
	spec.SMS.Path = filepath.Join(data, "text", "sms_spam.tsv")
	sms, sum, err := readSMS(spec.SMS.Path)
	if err != nil {
		return nil, err
	}
	spec.SMS.Count, spec.SMS.SHA256, spec.SMS.C = len(sms), sum, textC
	spec.SMS.Train, spec.SMS.Test = ml.Split(len(sms), 0.2, 1)
	smsTrain, smsTest := pick(sms, spec.SMS.Train), pick(sms, spec.SMS.Test)
	t0 := time.Now()
	tm, err := ml.TrainText(smsTrain, ml.TextOptions{})
	if err != nil {
		return nil, err
	}
	smsSecs := elapsed(t0)
	smsGold := make([]string, len(smsTest))
	smsPred := make([]string, len(smsTest))
	for i, ex := range smsTest {
		smsGold[i], smsPred[i] = ex.Labels[0], tm.Predict(ex.Text)[0].Label
	}
	smsF1 := ml.Evaluate(smsGold, smsPred).MacroF1
	fmt.Fprintf(e.log, "SMS: %d distinct texts, train %d, test %d: Concord macro-F1 %.4f, trained in %.2fs\n", len(sms), len(smsTrain), len(smsTest), smsF1, smsSecs)
	fSMS := add("SMS spam macro-F1, Concord (ratio >1: Concord better)", smsF1, "")
	fSMSTime := add("SMS spam training time, Concord (ratio = sklearn/Concord, >1: Concord faster)", smsSecs, "s")

	// MNIST 10k.
	spec.MNIST.Path = filepath.Join(data, "image", "mnist_10k.csv.gz")
	mnist, err := readMNIST(spec.MNIST.Path)
	if err != nil {
		return nil, err
	}
	spec.MNIST.Count, spec.MNIST.C, spec.MNIST.MaxIter = len(mnist), imageC, mnistMaxIter
	spec.MNIST.Train, spec.MNIST.Test = ml.Split(len(mnist), 0.2, 1)
	mnistTest := pick(mnist, spec.MNIST.Test)
	t0 = time.Now()
	im, err := ml.TrainImage(pick(mnist, spec.MNIST.Train), ml.ImageOptions{})
	if err != nil {
		return nil, err
	}
	mnistSecs := elapsed(t0)
	mnistGold := make([]string, len(mnistTest))
	mnistPred := make([]string, len(mnistTest))
	for i, ex := range mnistTest {
		mnistGold[i], mnistPred[i] = ex.Label, im.Predict(ex.Image)[0].Label
	}
	mnistAcc := ml.Evaluate(mnistGold, mnistPred).Accuracy
	fmt.Fprintf(e.log, "MNIST: train %d, test %d: Concord accuracy %.4f, trained in %.2fs\n", len(spec.MNIST.Train), len(mnistTest), mnistAcc, mnistSecs)
	fMNIST := add("MNIST 10k accuracy, Concord (ratio >1: Concord better)", mnistAcc, "")
	fMNISTTime := add("MNIST 10k training time, Concord (ratio = sklearn/Concord, >1: Concord faster)", mnistSecs, "s")

	// WNUT-17.
	wTrain, err := readCoNLL(filepath.Join(data, "ner", "wnut17_train.conll"))
	if err != nil {
		return nil, err
	}
	wDev, err := readCoNLL(filepath.Join(data, "ner", "wnut17_dev.conll"))
	if err != nil {
		return nil, err
	}
	t0 = time.Now()
	sm, err := ml.TrainSpans(wTrain, ml.SpanOptions{Seed: 1})
	if err != nil {
		return nil, err
	}
	wSecs := elapsed(t0)
	var gold, pred [][]ml.Span
	for _, ex := range wDev {
		var p []ml.Span
		for _, s := range sm.Predict(ex.Text) {
			p = append(p, s.Span)
		}
		gold, pred = append(gold, ex.Spans), append(pred, p)
	}
	wr := ml.EvaluateSpans(gold, pred)
	fmt.Fprintf(e.log, "WNUT-17: train %d sentences, dev %d: entity P %.4f R %.4f F1 %.4f, trained in %.2fs\n", len(wTrain), len(wDev), wr.Precision, wr.Recall, wr.F1, wSecs)
	add("WNUT-17 entity F1 on dev, Concord", wr.F1, "")
	add("WNUT-17 training time, Concord", wSecs, "s")

	// FSDD.
	aTrain, aTest, err := readFSDD(filepath.Join(data, "audio", "fsdd"))
	if err != nil {
		return nil, err
	}
	t0 = time.Now()
	am, err := ml.TrainAudio(aTrain, ml.AudioOptions{})
	if err != nil {
		return nil, err
	}
	aSecs := elapsed(t0)
	var ag, ap []string
	for _, ex := range aTest {
		ag, ap = append(ag, ex.Label), append(ap, am.Predict(ex.Samples, ex.SampleRate)[0].Label)
	}
	aAcc := ml.Evaluate(ag, ap).Accuracy
	fmt.Fprintf(e.log, "FSDD: train %d clips (takes 5-7), test %d (takes 8-9): Concord accuracy %.4f, trained in %.2fs\n", len(aTrain), len(aTest), aAcc, aSecs)
	add("FSDD accuracy (split by take), Concord", aAcc, "")
	add("FSDD training time, Concord", aSecs, "s")

	// Training on many texts, and prediction speed.
	n := max(int(qualityTexts*scale), 5000)
	texts := synthTexts(sms, spec.SMS.Train, n, 1)
	spec.Texts.Path, spec.Texts.C = filepath.Join(e.dir, "texts.tsv"), textC
	if err := writeTexts(spec.Texts.Path, texts); err != nil {
		return nil, err
	}
	runtime.GC()
	t0 = time.Now()
	bm, err := ml.TrainText(texts, ml.TextOptions{})
	if err != nil {
		return nil, err
	}
	bigSecs := elapsed(t0)
	for i, ex := range smsTest {
		smsPred[i] = bm.Predict(ex.Text)[0].Label
	}
	fmt.Fprintf(e.log, "%d generated texts: Concord trained in %.2fs (macro-F1 on the SMS test split %.4f)\n", n, bigSecs, ml.Evaluate(smsGold, smsPred).MacroF1)
	fBig := add(fmt.Sprintf("training time, %d texts, Concord (ratio = sklearn/Concord, >1: Concord faster)", n), bigSecs, "s")
	strs := make([]string, len(texts))
	for i, ex := range texts {
		strs[i] = ex.Text
	}
	one := predictRate(bm, strs, 1, time.Second)
	all := predictRate(bm, strs, runtime.GOMAXPROCS(0), time.Second)
	fmt.Fprintf(e.log, "predict: %.0f texts/s on one goroutine, %.0f texts/s on %d\n", one, all, runtime.GOMAXPROCS(0))
	fPredict := add("predict, one text at a time, 1 goroutine, Concord (ratio >1: Concord faster)", one, "texts/s")
	add(fmt.Sprintf("predict, one text at a time, %d goroutines, Concord", runtime.GOMAXPROCS(0)), all, "texts/s")

	// The baseline.
	base, err := runSklearn(ctx, e, &spec)
	if err != nil {
		return nil, err
	}
	if base == nil {
		return figs, nil
	}
	if len(base.SMS.Pred) != len(smsGold) || len(base.MNIST.Pred) != len(mnistGold) {
		return nil, fmt.Errorf("sklearn returned %d SMS and %d MNIST predictions, want %d and %d", len(base.SMS.Pred), len(base.MNIST.Pred), len(smsGold), len(mnistGold))
	}
	bn := "sklearn " + base.Version
	higher := func(i int, v float64) { figs[i].Baseline, figs[i].BaseName, figs[i].Ratio = v, bn, figs[i].Value/v }
	faster := func(i int, secs float64) {
		figs[i].Baseline, figs[i].BaseName, figs[i].Ratio = secs, bn, secs/figs[i].Value
	}
	sF1 := ml.Evaluate(smsGold, base.SMS.Pred).MacroF1
	sAcc := ml.Evaluate(mnistGold, base.MNIST.Pred).Accuracy
	fmt.Fprintf(e.log, "sklearn %s: SMS macro-F1 %.4f in %.2fs (%d iterations); MNIST accuracy %.4f in %.2fs (%d iterations); %d texts in %.2fs (%d iterations, %d n-grams), batch predict %.0f texts/s\n",
		base.Version, sF1, base.SMS.Seconds, base.SMS.Iters, sAcc, base.MNIST.Seconds, base.MNIST.Iters, n, base.Texts.Seconds, base.Texts.Iters, base.Texts.Vocabulary, base.Texts.PerSecond)
	higher(fSMS, sF1)
	faster(fSMSTime, base.SMS.Seconds)
	higher(fMNIST, sAcc)
	faster(fMNISTTime, base.MNIST.Seconds)
	faster(fBig, base.Texts.Seconds)
	higher(fPredict, base.Texts.PerSecond)
	figs[fPredict].BaseName += ", one batch"
	return figs, nil
}

// pythons are the interpreters tried for the baseline: the one on PATH, then
// Debian's, where python3-sklearn installs (PATH may lead to a pyenv or venv
// python without it).
var pythons = []string{"python3", "/usr/bin/python3"}

// runSklearn runs sklearn_baseline.py on spec; it returns nil, with a message,
// when python3 or scikit-learn is missing.
func runSklearn(ctx context.Context, e *env, spec *baselineSpec) (*baselineResult, error) {
	python := ""
	for _, p := range pythons {
		if exec.CommandContext(ctx, p, "-c", "import sklearn").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		fmt.Fprintf(e.log, "quality: no python3 with scikit-learn (tried %s); install Debian's python3-sklearn for the baseline. Reporting Concord's figures alone.\n", strings.Join(pythons, ", "))
		return nil, nil
	}
	script := filepath.Join(e.dir, "sklearn_baseline.py")
	if err := os.WriteFile(script, sklearnScript, 0o644); err != nil {
		return nil, err
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	specPath := filepath.Join(e.dir, "quality_spec.json")
	if err := os.WriteFile(specPath, b, 0o644); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	fmt.Fprintf(e.log, "running the scikit-learn baseline with %s\n", python)
	cmd := exec.CommandContext(ctx, python, script, specPath)
	cmd.Stdout, cmd.Stderr = &out, e.log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sklearn baseline: %w", err)
	}
	var r baselineResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("sklearn baseline output: %w", err)
	}
	return &r, nil
}

// predictRate predicts every text, one at a time, on the given number of
// goroutines, in whole passes until the duration least has passed, and returns
// texts per second.
func predictRate(m *ml.TextModel, texts []string, workers int, least time.Duration) float64 {
	t0 := time.Now()
	done := 0
	for done == 0 || time.Since(t0) < least {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(texts); i += workers {
					m.Predict(texts[i])
				}
			})
		}
		wg.Wait()
		done += len(texts)
	}
	return float64(done) / time.Since(t0).Seconds()
}

// synthTexts makes n labeled texts from the SMS texts at idx: each joins the
// first half of one text's words to the second half of another's with the
// same label, so vocabulary, length and label balance are SMS's but nearly
// every text is new. Deterministic for a seed.
func synthTexts(all []ml.TextExample, idx []int, n int, seed uint64) []ml.TextExample {
	words := make([][]string, len(idx))
	byLabel := map[string][]int{}
	for k, i := range idx {
		words[k] = strings.Fields(all[i].Text)
		l := all[i].Labels[0]
		byLabel[l] = append(byLabel[l], k)
	}
	rng := rand.New(rand.NewPCG(seed, 0x71))
	out := make([]ml.TextExample, n)
	for j := range out {
		a := rng.IntN(len(idx))
		label := all[idx[a]].Labels
		same := byLabel[label[0]]
		b := same[rng.IntN(len(same))]
		wa, wb := words[a], words[b]
		text := strings.Join(append(wa[:len(wa)/2:len(wa)/2], wb[len(wb)/2:]...), " ")
		out[j] = ml.TextExample{Text: text, Labels: label}
	}
	return out
}

// writeTexts writes label<TAB>text lines (the texts hold no tab or newline).
func writeTexts(path string, texts []ml.TextExample) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, ex := range texts {
		fmt.Fprintf(w, "%s\t%s\n", ex.Labels[0], ex.Text)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pick returns the elements of all at idx, in order.
func pick[T any](all []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = all[i]
	}
	return out
}

// readSMS reads the SMS Spam Collection (label TAB text, no header, no
// quoting), keeps the first occurrence of each text, and returns the SHA-256
// of the kept texts, each followed by a newline.
func readSMS(path string) ([]ml.TextExample, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []ml.TextExample
	h := sha256.New()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		label, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok || seen[text] {
			continue
		}
		seen[text] = true
		h.Write([]byte(text + "\n"))
		out = append(out, ml.TextExample{Text: text, Labels: []string{label}})
	}
	if err := sc.Err(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return out, hex.EncodeToString(h.Sum(nil)), nil
}

// readMNIST reads mnist_10k.csv.gz (a header, then label,p0..p783 with bytes
// 0–255) as 28×28 greyscale images.
func readMNIST(path string) ([]ml.ImageExample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []ml.ImageExample
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		if fields[0] == "label" {
			continue
		}
		if len(fields) != 785 {
			return nil, fmt.Errorf("%s: row with %d fields", path, len(fields))
		}
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		for i, s := range fields[1:] {
			v, err := strconv.ParseUint(s, 10, 8)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			img.Pix[i] = uint8(v)
		}
		out = append(out, ml.ImageExample{Image: img, Label: fields[0]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// readCoNLL reads a token<TAB>tag BIO file (whitespace-only lines separate
// sentences) as texts of the tokens joined by single spaces, with entity
// spans in UTF-16 offsets.
func readCoNLL(path string) ([]ml.SpanExample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ml.SpanExample
	var b strings.Builder
	var spans []ml.Span
	pos := 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, ml.SpanExample{Text: b.String(), Spans: spans})
		}
		b.Reset()
		spans, pos = nil, 0
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			flush()
			continue
		}
		tok, tag := fields[0], fields[len(fields)-1]
		if b.Len() > 0 {
			b.WriteByte(' ')
			pos++
		}
		start := pos
		b.WriteString(tok)
		pos += ml.UTF16Len(tok)
		switch {
		case strings.HasPrefix(tag, "B-"):
			spans = append(spans, ml.Span{Start: start, End: pos, Label: tag[2:]})
		case strings.HasPrefix(tag, "I-") && len(spans) > 0 && spans[len(spans)-1].Label == tag[2:]:
			spans[len(spans)-1].End = pos
		case strings.HasPrefix(tag, "I-"):
			spans = append(spans, ml.Span{Start: start, End: pos, Label: tag[2:]})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	flush()
	return out, nil
}

// readFSDD decodes the Free Spoken Digit Dataset clips listed in labels.csv
// and splits them by take: 5–7 train, 8–9 test.
func readFSDD(dir string) (train, test []ml.AudioExample, err error) {
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	for _, r := range rows[1:] {
		take, err := strconv.Atoi(r[3])
		if err != nil {
			return nil, nil, fmt.Errorf("%s: take %q: %w", dir, r[3], err)
		}
		b, err := os.ReadFile(filepath.Join(dir, r[0]))
		if err != nil {
			return nil, nil, err
		}
		samples, rate, err := media.DecodeMono(bytes.NewReader(b))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", r[0], err)
		}
		ex := ml.AudioExample{Samples: samples, SampleRate: rate, Label: r[1]}
		if take <= 7 {
			train = append(train, ex)
		} else {
			test = append(test, ex)
		}
	}
	return train, test, nil
}
