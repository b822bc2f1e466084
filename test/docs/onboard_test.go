package docs_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOnboardScript runs the README's first command, bash
// docs/examples/onboard.sh, the way a newcomer would, with a reconi setup of
// their own in the environment: RECONI_DB naming an existing file,
// RECONI_SERVER, RECONI_TOKEN and RECONI_PROFILE set, and a config directory
// with a config file. The script must ignore all of it, end with reconi
// status showing users issued, and leave nothing in its temporary
// directory's parent. It builds reconi, so it runs only without -short.
func TestOnboardScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds reconi and runs the whole demo; run without -short")
	}
	for _, tool := range []string{"bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on the PATH", tool)
		}
	}

	dir := t.TempDir()
	// The caller's own database: it must keep its bytes, and get no WAL.
	mine := filepath.Join(dir, "mine.db")
	original := []byte("not a database: the demo must not open this file\n")
	if err := os.WriteFile(mine, original, 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(mine)
	if err != nil {
		t.Fatal(err)
	}
	// The caller's config directory, with a profile naming another database.
	callerConfig := filepath.Join(dir, "config")
	other := filepath.Join(dir, "other.db")
	if err := os.MkdirAll(filepath.Join(callerConfig, "reconi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(callerConfig, "reconi", "config.yaml"),
		[]byte("db: "+other+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The script's temporary directory goes here, so what it leaves shows.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "docs/examples/onboard.sh")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(),
		"RECONI_DB="+mine,
		"RECONI_SERVER=http://127.0.0.1:9", // the discard port: nothing answers
		"RECONI_TOKEN=caller-token",
		"RECONI_PROFILE=caller",
		"RECONI_CONFIG="+filepath.Join(callerConfig, "reconi", "config.yaml"),
		"XDG_CONFIG_HOME="+callerConfig,
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_STATE_HOME="+filepath.Join(dir, "state"),
		"TMPDIR="+tmp,
		"CI=true",
	)
	var out bytes.Buffer // stdout and stderr interleaved, as on a terminal
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	t.Logf("onboard.sh ran in %s", time.Since(start).Round(100*time.Millisecond))
	if err != nil {
		t.Fatalf("bash docs/examples/onboard.sh: %v\n%s", err, out.String())
	}
	text := out.String()

	// It says what it does before the build, which takes a while the first
	// time.
	if b, r := strings.Index(text, "Building reconi"), strings.Index(text, "$ reconi "); b < 0 || b > r {
		t.Errorf("no line about the build before the first reconi command:\n%s", head(text, 500))
	}
	// The whole story, in order.
	steps := []string{
		"$ reconi apply --agree-terms",
		"$ reconi outbox show ",
		"/invite/",
		"$ reconi invite confirm -",
		"$ reconi invite verify - --code ",
		"State:\tphone_verified",
		"State:\tissued",
		"State:\tidentification_pending",
		"$ reconi identification complete ",
		"$ reconi review approve ",
		"final_check → issued\tfinal check approved",
		"$ reconi status\n",
	}
	at := 0
	for _, s := range steps {
		i := strings.Index(text[at:], s)
		if i < 0 {
			t.Fatalf("the output does not show %q after what came before:\n%s", s, tail(text, 3000))
		}
		at += i + len(s)
	}
	// It ends with reconi status: the application with two users issued.
	last := strings.TrimSpace(text[at:])
	if !regexp.MustCompile(`^\d+\tTest EMZ Dagobert\t69599084\tEH3\tsubmitted\t11\t9 invited, 2 issued\t`).MatchString(last) {
		t.Errorf("the last reconi status is %q, want the application with 9 invited and 2 issued", last)
	}

	// The caller's data is untouched.
	after, err := os.Stat(mine)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(mine); !bytes.Equal(got, original) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("RECONI_DB=%s was written to", mine)
	}
	for _, p := range []string{mine + "-wal", mine + "-shm", mine + ".lock", other, filepath.Join(dir, "data"), filepath.Join(dir, "state")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created: the demo used the caller's settings", p)
		}
	}
	entries, err := os.ReadDir(filepath.Join(callerConfig, "reconi"))
	if err != nil || len(entries) != 1 {
		t.Errorf("the caller's config directory changed: %v %v", entries, err)
	}
	// And nothing is left behind.
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left behind in TMPDIR: %s", e.Name())
	}
}

func head(s string, n int) string { return s[:min(n, len(s))] }

func tail(s string, n int) string { return s[max(0, len(s)-n):] }
