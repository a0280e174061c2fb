package main

import (
	"context"
	"fmt"
	"math/rand/v2"

	"concord/internal/agreement"
)

// The crowd simulation: 300 tasks of 4 classes, 10 annotators of whom 3
// answer at random and 7 are right 80 % of the time (a wrong answer is one of
// the other classes at random), 5 distinct annotators per task.
const (
	crowdTasks     = 300
	crowdClasses   = 4
	crowdRandom    = 3
	crowdAccurate  = 7
	crowdPerTask   = 5
	crowdAccuracy  = 0.8
	crowdSeeds     = 5
	crowdTieSeed   = 1
	crowdDSMaxIter = 500
)

// simulateCrowd plants true classes and the annotators' answers.
func simulateCrowd(seed uint64) (*agreement.Ratings, []int, error) {
	rng := rand.New(rand.NewPCG(seed, 0x63726f7764))
	coders := crowdRandom + crowdAccurate
	truth := make([]int, crowdTasks)
	var rs []agreement.Rating
	for u := range truth {
		truth[u] = rng.IntN(crowdClasses)
		for _, c := range rng.Perm(coders)[:crowdPerTask] {
			k := rng.IntN(crowdClasses) // random annotator
			if c >= crowdRandom {
				k = truth[u]
				if rng.Float64() >= crowdAccuracy {
					k = (truth[u] + 1 + rng.IntN(crowdClasses-1)) % crowdClasses
				}
			}
			rs = append(rs, agreement.Rating{Unit: u, Coder: c, Category: k})
		}
	}
	r, err := agreement.NewRatings(crowdTasks, coders, crowdClasses, rs)
	return r, truth, err
}

// benchCrowd compares majority vote (ties: no consensus, or a seeded draw)
// and Dawid–Skene against the planted classes over several seeds.
func benchCrowd(_ context.Context, e *env, _ float64) ([]figure, error) {
	var figs []figure
	var sumNone, sumTies, sumSeeded, sumDS float64
	for seed := uint64(1); seed <= crowdSeeds; seed++ {
		r, truth, err := simulateCrowd(seed)
		if err != nil {
			return nil, err
		}
		none := agreement.MajorityVote(r, agreement.TieRule{})
		seeded := agreement.MajorityVote(r, agreement.TieRule{Seed: crowdTieSeed})
		ds, err := agreement.DawidSkene(r, agreement.DawidSkeneOptions{MaxIterations: crowdDSMaxIter})
		if err != nil {
			return nil, err
		}
		var right, ties, rightSeeded, rightDS int
		for u, want := range truth {
			switch none[u] {
			case want:
				right++
			case agreement.Missing:
				ties++
			}
			if seeded[u] == want {
				rightSeeded++
			}
			if ds.Labels[u] == want {
				rightDS++
			}
		}
		acc := func(n int) float64 { return float64(n) / crowdTasks }
		fmt.Fprintf(e.log, "seed %d: majority vote %.4f (%d ties left without consensus), majority vote with seeded ties %.4f, Dawid–Skene %.4f (%d iterations)\n",
			seed, acc(right), ties, acc(rightSeeded), acc(rightDS), ds.Iterations)
		sumNone += acc(right)
		sumTies += float64(ties)
		sumSeeded += acc(rightSeeded)
		sumDS += acc(rightDS)
		figs = append(figs,
			figure{Scenario: "crowd", Name: fmt.Sprintf("seed %d: majority vote accuracy (ties: no consensus, counted wrong)", seed), Value: acc(right), Unit: "share"},
			figure{Scenario: "crowd", Name: fmt.Sprintf("seed %d: tasks tied, no consensus", seed), Value: float64(ties), Unit: "tasks"},
			figure{Scenario: "crowd", Name: fmt.Sprintf("seed %d: majority vote accuracy (ties: seeded draw, seed %d)", seed, crowdTieSeed), Value: acc(rightSeeded), Unit: "share"},
			figure{Scenario: "crowd", Name: fmt.Sprintf("seed %d: Dawid–Skene accuracy", seed), Value: acc(rightDS), Unit: "share",
				Baseline: acc(rightSeeded), BaseName: "majority vote, seeded ties", Ratio: acc(rightDS) / acc(rightSeeded)},
		)
	}
	n := float64(crowdSeeds)
	figs = append(figs,
		figure{Scenario: "crowd", Name: "mean majority vote accuracy (ties: no consensus)", Value: sumNone / n, Unit: "share"},
		figure{Scenario: "crowd", Name: "mean tasks tied", Value: sumTies / n, Unit: "tasks"},
		figure{Scenario: "crowd", Name: "mean majority vote accuracy (ties: seeded draw)", Value: sumSeeded / n, Unit: "share"},
		figure{Scenario: "crowd", Name: "mean Dawid–Skene accuracy", Value: sumDS / n, Unit: "share",
			Baseline: sumSeeded / n, BaseName: "majority vote, seeded ties", Ratio: sumDS / sumSeeded},
	)
	return figs, nil
}
