package agreement

import (
	"math"
	"strconv"
	"testing"
)

// TestKappaSEIrrCAC checks the standard error of Cohen's κ against irrCAC's
// documented kappa2.table output on cont3x3abstractors: 0.05891072.
func TestKappaSEIrrCAC(t *testing.T) {
	se, err := KappaSE(readTable(t, "irrcac_cont3x3abstractors.csv"), Unweighted)
	if err != nil || math.Abs(se-0.05891072) > 5e-9 {
		t.Fatalf("SE of κ = %.9f (%v), irrCAC gives 0.05891072", se, err)
	}
}

// TestFleissKappaSEIrrCAC checks Fleiss' κ and its standard error against
// irrCAC's documented fleiss.kappa.dist output on distrib.6raters (15
// patients, 6 psychiatrists, 5 diagnoses): κ 0.4139265, SE 0.08119291.
func TestFleissKappaSEIrrCAC(t *testing.T) {
	var counts [][]int
	for _, row := range readReference(t, "irrcac_distrib_6raters.csv") {
		var r []int
		for _, s := range row {
			n, _ := strconv.Atoi(s)
			r = append(r, n)
		}
		counts = append(counts, r)
	}
	f, err := FleissKappaCounts(counts)
	if err != nil || math.Abs(f.Kappa-0.4139265) > 5e-8 {
		t.Fatalf("Fleiss' κ = %.8f (%v), irrCAC gives 0.4139265", f.Kappa, err)
	}
	se, err := FleissKappaCountsSE(counts)
	if err != nil || math.Abs(se-0.08119291) > 5e-9 {
		t.Fatalf("SE of Fleiss' κ = %.9f (%v), irrCAC gives 0.08119291", se, err)
	}
}

// TestBootstrapAlpha: the interval is reproducible with a fixed seed, moves
// with another seed, holds α of Krippendorff (2011) at every level, and more
// data narrow it.
func TestBootstrapAlpha(t *testing.T) {
	r, err := RatingsFromValues(readCoderRows(t, "krippendorff2011_reliability_data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []Level{Nominal, Ordinal, Interval, Ratio} {
		a, _ := Alpha(r, level)
		ci, err := BootstrapAlpha(r, level, BootstrapOptions{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		again, _ := BootstrapAlpha(r, level, BootstrapOptions{Seed: 7})
		other, _ := BootstrapAlpha(r, level, BootstrapOptions{Seed: 8})
		if ci != again {
			t.Errorf("%v: the same seed gave %+v and %+v", level, ci, again)
		}
		if ci == other {
			t.Errorf("%v: seeds 7 and 8 gave the same interval %+v", level, ci)
		}
		if !(ci.Low < a && a < ci.High) || ci.Low < -1 || ci.High > 1 || ci.Samples != 2000 || ci.Level != 0.95 {
			t.Errorf("%v: α %.3f, interval %+v", level, a, ci)
		}
		t.Logf("%v: α %.4f, 95%% interval [%.4f, %.4f]", level, a, ci.Low, ci.High)
	}
	// Twenty copies of the data: the same α, a much narrower interval.
	table := readCoderRows(t, "krippendorff2011_reliability_data.csv")
	var big [][]float64
	for range 20 {
		big = append(big, table...)
	}
	rb, _ := RatingsFromValues(big)
	small, _ := BootstrapAlpha(r, Nominal, BootstrapOptions{})
	wide, _ := BootstrapAlpha(rb, Nominal, BootstrapOptions{})
	if wide.High-wide.Low >= (small.High-small.Low)/2 {
		t.Errorf("twenty times the data: interval %+v, not narrower than half of %+v", wide, small)
	}
	// No variation at all: undefined, not an interval.
	same, _ := RatingsFromTable([][]int{{0, 0}, {0, 0}}, 1)
	if _, err := BootstrapAlpha(same, Nominal, BootstrapOptions{}); err != ErrUndefined {
		t.Errorf("bootstrap of unanimous data: %v, want ErrUndefined", err)
	}
}
