package org

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// RegisterOptions are the inputs of `reconi org register`.
type RegisterOptions struct {
	IO       *output.IOStreams
	Backend  func() (reconi.Backend, error)
	Output   cmdutil.OutputFlags
	KVK      string
	Name     string
	Branches []string
}

// NewCmdRegister returns `reconi org register`.
func NewCmdRegister(f *cmdutil.Factory, runF func(context.Context, *RegisterOptions) error) *cobra.Command {
	opts := &RegisterOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "register --kvk NUMBER --name NAME [--branch NUMBER]...",
		Short: "Add an organisation to the register (operators)",
		Long: `Add an organisation, with its branches, to the broker's organisation register.
A KvK number has exactly 8 digits (leading zeros count); a branch number
(vestigingsnummer) has exactly 12.`,
		Example: `  reconi org register --kvk 69599084 --name "Test EMZ Dagobert" --branch 000037178598`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.KVK == "" || opts.Name == "" {
				return cmdutil.FlagErrorf("--kvk and --name are required")
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return registerRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.KVK, "kvk", "", "KvK `number` (8 digits)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "registered `name` of the organisation")
	cmd.Flags().StringArrayVar(&opts.Branches, "branch", nil, "branch `number` (12 digits); repeat for more")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func registerRun(ctx context.Context, opts *RegisterOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	o, err := b.RegisterOrganization(ctx, reconi.NewOrganization{KVK: opts.KVK, Name: opts.Name, Branches: opts.Branches})
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, o, nil)
	}
	opts.IO.Successf("Registered %s (%s)", o.Name, o.KVK)
	return printOrg(opts.IO, o, nil)
}
