// Package gendocs holds the hidden `reconi gen-docs`: it writes the man pages,
// the markdown reference and the shell completions that are committed under
// docs/ and completions/, so that they always follow the command tree.
// test/cli/docs_test.go fails when the committed files are stale.
package gendocs

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
)

// The directories gen-docs owns, relative to --dir, slash-separated.
const (
	ManDir         = "docs/man"
	MarkdownDir    = "docs/cli"
	CompletionsDir = "completions"
)

// FixCommand is the one command that rewrites the generated files from the
// repository root.
const FixCommand = "go run . gen-docs --dir ."

// manDate is the date in every man page's header ("Nov 2026"). It is fixed,
// not today's, so that generating twice gives the same bytes; move it
// forward when the pages change a lot, and regenerate.
const manDate = "2026-11-01"

// Options are the inputs of `reconi gen-docs`.
type Options struct {
	IO *output.IOStreams
	// Root is the command tree to document.
	Root *cobra.Command
	// Dir is the repository root the files are written under.
	Dir string
}

// NewCmdGenDocs returns the hidden `reconi gen-docs`.
func NewCmdGenDocs(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:    "gen-docs",
		Short:  "Write the man pages, markdown reference and shell completions (for reconi's developers)",
		Hidden: true,
		Long: `Write reconi's generated documentation under --dir:

  docs/man/*.1          man pages
  docs/cli/*.md         the markdown reference
  completions/reconi.*  bash, zsh, fish and PowerShell completion scripts

Files there that reconi no longer generates (a removed command's pages) are
deleted. The output does not depend on the date or the environment, so the
committed files can be checked by a test.`,
		Example: "  " + FixCommand,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Dir == "" {
				return cmdutil.FlagErrorf("--dir must name a directory")
			}
			opts.Root = cmd.Root()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "repository `directory` to write docs/ and completions/ under")
	return cmd
}

// Run generates the files and brings Dir in line with them.
func Run(opts *Options) error {
	files, err := Generate(opts.Root)
	if err != nil {
		return err
	}
	written, removed, err := Sync(opts.Dir, files)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%d files generated under %s: %d written, %d removed, %d unchanged\n",
		len(files), opts.Dir, len(written), len(removed), len(files)-len(written))
	return nil
}

// Generate renders every generated file of root's tree, keyed by its
// slash-separated path relative to the repository root.
//
// The tree is prepared the same way whether or not it has been executed:
// cobra adds `help`, `completion` and --version only when it runs, and
// gen-docs runs inside the tree it documents while tests may not. `help` and
// hidden commands (gen-docs itself, __complete) are left out by cobra/doc;
// `completion` is documented, as users type it to install the scripts.
func Generate(root *cobra.Command) (map[string][]byte, error) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag()
	disableAutoGenTag(root)

	date, err := time.Parse(time.DateOnly, manDate)
	if err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp("", "reconi-gen-docs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	for _, d := range []string{ManDir, MarkdownDir, CompletionsDir} {
		if err := os.MkdirAll(filepath.Join(stage, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, err
		}
	}

	header := &doc.GenManHeader{Section: "1", Date: &date, Source: "reconi", Manual: "reconi manual"}
	if err := doc.GenManTree(root, header, filepath.Join(stage, filepath.FromSlash(ManDir))); err != nil {
		return nil, fmt.Errorf("man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(root, filepath.Join(stage, filepath.FromSlash(MarkdownDir))); err != nil {
		return nil, fmt.Errorf("markdown reference: %w", err)
	}

	files := map[string][]byte{}
	err = filepath.WalkDir(stage, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(stage, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		return nil, err
	}

	name := root.Name()
	for ext, gen := range map[string]func(*bytes.Buffer) error{
		"bash": func(b *bytes.Buffer) error { return root.GenBashCompletionV2(b, true) },
		"zsh":  func(b *bytes.Buffer) error { return root.GenZshCompletion(b) },
		"fish": func(b *bytes.Buffer) error { return root.GenFishCompletion(b, true) },
		"ps1":  func(b *bytes.Buffer) error { return root.GenPowerShellCompletionWithDesc(b) },
	} {
		var b bytes.Buffer
		if err := gen(&b); err != nil {
			return nil, fmt.Errorf("%s completion: %w", ext, err)
		}
		files[CompletionsDir+"/"+name+"."+ext] = b.Bytes()
	}
	return files, nil
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGenTag(sub)
	}
}

// Owned reports whether rel (slash-separated, relative to the repository
// root) is a file gen-docs writes or would remove as stale: it never touches
// anything else in those directories.
func Owned(rel string) bool {
	dir, file := path.Split(rel)
	switch strings.TrimSuffix(dir, "/") {
	case ManDir:
		return strings.HasPrefix(file, "reconi") && strings.HasSuffix(file, ".1")
	case MarkdownDir:
		return strings.HasPrefix(file, "reconi") && strings.HasSuffix(file, ".md")
	case CompletionsDir:
		return strings.HasPrefix(file, "reconi.")
	}
	return false
}

// Sync writes files under dir, leaving a file alone when its content is
// already right, and removes the owned files of the generated directories
// that files no longer has. It returns what it wrote and removed.
func Sync(dir string, files map[string][]byte) (written, removed []string, err error) {
	for _, d := range []string{ManDir, MarkdownDir, CompletionsDir} {
		full := filepath.Join(dir, filepath.FromSlash(d))
		if err := os.MkdirAll(full, 0o755); err != nil {
			return nil, nil, err
		}
		entries, err := os.ReadDir(full)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range entries {
			rel := d + "/" + e.Name()
			if _, keep := files[rel]; keep || e.IsDir() || !Owned(rel) {
				continue
			}
			if err := os.Remove(filepath.Join(full, e.Name())); err != nil {
				return nil, nil, err
			}
			removed = append(removed, rel)
		}
	}
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, files[rel]) {
			continue
		}
		if err := os.WriteFile(p, files[rel], 0o644); err != nil {
			return nil, nil, err
		}
		written = append(written, rel)
	}
	return written, removed, nil
}
