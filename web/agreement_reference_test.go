package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"concord/internal/agreement"
	"concord/internal/fixture"
	"concord/internal/store"
)

// referenceConfig has one control per reference data set, all in one project:
// every control is measured on its own.
const referenceConfig = `<View>
  <Text name="text" value="$text"/>
  <Rating name="score" toName="text" maxRating="5"/>
  <Number name="diagnosis" toName="text" min="1" max="3"/>
  <Choices name="topics" toName="text" choice="multiple">
    <Choice value="A"/><Choice value="B"/><Choice value="C"/>
  </Choices>
  <Choices name="sentiment" toName="text">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
</View>`

// readCSV reads a reference file of testdata/agreement without its header row.
func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(fixture.Path(t, "agreement/"+name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

// TestAgreementReferenceValues submits published reliability data through the
// HTTP API, each coder as a different annotator, and reads the published
// coefficients back from the agreement the worker computed:
// Krippendorff (2011) α at four levels on a Rating control, irrCAC's
// cont3x3abstractors κ unweighted and quadratic on a Number control, and α
// with the MASI distance (Passonneau 2006) on a multiple-choice control,
// where ["A","B"] and ["B","A"] agree. Metrics that do not fit a control
// answer 422 with the reason; an undefined one is absent with its reason.
func TestAgreementReferenceValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	p := e.project(mgr, "reference")
	p, err := e.store.UpdateProject(ctx, p.ID, store.ProjectFields{Title: p.Title, LabelConfig: referenceConfig, MaximumAnnotations: 4, Sampling: "sequential", LockMinutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	tok := map[string]string{"manager": e.token(mgr)}
	for _, name := range []string{"A", "B", "C", "D"} {
		u := e.user(strings.ToLower(name)+"@x.org", store.RoleAnnotator)
		e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator)
		tok[name] = e.token(u)
	}
	n := 0
	newTask := func() int64 {
		n++
		task, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprintf("unit %d", n)})
		if err != nil {
			t.Fatal(err)
		}
		return task.ID
	}
	submit := func(who string, task int64, item map[string]any) {
		t.Helper()
		item["to_name"] = "text"
		if code, _ := e.submit(tok[who], task, "", map[string]any{"result": []any{item}}); code != 201 {
			t.Fatalf("%s on task %d: %d", who, task, code)
		}
	}

	// Krippendorff (2011): rows are observers A–D, columns units; empty is missing.
	units := readCSV(t, "krippendorff2011_reliability_data.csv")
	for u := 1; u < len(units[0]); u++ {
		task := newTask()
		for _, row := range units {
			if row[u] == "" {
				continue
			}
			v, _ := strconv.Atoi(row[u])
			submit(row[0], task, map[string]any{"from_name": "score", "type": "rating", "value": map[string]any{"rating": v}})
		}
	}
	// irrCAC cont3x3abstractors: rater 1 is A, rater 2 is B; categories 1, 2, 3.
	for i, row := range readCSV(t, "irrcac_cont3x3abstractors.csv") {
		for j, cell := range row[1:] {
			count, _ := strconv.Atoi(cell)
			for range count {
				task := newTask()
				submit("A", task, map[string]any{"from_name": "diagnosis", "type": "number", "value": map[string]any{"number": i + 1}})
				submit("B", task, map[string]any{"from_name": "diagnosis", "type": "number", "value": map[string]any{"number": j + 1}})
			}
		}
	}
	// Sets: {A,B} = {B,A}; {A} ⊂ {A,B}; {C} and {A} disjoint. By hand, with
	// MASI distances 0, 2/3 and 1: D_o = (2·2/3 + 2·1)/6 = 5/9, D_e = 2(3·2·2/3
	// + 3·1·1 + 2·1·1)/(6·5) = 3/5, α = 1 − (5/9)/(3/5) = 2/27.
	for _, pair := range [][2][]string{{{"A", "B"}, {"B", "A"}}, {{"A"}, {"A", "B"}}, {{"C"}, {"A"}}} {
		task := newTask()
		submit("A", task, map[string]any{"from_name": "topics", "type": "choices", "value": map[string]any{"choices": pair[0]}})
		submit("B", task, map[string]any{"from_name": "topics", "type": "choices", "value": map[string]any{"choices": pair[1]}})
	}
	// Everyone agrees on sentiment: α is undefined (0/0), percent agreement is 1.
	for range 2 {
		task := newTask()
		submit("A", task, map[string]any{"from_name": "sentiment", "type": "choices", "value": map[string]any{"choices": []string{"Positive"}}})
		submit("B", task, map[string]any{"from_name": "sentiment", "type": "choices", "value": map[string]any{"choices": []string{"Positive"}}})
	}

	type metric struct {
		Value    *float64                      `json:"value"`
		Reason   string                        `json:"reason"`
		Tasks    int                           `json:"tasks_compared"`
		Interval *agreement.ConfidenceInterval `json:"interval"`
		SE       *float64                      `json:"standard_error"`
	}
	get := func(control, name string) (int, metric, string) {
		var m metric
		var raw map[string]any
		code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement?control=%s&metric=%s", p.ID, control, name), nil, &raw)
		b, _ := jsonRoundTrip(raw, &m)
		return code, m, b
	}
	// Wait for the computation that saw every submission: the controls were
	// answered in this order, and a report computed while the last ones were
	// being submitted counts fewer of their tasks.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		_, d, _ := get("diagnosis", "percent_agreement")
		_, tp, _ := get("topics", "percent_agreement")
		_, s, _ := get("sentiment", "percent_agreement")
		if d.Tasks == 100 && tp.Tasks == 3 && s.Tasks == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the agreement of every task never came: diagnosis %+v, topics %+v, sentiment %+v", d, tp, s)
		}
	}
	for _, c := range []struct {
		control, metric string
		want, tol       float64
	}{
		{"score", "krippendorff_alpha", 0.7434211, 5e-8},
		{"score", "alpha_ordinal", 0.815, 5e-4},
		{"score", "alpha_interval", 0.849, 5e-4},
		{"score", "alpha_ratio", 0.797, 5e-4},
		{"topics", "alpha_masi", 2.0 / 27, 1e-12},
		{"topics", "percent_agreement", 1.0 / 3, 1e-12},
		{"sentiment", "percent_agreement", 1, 0},
	} {
		code, m, raw := get(c.control, c.metric)
		if code != 200 || m.Value == nil || math.Abs(*m.Value-c.want) > c.tol {
			t.Errorf("%s %s: %d %s, want %v", c.control, c.metric, code, raw, c.want)
		}
	}
	// Uncertainty: α's bootstrap interval is Krippendorff's procedure with the
	// fixed seed (the same as computed here from the file), Fleiss' κ has a
	// standard error.
	r, err := agreement.RatingsFromValues(krippendorffTable(units))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := agreement.BootstrapAlpha(r, agreement.Interval, agreement.BootstrapOptions{})
	if _, m, raw := get("score", "alpha_interval"); m.Interval == nil || *m.Interval != want || !(m.Interval.Low < *m.Value && *m.Value < m.Interval.High) {
		t.Errorf("interval of α interval: %s, want %+v", raw, want)
	}
	b := e.browser()
	b.signIn("manager@x.org")
	if code, html := b.get(fmt.Sprintf("/projects/%d/quality", p.ID)); code != 200 || !strings.Contains(html, "Agreement per control") ||
		!strings.Contains(html, fmt.Sprintf("[%.3f, %.3f]", want.Low, want.High)) {
		t.Errorf("the quality page (%d) does not show α interval's interval [%.3f, %.3f]", code, want.Low, want.High)
	}
	if _, m, raw := get("score", "fleiss_kappa"); m.SE == nil || *m.SE <= 0 || *m.SE > 0.2 {
		t.Errorf("Fleiss' κ of score: %s, want a standard error", raw)
	}
	// Pairwise κ of the two diagnosis raters, against irrCAC.
	var rep struct {
		Controls []struct {
			Control string `json:"control"`
			Pairs   []struct {
				Kappa          *float64 `json:"cohen_kappa"`
				KappaSE        *float64 `json:"cohen_kappa_se"`
				KappaQuadratic *float64 `json:"cohen_kappa_quadratic"`
				Tasks          int      `json:"tasks"`
			} `json:"pairs"`
		} `json:"controls"`
	}
	e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement", p.ID), nil, &rep)
	found := false
	for _, c := range rep.Controls {
		if c.Control != "diagnosis" {
			continue
		}
		found = true
		if len(c.Pairs) != 1 || c.Pairs[0].Tasks != 100 || c.Pairs[0].Kappa == nil || c.Pairs[0].KappaQuadratic == nil ||
			math.Abs(*c.Pairs[0].Kappa-0.7964094) > 5e-8 || math.Abs(*c.Pairs[0].KappaQuadratic-0.8921569) > 5e-8 ||
			c.Pairs[0].KappaSE == nil || math.Abs(*c.Pairs[0].KappaSE-0.05891072) > 5e-9 {
			t.Errorf("diagnosis pairs %+v, want κ 0.7964094 (SE 0.05891072) and quadratic κ 0.8921569 over 100 tasks", c.Pairs)
		}
	}
	if !found {
		t.Errorf("no report of the diagnosis control: %+v", rep.Controls)
	}
	// Undefined: absent, with the reason.
	if code, m, raw := get("sentiment", "krippendorff_alpha"); code != 200 || m.Value != nil || !strings.Contains(m.Reason, "same value") {
		t.Errorf("α of unanimous sentiment: %d %s, want no value and the reason", code, raw)
	}
	// Metrics that do not fit, unknown controls and metrics: 422 saying why.
	for _, c := range []struct{ control, metric, says string }{
		{"sentiment", "alpha_interval", "unordered categories"},
		{"topics", "alpha_ordinal", "sets of choices"},
		{"score", "alpha_masi", "numbers"},
		{"nope", "alpha_interval", `no control "nope"`},
		{"score", "alpha_cubic", `unknown metric "alpha_cubic"`},
	} {
		var out struct {
			Error string `json:"error"`
		}
		code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement?control=%s&metric=%s", p.ID, c.control, c.metric), nil, &out)
		if code != 422 || !strings.Contains(out.Error, c.says) {
			t.Errorf("%s %s: %d %q, want 422 saying %q", c.control, c.metric, code, out.Error, c.says)
		}
	}
}

// jsonRoundTrip decodes v (a decoded JSON value) into out and returns its text too.
func jsonRoundTrip(v any, out any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), json.Unmarshal(b, out)
}

// krippendorffTable turns the reference rows (observer, then one column per
// unit) into the units × coders table of agreement.RatingsFromValues.
func krippendorffTable(rows [][]string) [][]float64 {
	table := make([][]float64, len(rows[0])-1)
	for u := range table {
		for _, row := range rows {
			v := math.NaN()
			if row[u+1] != "" {
				v, _ = strconv.ParseFloat(row[u+1], 64)
			}
			table[u] = append(table[u], v)
		}
	}
	return table
}
