package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

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
	sets, err := benchCrowdSets(e)
	return append(figs, sets...), err
}

// The multiple-choice crowd: the same 300 tasks, 10 annotators and 5 per
// task, each task's true set holding each of 4 choices with probability 0.4
// (an empty set is possible); an accurate annotator reports each choice right
// with probability 0.9 (their whole set is right 0.9⁴ ≈ 66 % of the time), a
// random one picks each choice with probability one half.
const (
	crowdSetShare  = 0.4
	crowdSetChoice = 0.9
)

// simulateCrowdSets plants true sets and the annotators' answers.
func simulateCrowdSets(seed uint64) ([]agreement.SetRating, [][]int) {
	rng := rand.New(rand.NewPCG(seed, 0x7365747320))
	truth := make([][]int, crowdTasks)
	var rs []agreement.SetRating
	for u := range truth {
		truth[u] = []int{}
		for k := range crowdClasses {
			if rng.Float64() < crowdSetShare {
				truth[u] = append(truth[u], k)
			}
		}
		for _, c := range rng.Perm(crowdRandom + crowdAccurate)[:crowdPerTask] {
			chosen := []int{}
			for k := range crowdClasses {
				in := slices.Contains(truth[u], k)
				if c < crowdRandom {
					in = rng.IntN(2) == 0
				} else if rng.Float64() >= crowdSetChoice {
					in = !in
				}
				if in {
					chosen = append(chosen, k)
				}
			}
			rs = append(rs, agreement.SetRating{Unit: u, Coder: c, Chosen: chosen})
		}
	}
	return rs, truth
}

// benchCrowdSets compares the per-choice majority (a choice is kept when more
// than half the annotators made it, as consensus does) and per-choice
// Dawid–Skene against the planted sets: whole sets and single choices right.
func benchCrowdSets(e *env) ([]figure, error) {
	var figs []figure
	var sumMaj, sumDS, sumMajChoice, sumDSChoice float64
	for seed := uint64(1); seed <= crowdSeeds; seed++ {
		rs, truth := simulateCrowdSets(seed)
		ds, err := agreement.DawidSkeneSets(crowdTasks, crowdRandom+crowdAccurate, crowdClasses, rs, agreement.DawidSkeneOptions{MaxIterations: crowdDSMaxIter})
		if err != nil {
			return nil, err
		}
		counts := make([][]int, crowdTasks)
		for u := range counts {
			counts[u] = make([]int, crowdClasses)
		}
		for _, r := range rs {
			for _, k := range r.Chosen {
				counts[r.Unit][k]++
			}
		}
		var maj, dsRight, majChoice, dsChoice int
		for u, want := range truth {
			m := []int{}
			for k, n := range counts[u] {
				if 2*n > crowdPerTask {
					m = append(m, k)
				}
			}
			if slices.Equal(m, want) {
				maj++
			}
			if slices.Equal(ds.Sets[u], want) {
				dsRight++
			}
			for k := range crowdClasses {
				in := slices.Contains(want, k)
				if slices.Contains(m, k) == in {
					majChoice++
				}
				if slices.Contains(ds.Sets[u], k) == in {
					dsChoice++
				}
			}
		}
		acc := func(n int) float64 { return float64(n) / crowdTasks }
		accChoice := func(n int) float64 { return float64(n) / (crowdTasks * crowdClasses) }
		fmt.Fprintf(e.log, "seed %d, multiple choice: whole sets right: per-choice majority %.4f, per-choice Dawid–Skene %.4f; single choices right: %.4f, %.4f\n",
			seed, acc(maj), acc(dsRight), accChoice(majChoice), accChoice(dsChoice))
		sumMaj += acc(maj)
		sumDS += acc(dsRight)
		sumMajChoice += accChoice(majChoice)
		sumDSChoice += accChoice(dsChoice)
		figs = append(figs,
			figure{Scenario: "crowd", Name: fmt.Sprintf("seed %d, multiple choice: per-choice majority, whole sets right", seed), Value: acc(maj), Unit: "share"},
			figure{Scenario: "crowd", Name: fmt.Sprintf("seed %d, multiple choice: per-choice Dawid–Skene, whole sets right", seed), Value: acc(dsRight), Unit: "share",
				Baseline: acc(maj), BaseName: "per-choice majority", Ratio: acc(dsRight) / acc(maj)},
		)
	}
	n := float64(crowdSeeds)
	figs = append(figs,
		figure{Scenario: "crowd", Name: "multiple choice: mean per-choice majority, whole sets right", Value: sumMaj / n, Unit: "share"},
		figure{Scenario: "crowd", Name: "multiple choice: mean per-choice Dawid–Skene, whole sets right", Value: sumDS / n, Unit: "share",
			Baseline: sumMaj / n, BaseName: "per-choice majority", Ratio: sumDS / sumMaj},
		figure{Scenario: "crowd", Name: "multiple choice: mean per-choice majority, single choices right", Value: sumMajChoice / n, Unit: "share"},
		figure{Scenario: "crowd", Name: "multiple choice: mean per-choice Dawid–Skene, single choices right", Value: sumDSChoice / n, Unit: "share",
			Baseline: sumMajChoice / n, BaseName: "per-choice majority", Ratio: sumDSChoice / sumMajChoice},
	)
	return figs, nil
}
