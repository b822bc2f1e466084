package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify"
)

// env is a fake environment: tests never read the real one.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// flags returns the flag set a command has, with the named flags set on the
// command line.
func flags(t *testing.T, set map[string]string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("reconi", pflag.ContinueOnError)
	fs.String("db", "/flag/default/never/used.db", "")
	fs.String("server", "", "")
	fs.String("token", "", "")
	fs.String("draft", "", "")
	var args []string
	for k, v := range set {
		args = append(args, "--"+k+"="+v)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

const configYAML = `
db: /top/reconi.db
server: https://top.example
email: top@example.nl
smtp:
  host: smtp.top.example
  port: 25
profiles:
  work:
    db: /work/reconi.db
    token: work-token
    smtp:
      host: smtp.work.example
  ci:
    server: https://ci.example
`

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	writeFile(t, file, configYAML)

	for _, tc := range []struct {
		name    string
		profile string
		env     env
		flags   map[string]string
		want    map[string]string
	}{
		{name: "file top level", want: map[string]string{
			config.KeyDB: "/top/reconi.db", config.KeyServer: "https://top.example", config.KeyToken: "",
			config.KeySMTPHost: "smtp.top.example", config.KeySMTPPort: "25", config.KeyEmail: "top@example.nl"}},
		{name: "profile over top level", profile: "work", want: map[string]string{
			config.KeyDB: "/work/reconi.db", config.KeyServer: "https://top.example", config.KeyToken: "work-token",
			config.KeySMTPHost: "smtp.work.example", config.KeySMTPPort: "25"}},
		{name: "environment over profile", profile: "work",
			env: env{"RECONI_DB": "/env/reconi.db", "RECONI_SMTP_HOST": "smtp.env.example", "RECONI_TOKEN": "env-token"},
			want: map[string]string{config.KeyDB: "/env/reconi.db", config.KeySMTPHost: "smtp.env.example",
				config.KeyToken: "env-token", config.KeyServer: "https://top.example"}},
		{name: "flag over environment", profile: "work",
			env:   env{"RECONI_DB": "/env/reconi.db", "RECONI_SERVER": "https://env.example"},
			flags: map[string]string{"db": "/flag/reconi.db"},
			want:  map[string]string{config.KeyDB: "/flag/reconi.db", config.KeyServer: "https://env.example", config.KeyToken: "work-token"}},
		{name: "profile from the environment", env: env{"RECONI_PROFILE": "ci"},
			want: map[string]string{config.KeyServer: "https://ci.example", config.KeyDB: "/top/reconi.db"}},
		{name: "flag profile over the environment's", profile: "work", env: env{"RECONI_PROFILE": "ci"},
			want: map[string]string{config.KeyServer: "https://top.example", config.KeyDB: "/work/reconi.db"}},
		{name: "an empty variable does not override", profile: "work", env: env{"RECONI_DB": ""},
			want: map[string]string{config.KeyDB: "/work/reconi.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := env{"XDG_DATA_HOME": filepath.Join(dir, "data"), "XDG_CONFIG_HOME": filepath.Join(dir, "nowhere")}
			for k, v := range tc.env {
				e[k] = v
			}
			c, err := config.Load(file, tc.profile, flags(t, tc.flags), e.get)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tc.want {
				if got := c.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	e := env{"XDG_DATA_HOME": filepath.Join(dir, "data"), "XDG_CONFIG_HOME": filepath.Join(dir, "config")}
	// No config file at all is fine.
	c, err := config.Load("", "", flags(t, nil), e.get)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Get(config.KeyDB), filepath.Join(dir, "data", "reconi", "reconi.db"); got != want {
		t.Errorf("db = %q, want %q", got, want)
	}
	if got, want := c.File, filepath.Join(dir, "config", "reconi", "config.yaml"); got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if c.Profile != config.DefaultProfile {
		t.Errorf("profile = %q, want %q", c.Profile, config.DefaultProfile)
	}
	// A flag that was not set does not override: its default is not a value.
	if c.Get(config.KeyDB) == "/flag/default/never/used.db" {
		t.Error("an unset flag's default overrode the configuration")
	}
	if got := c.Get(config.KeyServer); got != "" {
		t.Errorf("server = %q, want none", got)
	}

	// The file in $XDG_CONFIG_HOME is read without --config.
	writeFile(t, filepath.Join(dir, "config", "reconi", "config.yaml"), "db: /xdg/reconi.db\n")
	if c, err = config.Load("", "", nil, e.get); err != nil {
		t.Fatal(err)
	}
	if got := c.Get(config.KeyDB); got != "/xdg/reconi.db" {
		t.Errorf("db = %q, want the XDG config file's", got)
	}
	// RECONI_CONFIG names another file.
	other := filepath.Join(dir, "other.yaml")
	writeFile(t, other, "db: /other/reconi.db\n")
	e["RECONI_CONFIG"] = other
	if c, err = config.Load("", "", nil, e.get); err != nil {
		t.Fatal(err)
	}
	if got := c.Get(config.KeyDB); got != "/other/reconi.db" || c.File != other {
		t.Errorf("db = %q from %s, want RECONI_CONFIG's file", got, c.File)
	}
}

func TestProfileSelectedInTheFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, file, "profile: ci\n"+configYAML)
	c, err := config.Load(file, "", nil, env{}.get)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != "ci" || c.Get(config.KeyServer) != "https://ci.example" {
		t.Errorf("profile %q, server %q; want the file's profile ci", c.Profile, c.Get(config.KeyServer))
	}
}

// An unknown profile loads, marked Undefined, so that auth login can create
// it; Check refuses it for every other command.
func TestUnknownProfile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, file, configYAML)
	load := func(file, profile string, e env) error {
		t.Helper()
		c, err := config.Load(file, profile, nil, e.get)
		if err != nil {
			t.Fatalf("Load(%q): %v", profile, err)
		}
		return c.Check()
	}
	err := load(file, "prod", env{})
	if err == nil || !strings.Contains(err.Error(), `"prod"`) || !strings.Contains(err.Error(), file) ||
		!strings.Contains(err.Error(), "auth login --profile prod") {
		t.Fatalf("an unknown profile: %v, want an error naming it, the file and how to create it", err)
	}
	if err := load(filepath.Join(t.TempDir(), "missing.yaml"), "prod", env{}); err == nil {
		t.Fatal("an unknown profile without a config file must fail too")
	}
	if err := load(file, "", env{"RECONI_PROFILE": "staging"}); err == nil || !strings.Contains(err.Error(), "staging") {
		t.Fatalf("an unknown profile from RECONI_PROFILE: %v", err)
	}
	// The default profile needs no section.
	if err := load(file, config.DefaultProfile, env{}); err != nil {
		t.Fatalf("the default profile: %v", err)
	}
	// The file's top level still applies to a profile about to be created.
	c, err := config.Load(file, "prod", nil, env{}.get)
	if err != nil || !c.Undefined || c.Profile != "prod" {
		t.Fatalf("Load(prod) = %+v, %v; want it marked undefined", c, err)
	}
}

// A profile listed with nothing under it is defined (and empty), not
// missing.
func TestEmptyProfileIsDefined(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte("db: /top.db\nprofiles:\n  work:\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(file, "work", nil, func(string) string { return "" })
	if err != nil {
		t.Fatalf("Load with an empty profile: %v", err)
	}
	if got := cfg.Get(config.KeyDB); got != "/top.db" {
		t.Errorf("db = %q, want the file's top level /top.db", got)
	}
	if err := cfg.Check(); err != nil {
		t.Errorf("Check of an empty profile: %v", err)
	}
	if home, err := config.Load(file, "home", nil, func(string) string { return "" }); err != nil || home.Check() == nil {
		t.Errorf("Load with a profile that is not listed: %v, and Check passes", err)
	}
}

// notify names the delivery settings itself, so that it needs nothing of
// this package; they must be settings reconi reads.
func TestNotifyKeysAreSettings(t *testing.T) {
	for _, k := range notify.Keys {
		if !slices.Contains(config.Keys, k) {
			t.Errorf("notify reads %q, which is not in config.Keys", k)
		}
	}
}
