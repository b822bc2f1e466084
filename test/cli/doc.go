// Package cli holds reconi's end-to-end command tests, compiled into one
// test binary: each runs reconi through cmd.Run, in process, against a real
// SQLite file in a sandbox (test/cli/clitest), and checks exit code, stdout
// and stderr, with the terminal on and off. There is one file per command
// (apply_test.go, apply_file_test.go, status_wait_test.go, ...), and the
// tests of the root command (root_test.go, complete_test.go,
// terminal_test.go, ...); test/cli/flowtest takes applications through the
// user's side. The flag-parsing tests stay beside each command in cmd/, with
// test/cli/cmdtest, so they link a small binary. It has no code of its
// own.
package cli
