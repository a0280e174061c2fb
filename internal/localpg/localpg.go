// Package localpg runs Concord's embedded default database: a private PostgreSQL
// cluster in a directory of its own, started from the machine's PostgreSQL server
// binaries and reached only through a Unix socket inside that directory.
//
// PostgreSQL refuses to run as root; when Concord runs as root the cluster's files
// belong to, and its server runs as, an unprivileged system account (postgres,
// else nobody).
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Port names the socket file (.s.PGSQL.<Port>); nothing listens on TCP.
const Port = 5432

// Database is the database Concord uses inside the cluster.
const Database = "concord"

// superuser is the role initdb creates; the socket is private, so trust auth is safe.
const superuser = "postgres"

// ErrNoServerBinaries says no PostgreSQL server binaries were found on this machine.
var ErrNoServerBinaries = errors.New("no PostgreSQL server binaries found: install them (Debian: apt-get install postgresql) or set CONCORD_DATABASE_URL")

// Cluster is a running embedded PostgreSQL cluster.
type Cluster struct {
	Dir     string // the data directory (PGDATA)
	bin     string // directory holding pg_ctl, initdb, postgres
	owned   bool   // whether this process started the server (and so stops it)
	account *account
}

// account is the unprivileged system account the server runs as when we are root.
type account struct {
	name     string
	uid, gid uint32
}

// Start makes sure the cluster in dir exists and runs, creating it on first use.
// If a server already runs on dir (started by another concord process), Start
// attaches to it, and Stop leaves it running.
func Start(ctx context.Context, dir string) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		if c.account, err = unprivilegedAccount(); err != nil {
			return nil, err
		}
	}
	if sock := len(c.socketPath()); sock > 100 {
		return nil, fmt.Errorf("embedded database: the path %s is too long for a Unix socket (%d bytes, at most 100): use a shorter CONCORD_DATA_DIR", c.socketPath(), sock)
	}
	if err := c.ensureDir(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if c.running(ctx) {
		return c, c.createDatabase(ctx)
	}
	if err := c.start(ctx); err != nil {
		// Another process may have won a race to start it.
		if c.running(ctx) {
			return c, c.createDatabase(ctx)
		}
		return nil, err
	}
	c.owned = true
	return c, c.createDatabase(ctx)
}

// URL is the connection URL of db inside the cluster.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(superuser), Path: "/" + db}
	u.RawQuery = url.Values{"host": {c.Dir}, "port": {strconv.Itoa(Port)}}.Encode()
	return u.String()
}

// Stop stops the server if this process started it.
func (c *Cluster) Stop() error {
	if !c.owned {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.run(ctx, "pg_ctl", "stop", "-D", c.Dir, "-m", "fast", "-w")
}

func (c *Cluster) socketPath() string {
	return filepath.Join(c.Dir, fmt.Sprintf(".s.PGSQL.%d", Port))
}

// ensureDir creates the data directory with the modes PostgreSQL demands and, as
// root, hands it to the unprivileged account, which must be able to reach it.
func (c *Cluster) ensureDir() error {
	// The parent (the data directory) must be enterable by the server's account.
	if err := os.MkdirAll(filepath.Dir(c.Dir), 0o711); err != nil {
		return fmt.Errorf("embedded database: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("embedded database: %w", err)
	}
	if err := os.Chmod(c.Dir, 0o700); err != nil {
		return fmt.Errorf("embedded database: %w", err)
	}
	if c.account == nil {
		return nil
	}
	if err := os.Chown(c.Dir, int(c.account.uid), int(c.account.gid)); err != nil {
		return fmt.Errorf("embedded database: %w", err)
	}
	for p := filepath.Dir(c.Dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("embedded database: %w", err)
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Perm()&0o001 == 0 && (st == nil || st.Uid != c.account.uid) {
			return fmt.Errorf("embedded database: the account %q that runs PostgreSQL cannot enter %s (mode %v): choose a CONCORD_DATA_DIR outside it or run chmod o+x %s", c.account.name, p, fi.Mode().Perm(), p)
		}
		if p == "/" {
			return nil
		}
	}
}

func (c *Cluster) initdb(ctx context.Context) error {
	return c.run(ctx, "initdb", "-D", c.Dir, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
}

func (c *Cluster) start(ctx context.Context) error {
	opts := strings.Join([]string{
		"-c listen_addresses=''",
		"-c unix_socket_directories='" + c.Dir + "'",
		"-c unix_socket_permissions=0700",
		fmt.Sprintf("-p %d", Port),
		"-c max_connections=200",
		"-c fsync=on",
	}, " ")
	logFile := filepath.Join(c.Dir, "server.log")
	return c.run(ctx, "pg_ctl", "start", "-D", c.Dir, "-w", "-t", "60", "-l", logFile, "-o", opts)
}

// running reports whether a server answers on the cluster's socket.
func (c *Cluster) running(ctx context.Context) bool {
	if _, err := os.Stat(c.socketPath()); err != nil {
		return false
	}
	return c.run(ctx, "pg_ctl", "status", "-D", c.Dir) == nil
}

func (c *Cluster) createDatabase(ctx context.Context) error {
	var out bytes.Buffer
	cmd := c.command(ctx, "psql", "-h", c.Dir, "-p", strconv.Itoa(Port), "-U", superuser, "-d", "postgres", "-tAc",
		"SELECT 1 FROM pg_database WHERE datname = '"+Database+"'")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("embedded database: psql: %w", err)
	}
	if strings.TrimSpace(out.String()) == "1" {
		return nil
	}
	err := c.run(ctx, "createdb", "-h", c.Dir, "-p", strconv.Itoa(Port), "-U", superuser, Database)
	if err != nil && c.databaseExists(ctx) {
		return nil // created concurrently by another process
	}
	return err
}

func (c *Cluster) databaseExists(ctx context.Context) bool {
	out, err := c.command(ctx, "psql", "-h", c.Dir, "-p", strconv.Itoa(Port), "-U", superuser, "-d", Database, "-tAc", "SELECT 1").Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

// run runs one of the server's programs, as the unprivileged account when root.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	var out bytes.Buffer
	cmd := c.command(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if name == "pg_ctl" && args[0] == "start" {
			if log, _ := os.ReadFile(filepath.Join(c.Dir, "server.log")); len(log) > 0 {
				msg += "\n" + lastLines(string(log), 5)
			}
		}
		return fmt.Errorf("embedded database: %s %s: %w: %s", name, args[0], err, msg)
	}
	return nil
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Env = append(cleanEnv(), "LC_ALL=C.UTF-8")
	cmd.Dir = os.TempDir()
	if c.account != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: c.account.uid, Gid: c.account.gid}}
		cmd.Env = append(cmd.Env, "HOME="+c.Dir)
	}
	return cmd
}

// findBinaries looks for pg_ctl next to `pg_config --bindir`, under
// /usr/lib/postgresql/*/bin (newest first), then on PATH.
func findBinaries() (string, error) {
	var dirs []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	versioned, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(versioned, func(i, j int) bool { return majorOf(versioned[i]) > majorOf(versioned[j]) })
	dirs = append(dirs, versioned...)
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if isExec(filepath.Join(d, "pg_ctl")) && isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNoServerBinaries
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func unprivilegedAccount() (*account, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		if uid == 0 {
			continue
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, errors.New("embedded database: running as root, and no unprivileged account (postgres or nobody) exists to run PostgreSQL: create one, run concord as another user, or set CONCORD_DATABASE_URL")
}

// cleanEnv is the environment without libpq's PG* variables, which would
// otherwise point our programs at another server.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
