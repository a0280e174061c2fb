package ml

import (
	"testing"

	"concord/internal/fixture"
)

// The quality benchmarks train on the documented splits (see smsSplit,
// loadCoNLL, mnistSplit and loadFSDD); ns/op is the training time, and the
// held-out quality is reported as a metric. Run them one at a time, e.g.
// go test -run '^$' -bench Quality -benchtime 1x ./internal/ml/

func BenchmarkQualitySMS(b *testing.B) {
	train, test := smsSplit(b)
	for b.Loop() {
		m, err := TrainText(train, TextOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		r, ece, brier := evalText(m, test)
		b.ReportMetric(r.MacroF1, "macroF1")
		b.ReportMetric(ece, "ECE")
		b.ReportMetric(brier, "Brier")
		b.StartTimer()
	}
}

func BenchmarkQualityWNUT(b *testing.B) {
	train := loadCoNLL(b, "ner/wnut17_train.conll")
	dev := loadCoNLL(b, "ner/wnut17_dev.conll")
	for b.Loop() {
		m, err := TrainSpans(train, SpanOptions{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		r := evalSpans(m, dev)
		b.ReportMetric(r.F1, "entityF1")
		b.StartTimer()
	}
}

func BenchmarkQualityMNIST(b *testing.B) {
	train, test := mnistSplit(loadMNIST(b, fixture.Shared(b, "image/mnist_10k.csv.gz")))
	for b.Loop() {
		m, err := TrainImage(train, ImageOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(evalImages(m, test).Accuracy, "accuracy")
		b.StartTimer()
	}
}

func BenchmarkQualityFSDD(b *testing.B) {
	train, test := loadFSDD(b, fixture.Shared(b, "audio/fsdd"))
	for b.Loop() {
		m, err := TrainAudio(train, AudioOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(evalAudio(m, test).Accuracy, "accuracy")
		b.StartTimer()
	}
}

// BenchmarkPredictText measures pre-labeling speed for one text.
func BenchmarkPredictText(b *testing.B) {
	train, test := smsSplit(b)
	m, err := TrainText(train, TextOptions{})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		m.Predict(test[i%len(test)].Text)
		i++
	}
}
