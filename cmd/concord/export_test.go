package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestExportCommand runs the binary's export subcommand against a database:
// a file with every labeled task, a progress bar and a summary on stderr,
// the export in the audit log, stdout when no --out is given, usage errors.
func TestExportCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	st := storetest.New(t)
	dbURL := storetest.URLOf(st)
	owner, _ := st.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	config := `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices></View>`
	p, err := st.CreateProject(ctx, store.ProjectFields{Title: "cli", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2500
	for i := range n {
		task, err := st.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprintf("text %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		res := fmt.Sprintf(`[{"id":"r","from_name":"c","to_name":"text","type":"choices","value":{"choices":["%s"]}}]`, []string{"x", "y"}[i%2])
		if _, _, err := st.Submit(ctx, store.Submission{TaskID: task.ID, UserID: owner.ID, Result: json.RawMessage(res)}, 1); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	bin := concordBinary(t)
	concord := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(cleanEnv(), "CONCORD_DATABASE_URL="+dbURL, "CONCORD_DATA_DIR="+filepath.Join(dir, "data"))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	out := filepath.Join(dir, "export.jsonl")
	_, stderr, err := concord("export", "--project", fmt.Sprint(p.ID), "--format", "JSONL", "--out", out, "--filter", "pseudonymise=true")
	if err != nil {
		t.Fatalf("export: %v: %s", err, stderr)
	}
	if !strings.Contains(stderr, "100%") || !strings.Contains(stderr, fmt.Sprintf("%d/%d tasks", n, n)) || !strings.Contains(stderr, fmt.Sprintf("exported %d tasks with %d annotations", n, n)) {
		t.Errorf("stderr: %q", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != n || !strings.Contains(lines[1], `"choices":["y"]`) || strings.Contains(string(b), "m@x.org") {
		t.Errorf("%d lines; second: %s", len(lines), lines[1])
	}
	if parts, _ := filepath.Glob(out + ".part-*"); len(parts) > 0 {
		t.Errorf("temporary files left: %v", parts)
	}
	log, err := st.AuditLog(ctx, store.AuditQuery{ProjectID: p.ID, Limit: 10})
	if err != nil || len(log) != 1 || log[0].Actor != "command line" || !strings.Contains(string(log[0].Details), `"pseudonymise": true`) {
		t.Errorf("audit log: %+v %v", log, err)
	}

	// Without --out the export goes to stdout, and only the export does.
	stdout, _, err := concord("export", "--project", fmt.Sprint(p.ID), "--format", "CSV")
	if err != nil || !strings.HasPrefix(stdout, "text,c\n") || strings.Count(stdout, "\n") != n+1 {
		t.Errorf("CSV on stdout: %v, %.100q", err, stdout)
	}
	for _, args := range [][]string{{"export"}, {"export", "--project", "1", "--format", "TXT"}, {"export", "--project", "1", "--filter", "consensus=mode"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(cleanEnv(), "CONCORD_DATABASE_URL="+dbURL)
		if err := cmd.Run(); err == nil || cmd.ProcessState.ExitCode() != 2 {
			t.Errorf("concord %s: %v, want exit status 2", strings.Join(args, " "), err)
		}
	}
	if _, stderr, err := concord("export", "--project", "999999", "--format", "JSON"); err == nil || !strings.Contains(stderr, "project 999999") {
		t.Errorf("missing project: %v %q", err, stderr)
	}
}
