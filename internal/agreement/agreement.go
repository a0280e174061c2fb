// Package agreement measures how far annotators agree and derives consensus
// labels from their annotations. It is pure: inputs are plain Go values and
// nothing here knows of HTTP, SQL or templates.
//
// # Inputs
//
// Classification-style annotations are held in [Ratings]: a sparse table of
// units (tasks, items) × coders (annotators), where each cell is a category
// index in [0, Categories) or absent. Build it from individual [Rating]
// values with [NewRatings], or from dense tables with [RatingsFromTable]
// (category indices, [Missing] for absent) or [RatingsFromValues] (numbers,
// NaN for absent; the distinct values become the categories in ascending
// order). Categories are ordered by their index; [Ratings.SetScale] attaches
// the numeric value of each category, which the ordinal, interval and ratio
// forms of Krippendorff's α use. Without a scale, category i has value i.
//
// Spans, boxes, audio regions and transcriptions are plain structs and
// strings: [Span], [Box], [Region].
//
// # Metrics and their sources
//
//   - [PercentAgreement] and [UnitAgreement]: the share of agreeing ordered
//     pairs of ratings within a unit, n_uc(n_uc−1) summed over c divided by
//     m_u(m_u−1), averaged over the units with at least two ratings (the P̄ of
//     Fleiss 1971, generalised to a varying number of ratings per unit).
//   - [CohenKappa], [Kappa], [PairConfusions]: Cohen's κ = (p_o − p_e)/(1 − p_e)
//     (Cohen 1960), and weighted κ with agreement weights
//     w_ij = 1 − |i−j|/(K−1) (linear) or 1 − (i−j)²/(K−1)² (quadratic)
//     (Cohen 1968; Fleiss & Cohen 1973), over the units both coders rated.
//   - [FleissKappa], [FleissKappaCounts]: Fleiss' κ = (P̄ − P̄e)/(1 − P̄e) with
//     P̄e = Σ_j p_j² (Fleiss 1971), and the per-category κ_j of the same paper.
//     Units with fewer than two ratings are skipped.
//   - [Alpha], [NewCoincidences]: Krippendorff's α = 1 − D_o/D_e computed from
//     the coincidence matrix o_ck (Krippendorff 2011, "Computing
//     Krippendorff's Alpha-Reliability"), with missing data allowed and the
//     nominal, ordinal, interval and ratio difference functions δ²_ck. The
//     ordinal δ² uses the marginal frequencies n_g of the values actually
//     paired: (Σ_{g=c..k} n_g − (n_c+n_k)/2)², as in the paper and R's irr.
//     A unit with a single rating is unpairable and contributes nothing.
//   - [SpanF1] (exact or overlap), [BoxF1] (IoU ≥ threshold, usually
//     [MinIoU] = 0.5) and [RegionF1] (temporal IoU ≥ threshold): precision,
//     recall and F1 of an optimal one-to-one matching between same-label
//     items, plus the mean IoU of matched pairs; see [Score].
//   - [CER]: character error rate, the Levenshtein distance over runes
//     divided by the number of runes in the reference.
//
// # Consensus
//
// [MajorityVote] picks the most frequent category per unit; a tie is no
// consensus, unless a [TieRule] with a seed draws one of the tied categories.
// [DawidSkene] runs the EM algorithm of Dawid & Skene (1979) and returns each
// unit's posterior and label and each coder's estimated confusion matrix; it
// is deterministic, stops when no posterior moves by more than a tolerance
// or after an iteration cap, and [DawidSkeneResult.Reliability] condenses a
// confusion matrix into an accuracy. [CoderAccuracy] scores each coder against reference
// labels: ground truth or a consensus.
//
// # Ground truth
//
// Ground truth decides its task. In [Measure], a task with a ground-truth
// answer to a control is scored as its annotators against the ground truth
// (the mean [ControlScore] of the others' answers; one annotator is enough),
// not as the annotators against each other, and ground truth is never a
// party to the project's coefficients (α, κ, percent agreement), which
// measure the annotators among themselves; each annotator's gold accuracy is
// measured against it. In [TaskConsensus] a ground-truth answer is the
// consensus, whatever the votes. [GoldScore] scores one annotation against
// ground truth, as the automatic pause of annotators reads it.
//
// # Undefined values
//
// Chance-corrected coefficients are undefined when the expected disagreement
// is zero (every pairable rating has the same value): they return NaN and
// [ErrUndefined]. With no pairable ratings at all they return NaN and
// [ErrNoData]. Test with errors.Is.
package agreement

import "errors"

// ErrNoData reports that there is nothing to compare: no unit with two ratings.
var ErrNoData = errors.New("agreement: no pairable ratings")

// ErrUndefined reports a coefficient whose expected disagreement is zero,
// such as α or κ when every rating has the same value.
var ErrUndefined = errors.New("agreement: undefined: expected disagreement is zero")
