// Package tokens holds `reconi tokens`: API tokens for `reconi serve`,
// administered on the server's machine against its database.
package tokens

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
)

// NewCmdTokens returns `reconi tokens`.
func NewCmdTokens(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokens <command>",
		Short: "Create, list and revoke API tokens of reconi serve (server admins)",
		Long: `Tokens let people and pipelines use a reconi server. They are administered on
the server's machine, against its database (--db / RECONI_DB), not over the
API. A token is shown once when it is created; only its hash is kept.

Roles:
  manager   runs the wizard and reads status, for the organisations on the token
  helpdesk  reads status and users (of its organisations, or all without --org)
  operator  keeps the broker's data: register, service catalogue, price list`,
	}
	cmd.AddCommand(newCmdCreate(f), newCmdList(f), newCmdRevoke(f))
	return cmd
}

func access(f *cmdutil.Factory) (*service.Access, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	if cfg.Get(config.KeyServer) != "" {
		return nil, cmdutil.ServerSet(cfg, "tokens are administered on the server's machine against its database")
	}
	st, err := f.Store()
	if err != nil {
		return nil, err
	}
	return service.NewAccess(st, f.Now), nil
}

// CreateOptions are the inputs of `reconi tokens create`.
type CreateOptions struct {
	Output cmdutil.OutputFlags
	Token  service.NewToken
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	opts := &CreateOptions{}
	cmd := &cobra.Command{
		Use:   "create --role manager|helpdesk|operator [--org KVK]... [--name TEXT]",
		Short: "Create a token and print it once",
		Example: `  reconi tokens create --role manager --org 69599084 --name "ci pipeline"
  reconi tokens create --role helpdesk -o json --jq .token`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Token.Role == "" {
				return cmdutil.FlagErrorf("--role is required: manager, helpdesk or operator")
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			acc, err := access(f)
			if err != nil {
				return err
			}
			secret, tok, err := acc.CreateToken(cmd.Context(), opts.Token)
			if err != nil {
				return err
			}
			created := struct {
				*store.Token
				Secret string `json:"token"`
			}{tok, secret}
			if opts.Output.Machine() {
				return opts.Output.Print(f.IOStreams, created, nil)
			}
			fmt.Fprintln(f.IOStreams.Out, secret)
			f.IOStreams.Warnf("token %d (%s, %s) is shown only now: store it safely", tok.ID, tok.Name, tok.Role)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Token.Role, "role", "", "`role`: manager, helpdesk or operator")
	cmd.Flags().StringArrayVar(&opts.Token.Orgs, "org", nil, "organisation (`KVK`) the token may act for; repeat for more")
	cmd.Flags().StringVar(&opts.Token.Name, "name", "", "a `name` to recognise the token by (shown in history)")
	_ = cmd.RegisterFlagCompletionFunc("role", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"manager", "helpdesk", "operator"}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var out cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List tokens (never the tokens themselves)",
		Aliases: []string{"ls"},
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			acc, err := access(f)
			if err != nil {
				return err
			}
			toks, err := acc.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			return out.Print(f.IOStreams, toks, func(t *output.Table) {
				t.AddHeader("ID", "NAME", "ROLE", "ORGANISATIONS", "CREATED", "REVOKED")
				for _, tok := range toks {
					orgs := make([]string, len(tok.Orgs))
					for i, o := range tok.Orgs {
						orgs[i] = string(o)
					}
					revoked := "-"
					if tok.RevokedAt != nil {
						revoked = tok.RevokedAt.Local().Format("2006-01-02 15:04")
					}
					t.AddRow(strconv.FormatInt(tok.ID, 10), tok.Name, string(tok.Role), strings.Join(orgs, ", "),
						tok.CreatedAt.Local().Format("2006-01-02 15:04"), revoked)
				}
			})
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func newCmdRevoke(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token at once",
		Args:  cmdutil.ExactArgs(1, "the token's ID (see reconi tokens list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return cmdutil.FlagErrorf("%q is not a token ID: want the number shown by reconi tokens list", args[0])
			}
			acc, err := access(f)
			if err != nil {
				return err
			}
			if err := acc.RevokeToken(cmd.Context(), id); err != nil {
				return err
			}
			f.IOStreams.Successf("Revoked token %d", id)
			return nil
		},
	}
}
