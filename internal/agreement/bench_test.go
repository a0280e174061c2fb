package agreement

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// The benchmark project: 1,000,002 annotations, 333,334 tasks with 3 of 30
// annotators each, 10 labels, annotators right 50–95% of the time.
const (
	benchUnits    = 333_334
	benchPerUnit  = 3
	benchCoders   = 30
	benchLabels   = 10
	benchAccuracy = 0.5
)

var million = sync.OnceValues(func() (*Ratings, []Rating) {
	rng := rand.New(rand.NewPCG(42, 1971))
	priors := make([]float64, benchLabels)
	for k := range priors {
		priors[k] = 1.0 / benchLabels
	}
	accuracy := make([]float64, benchCoders)
	for c := range accuracy {
		accuracy[c] = benchAccuracy + 0.45*float64(c)/(benchCoders-1)
	}
	r, _, err := plantedRatings(rng, benchUnits, benchPerUnit, priors, accuracy)
	if err != nil {
		panic(err)
	}
	ratings := make([]Rating, 0, r.Len())
	for u := range r.Units() {
		for i := range r.UnitLen(u) {
			c, k := r.At(u, i)
			ratings = append(ratings, Rating{Unit: u, Coder: c, Category: k})
		}
	}
	return r, ratings
})

func benchRatings(b *testing.B) *Ratings {
	r, _ := million()
	if r.Len() != benchUnits*benchPerUnit {
		b.Fatalf("%d ratings", r.Len())
	}
	return r
}

func BenchmarkNewRatingsMillion(b *testing.B) {
	_, ratings := million()
	for b.Loop() {
		if _, err := NewRatings(benchUnits, benchCoders, benchLabels, ratings); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKrippendorffMillion(b *testing.B) {
	r := benchRatings(b)
	for _, level := range []Level{Nominal, Ordinal, Interval, Ratio} {
		b.Run(level.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Alpha(r, level); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFleissMillion(b *testing.B) {
	r := benchRatings(b)
	for b.Loop() {
		if _, err := FleissKappa(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPercentAgreementMillion(b *testing.B) {
	r := benchRatings(b)
	for b.Loop() {
		if _, err := PercentAgreement(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCohenMillion computes the confusion table and quadratic κ of
// every pair of the 30 annotators (435 pairs).
func BenchmarkCohenMillion(b *testing.B) {
	r := benchRatings(b)
	for b.Loop() {
		for _, p := range PairConfusions(r) {
			if _, err := p.Kappa(Quadratic); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCohenPairMillion computes κ of one pair of annotators.
func BenchmarkCohenPairMillion(b *testing.B) {
	r := benchRatings(b)
	for b.Loop() {
		if _, err := CohenKappa(r, 0, 29, Unweighted); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMajorityVoteMillion(b *testing.B) {
	r := benchRatings(b)
	for b.Loop() {
		MajorityVote(r, TieRule{})
	}
}

func BenchmarkDawidSkeneMillion(b *testing.B) {
	r := benchRatings(b)
	var iterations int
	for b.Loop() {
		ds, err := DawidSkene(r, DawidSkeneOptions{})
		if err != nil {
			b.Fatal(err)
		}
		iterations = ds.Iterations
	}
	b.ReportMetric(float64(iterations), "iterations")
}
