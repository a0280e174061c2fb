package ml

import (
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"

	"concord/internal/fixture"
)

func evalImages(m *ImageModel, test []ImageExample) Report {
	var gold, pred []string
	for _, ex := range test {
		gold = append(gold, ex.Label)
		pred = append(pred, m.Predict(ex.Image)[0].Label)
	}
	return Evaluate(gold, pred)
}

// mnistSplit is the documented MNIST split: Split(n, 0.2, seed 1), on the
// 10,000 digits of the full set in the benchmarks and on testdata's 2,500
// (every fourth of them) in the tests.
func mnistSplit(all []ImageExample) (train, test []ImageExample) {
	tr, te := Split(len(all), 0.2, 1)
	for _, i := range tr {
		train = append(train, all[i])
	}
	for _, i := range te {
		test = append(test, all[i])
	}
	return train, test
}

// every returns every k-th element of s.
func every[T any](s []T, k int) []T {
	var out []T
	for i := 0; i < len(s); i += k {
		out = append(out, s[i])
	}
	return out
}

// mnistTestdata is the split of testdata's 2,500 MNIST digits: 2,000 to train, 500 to test.
func mnistTestdata(t testing.TB) (train, test []ImageExample) {
	return mnistSplit(loadMNIST(t, fixture.Path(t, "image/mnist_2500.csv.gz")))
}

// TestImageMNISTSmall trains on every 2nd image of the MNIST training split
// (1,000) and checks accuracy on the 500 test images.
func TestImageMNISTSmall(t *testing.T) {
	train, test := mnistTestdata(t)
	m, err := TrainImage(every(train, 2), ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := evalImages(m, test)
	t.Logf("MNIST, 1,000 training images: accuracy %.4f", r.Accuracy)
	if r.Accuracy < 0.9 {
		t.Errorf("accuracy %.4f < 0.9", r.Accuracy)
	}
}

// TestImageMNIST trains on the 2,000-image split and reports test accuracy
// (BenchmarkQualityMNIST measures the 10,000-digit set).
func TestImageMNIST(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("full MNIST training: skipped with -short and -race")
	}
	train, test := mnistTestdata(t)
	m, err := TrainImage(train, ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := evalImages(m, test)
	t.Logf("MNIST 2,500, 80/20: accuracy %.4f, macro-F1 %.4f", r.Accuracy, r.MacroF1)
	if r.Accuracy < 0.95 {
		t.Errorf("accuracy %.4f < 0.95", r.Accuracy)
	}
}

// blob draws a w×h image with a coloured disc on a grey background.
func blob(rng *rand.Rand, w, h int, c color.RGBA) image.Image {
	img := image.NewNRGBA(image.Rect(10, 20, 10+w, 20+h)) // non-zero origin on purpose
	r := min(w, h) / 3
	cx, cy := 10+r+rng.IntN(w-2*r), 20+r+rng.IntN(h-2*r)
	for y := 20; y < 20+h; y++ {
		for x := 10; x < 10+w; x++ {
			col := color.NRGBA{128, 128, 128, 255}
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < r*r {
				col = color.NRGBA{c.R, c.G, c.B, 255}
			}
			img.Set(x, y, col)
		}
	}
	return img
}

func TestImageColour(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	gen := func(n int) []ImageExample {
		var out []ImageExample
		for i := 0; i < n; i++ {
			w, h := 20+rng.IntN(60), 20+rng.IntN(60)
			if i%2 == 0 {
				out = append(out, ImageExample{blob(rng, w, h, color.RGBA{220, 30, 30, 255}), "red"})
			} else {
				out = append(out, ImageExample{blob(rng, w, h, color.RGBA{30, 30, 220, 255}), "blue"})
			}
		}
		return out
	}
	m, err := TrainImage(gen(100), ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := evalImages(m, gen(40)); r.Accuracy < 0.9 {
		t.Errorf("colour accuracy %.3f", r.Accuracy)
	}
	if !slices.Equal(m.Labels(), []string{"blue", "red"}) {
		t.Errorf("labels %v", m.Labels())
	}
	if p := m.Predict(image.NewRGBA(image.Rectangle{})); len(p) != 2 {
		t.Errorf("empty image: %v", p)
	}
}
