package reconi

import "iter"

// ImportOptions tune ImportUsers and ImportUserRows.
type ImportOptions struct {
	// DryRun validates every row and stores nothing.
	DryRun bool `json:"dry_run"`
	// SkipExisting skips a row whose person the draft already has with the
	// same data (names, phone, employed, date of birth when given) instead
	// of refusing it; the same email with other data stays a bad row.
	SkipExisting bool `json:"skip_existing,omitempty"`
}

// ImportResult reports a successful import.
type ImportResult struct {
	Rows   int  `json:"rows"`
	Added  int  `json:"added"`
	DryRun bool `json:"dry_run"`
	// IgnoredColumns are header cells that matched no known column.
	IgnoredColumns []string `json:"ignored_columns,omitempty"`
	// Skipped are the rows SkipExisting skipped, in input order.
	Skipped []SkippedRow `json:"skipped,omitempty"`
}

// SkippedRow is a row of an import whose person the draft already had.
type SkippedRow struct {
	Line   int    `json:"line"`
	Source string `json:"source,omitempty"`
	Email  string `json:"email"`
}

// UserRow is one user of a bulk input that is already split into fields,
// such as a manifest's users: the backend checks it as it checks a CSV row.
type UserRow struct {
	NewUser
	// Source says where the row was written, "onboarding.yaml:12" or
	// "users.csv:3"; the row's errors carry it.
	Source string `json:"source,omitempty"`
}

// UserRows yields the rows of a bulk input in order. An error that is an
// *Error with Rows reports one malformed row and the rows go on; any other
// error ends them. The HTTP client ranges over the rows again to send them
// again after a failure, so a sequence over a slice suits it best.
type UserRows = iter.Seq2[UserRow, error]
