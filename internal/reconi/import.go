package reconi

// ImportOptions tune ImportUsers.
type ImportOptions struct {
	// DryRun validates every row and stores nothing.
	DryRun bool `json:"dry_run"`
}

// ImportResult reports a successful import.
type ImportResult struct {
	Rows   int  `json:"rows"`
	Added  int  `json:"added"`
	DryRun bool `json:"dry_run"`
	// IgnoredColumns are header cells that matched no known column.
	IgnoredColumns []string `json:"ignored_columns,omitempty"`
}
