package ml

import (
	"math/rand/v2"
	"slices"
)

// permutation returns a pseudo-random permutation of [0, n) fixed by seed.
func permutation(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 0x636f6e636f7264)).Perm(n)
}

// Split deterministically shuffles the indices [0, n) with seed and returns
// the first round(n·(1−testFrac)) as train and the rest as test, each in
// ascending order.
func Split(n int, testFrac float64, seed uint64) (train, test []int) {
	perm := permutation(n, seed)
	nTest := int(float64(n)*testFrac + 0.5)
	test = sortedCopy(perm[:nTest])
	train = sortedCopy(perm[nTest:])
	return train, test
}

// KFold deterministically assigns the indices [0, n) to k folds of nearly
// equal size and returns each fold's test indices in ascending order; the
// training indices of fold i are all the others.
func KFold(n, k int, seed uint64) [][]int {
	if k < 1 {
		k = 1
	}
	perm := permutation(n, seed)
	folds := make([][]int, k)
	for i, p := range perm {
		folds[i%k] = append(folds[i%k], p)
	}
	for i := range folds {
		folds[i] = sortedCopy(folds[i])
	}
	return folds
}

// Complement returns the indices of [0, n) that are not in idx, ascending.
func Complement(n int, idx []int) []int {
	in := make([]bool, n)
	for _, i := range idx {
		in[i] = true
	}
	var out []int
	for i := 0; i < n; i++ {
		if !in[i] {
			out = append(out, i)
		}
	}
	return out
}

func sortedCopy(a []int) []int {
	out := append([]int(nil), a...)
	slices.Sort(out)
	return out
}
