// Package security holds reconi's cross-cutting security tests: a real
// service over SQLite, served over HTTP as `reconi serve` serves it (the
// API, the invitation pages and the partner's callback), attacked the way
// docs/security.md describes. It has no code of its own; tools/vulndb builds
// the local vulnerability database govulncheck runs against.
package security
