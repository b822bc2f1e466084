// Package replicas holds no code, only tests: several `reconi serve`
// processes on one PostgreSQL database must behave as one server. The tests
// build the reconi binary, start replicas of it as subprocesses on a schema
// of their own, and drive them over HTTP and through the CLI; they run when
// RECONI_TEST_POSTGRES_URL names a server and are skipped otherwise.
package replicas
