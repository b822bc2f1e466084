// Package auth holds `reconi auth`: logging in to a reconi server.
//
// Its end-to-end tests are in test/cli: auth_test.go.
package auth

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// NewCmdAuth returns `reconi auth`.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Log in to a reconi server; show who you are",
	}
	cmd.AddCommand(newCmdLogin(f), newCmdStatus(f), newCmdLogout(f))
	return cmd
}

func newCmdLogin(f *cmdutil.Factory) *cobra.Command {
	var server string
	var withToken bool
	cmd := &cobra.Command{
		Use:   "login --server URL --with-token",
		Short: "Store a server and token in the profile",
		Long: `Read a token from standard input, check it with the server, and store the
server and token in the profile of the config file (mode 0600), creating the
profile (and the file) when it does not exist yet. Later commands of that
profile talk to the server: reconi --profile NAME ..., or RECONI_PROFILE.`,
		Example: `  echo "$RECONI_TOKEN" | reconi auth login --server https://reconi.example.nl --with-token
  reconi auth login --server http://127.0.0.1:8080 --with-token --profile ci < token.txt`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if server == "" {
				return cmdutil.FlagErrorf("--server is required")
			}
			if !withToken {
				return cmdutil.FlagErrorf("--with-token is required: pass the token on standard input (tokens never go on the command line)")
			}
			line, err := bufio.NewReader(f.IOStreams.In).ReadString('\n')
			token := strings.TrimSpace(line)
			if token == "" {
				if err != nil {
					return reconi.Invalid("token", "nothing on standard input: pipe the token in")
				}
				return reconi.Invalid("token", "the first line of standard input is empty")
			}
			if f.RemoteBackend == nil {
				return reconi.Errorf(reconi.KindInternal, "this build cannot talk to a server")
			}
			b, err := f.RemoteBackend(server, token)
			if err != nil {
				return err
			}
			who, err := b.Whoami(cmd.Context())
			if err != nil {
				return err
			}
			// Login is how a profile comes to be.
			cfg, err := f.NewProfileConfig()
			if err != nil {
				return err
			}
			if err := config.SetProfileValues(cfg.File, cfg.Profile, map[string]string{
				config.KeyServer: server, config.KeyToken: token,
			}); err != nil {
				return fmt.Errorf("writing %s: %w", cfg.File, err)
			}
			f.IOStreams.Successf("Logged in to %s as %s (%s); saved in profile %q of %s", server, who.Name, who.Role, cfg.Profile, cfg.File)
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "server `URL`")
	cmd.Flags().BoolVar(&withToken, "with-token", false, "read the token from standard input")
	return cmd
}

// Status is what `auth status` reports.
type Status struct {
	Profile string       `json:"profile"`
	Backend string       `json:"backend"`
	Target  string       `json:"target"`
	Actor   reconi.Actor `json:"actor"`
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	var out cmdutil.OutputFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which backend you use, who you are and your role",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			return statusRun(cmd.Context(), f, &out)
		},
	}
	cmdutil.AddOutputFlags(cmd, &out)
	return cmd
}

func statusRun(ctx context.Context, f *cmdutil.Factory, out *cmdutil.OutputFlags) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	b, err := f.Backend()
	if err != nil {
		return err
	}
	who, err := b.Whoami(ctx)
	if err != nil {
		return err
	}
	st := Status{Profile: cfg.Profile, Backend: "local", Target: cmdutil.Target(cfg), Actor: *who}
	if cfg.Get(config.KeyServer) != "" {
		st.Backend = "server"
	}
	if out.Machine() {
		return out.Print(f.IOStreams, st, nil)
	}
	orgs := "all"
	if len(who.Orgs) > 0 {
		parts := make([]string, len(who.Orgs))
		for i, o := range who.Orgs {
			parts[i] = string(o)
		}
		orgs = strings.Join(parts, ", ")
	}
	return output.PrintKV(f.IOStreams, [][2]string{
		{"Profile", st.Profile},
		{"Backend", st.Backend + " " + st.Target},
		{"Name", who.Name},
		{"Role", string(who.Role)},
		{"Organisations", orgs},
	})
}

func newCmdLogout(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Remove the token from the profile",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if err := config.SetProfileValues(cfg.File, cfg.Profile, map[string]string{config.KeyToken: ""}); err != nil {
				return err
			}
			f.IOStreams.Successf("Removed the token from profile %q", cfg.Profile)
			return nil
		},
	}
}
