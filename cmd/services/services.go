// Package services holds `reconi services`: the service catalogue.
package services

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// NewCmdServices returns `reconi services`.
func NewCmdServices(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "services <command>",
		Short: "The service catalogue: services, their providers and required levels",
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdLoad(f, nil))
	return cmd
}

// ListOptions are the inputs of `reconi services list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Filter  reconi.ServiceFilter
}

// NewCmdList returns `reconi services list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "list [--level LEVEL] [--provider NAME]",
		Short: "List services; --level keeps those a means at that level may use",
		Long: `List the service catalogue: each service's provider, name, the lowest level
a means needs, its ServiceID (how you name it in reconi permissions set
--service and in manifests), its ServiceUUID (what permissions are registered
against) and whether users bound to a branch can log in to it.

With -o json each service has the fields id, service_uuid, provider, name,
level and accepts_branch_users.`,
		Aliases: []string{"ls"},
		Example: `  reconi services list --level EH2+
  reconi services list --provider UWV -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Filter.Level, "level", "l", "", "only services a means at this `level` may use")
	cmd.Flags().StringVar(&opts.Filter.Provider, "provider", "", "only this provider's services (`NAME`)")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	svcs, err := b.Services(ctx, opts.Filter)
	if err != nil {
		return err
	}
	return opts.Output.Print(opts.IO, svcs, func(t *output.Table) {
		t.AddHeader("PROVIDER", "SERVICE", "LEVEL", "ID", "SERVICE UUID", "BRANCH USERS")
		for _, s := range svcs {
			branch := "no"
			if s.AcceptsBranch() {
				branch = "yes"
			}
			t.AddRow(s.Provider, s.Name, string(s.Level), string(s.ID), string(s.UUID), branch)
		}
	})
}

// LoadOptions are the inputs of `reconi services load`.
type LoadOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	File    string
}

// NewCmdLoad returns `reconi services load`.
func NewCmdLoad(f *cmdutil.Factory, runF func(context.Context, *LoadOptions) error) *cobra.Command {
	opts := &LoadOptions{IO: f.IOStreams, Backend: f.Backend}
	var example bool
	cmd := &cobra.Command{
		Use:   "load FILE",
		Short: "Replace the service catalogue with a YAML file (operators)",
		Long: `Replace the whole service catalogue with the providers and services of a YAML
(or JSON) file. The file is checked completely first; with any error nothing
changes. --example prints the default catalogue, which shows the format.

A service may leave out service_uuid: it is then the UUIDv5 of its ServiceID
in the URL namespace (RFC 4122), the same on every load. A service may leave
out accepts_branch_users: it then takes its provider's value. Permissions of
issued means are registered against the ServiceUUID, so keep a service's
service_uuid when you renumber its ServiceID.`,
		Example: `  reconi services load --example > catalogue.yaml
  reconi services load catalogue.yaml`,
		Args: cmdutil.MaxArgs(1, "one file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if example {
				_, err := opts.IO.Out.Write(service.DefaultCatalogue())
				return err
			}
			if len(args) != 1 {
				return cmdutil.FlagErrorf("name the catalogue file to load")
			}
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loadRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&example, "example", false, "print the default catalogue and exit")
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func loadRun(ctx context.Context, opts *LoadOptions) error {
	raw, err := os.ReadFile(opts.File)
	if err != nil {
		return reconi.Invalid("file", "%v", err)
	}
	cat, err := service.ParseCatalogue(raw)
	if err != nil {
		return err
	}
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	if err := b.LoadCatalogue(ctx, *cat); err != nil {
		return err
	}
	opts.IO.Successf("Loaded %s of %s", cmdutil.Count(len(cat.Services), "service", "services"), cmdutil.Count(len(cat.Providers), "provider", "providers"))
	return nil
}
