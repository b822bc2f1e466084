// Package reconibin lets a test binary run as reconi itself, so tests that
// start reconi processes (on a pseudo-terminal, killed mid-import, as
// replicas of one server) need no `go build` of their own: the test binary
// already links every package reconi is made of, and building and linking
// the CLI again took most of a `go test -short ./...`.
//
// A package's TestMain calls Main; a test starts Path() with Env in the
// process's environment.
package reconibin

import (
	"os"
	"testing"

	"github.com/reconi/reconi/cmd"
)

// Env marks a process started by a test as reconi, not as the tests.
const Env = "RECONI_TEST_RUN_AS_RECONI=1"

// Main runs reconi and returns its exit code in a process started with
// Env, and the tests otherwise.
func Main(m *testing.M) int {
	if os.Getenv("RECONI_TEST_RUN_AS_RECONI") == "1" {
		return cmd.Main()
	}
	return m.Run()
}

// Path is the file to start as reconi: this test binary.
func Path(t testing.TB) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
