// Package cli holds reconi's command tests, compiled into one test binary.
// The end-to-end tests run reconi through cmd.Run, in process, against a
// real SQLite file in a sandbox (test/cli/clitest), and check exit code,
// stdout and stderr, with the terminal on and off. There is one file per
// command (apply_test.go, apply_file_test.go, status_wait_test.go, ...), and
// the tests of the root command (root_test.go, complete_test.go,
// terminal_test.go, ...); test/cli/flowtest takes applications through the
// user's side. Beside them, <noun>_flags_test.go are each command's
// flag-parsing tests: the command alone, its run function captured, no
// database (test/cli/cmdtest); serve_shutdown_test.go,
// serve_metrics_test.go and serve_failfast_test.go start serve's server
// through cmd/factory. They used to live beside each command in cmd/,
// whose 22 test binaries of about 20 MB each took about half of the link
// time of go test -short ./...; here they share the binary the end-to-end
// tests link anyway. Only tests that need a package's internals stay in
// cmd/: cmd/cmdutil, cmd/internal/progress, cmd/internal/prompt and
// cmd/status (--wait on a clock of its own). It has no code of its own.
package cli
