// Package reliability holds reconi's end-to-end reliability tests: the
// reconi program (the test binary itself, run as reconi: see
// test/reconibin), killed with SIGKILL in the middle of an
// import or an apply, run as eight processes on one SQLite file, and served
// on loopback under a bounded load and stopped with SIGTERM. Every test
// checks the database afterwards with its own read-only connection.
//
// The tests are the package's _test.go files; docs/reliability.md says how
// to run them (short and full sizes) and what their last run showed.
package reliability
