package config

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoadPrecedence(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	Register(fs)
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9000", "--worker=false"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CONCORD_ADDR": "0.0.0.0:1", "CONCORD_DATA_DIR": "/srv/concord", "CONCORD_SESSION_MAX_AGE": "2h"}
	c, err := Load(fs, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DataDir != "/srv/concord" || c.Worker || !c.Migrate || c.SessionMaxAge != 2*time.Hour {
		t.Fatalf("flags over environment over defaults: got %+v", c)
	}
}

func TestLoadRefusesBadValues(t *testing.T) {
	for env, val := range map[string]string{"CONCORD_WORKER": "perhaps", "CONCORD_SESSION_MAX_AGE": "-1h", "CONCORD_LOG_LEVEL": "loud"} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		Register(fs)
		fs.Parse(nil)
		_, err := Load(fs, func(k string) string {
			if k == env {
				return val
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: %v, want an error naming the variable", env, val, err)
		}
	}
}

// TestREADMEListsEverySetting keeps the README's configuration table true.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range Table() {
		def := "`" + row[2] + "`"
		if row[2] == "" {
			def = "(unset)"
		}
		want := "| `" + row[0] + "` | `" + row[1] + "` | " + def + " |"
		if !strings.Contains(string(readme), want) {
			t.Errorf("README's configuration table lacks the row starting %q", want)
		}
	}
}
