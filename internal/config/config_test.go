package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/reconi/reconi/internal/config"
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

func TestUnknownProfile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, file, configYAML)
	_, err := config.Load(file, "prod", nil, env{}.get)
	if err == nil || !strings.Contains(err.Error(), `"prod"`) || !strings.Contains(err.Error(), file) {
		t.Fatalf("an unknown profile: %v, want an error naming it and the file", err)
	}
	_, err = config.Load(filepath.Join(t.TempDir(), "missing.yaml"), "prod", nil, env{}.get)
	if err == nil {
		t.Fatal("an unknown profile without a config file must fail too")
	}
	_, err = config.Load(file, "", nil, env{"RECONI_PROFILE": "staging"}.get)
	if err == nil || !strings.Contains(err.Error(), "staging") {
		t.Fatalf("an unknown profile from RECONI_PROFILE: %v", err)
	}
	// The default profile needs no section.
	if _, err := config.Load(file, config.DefaultProfile, nil, env{}.get); err != nil {
		t.Fatalf("the default profile: %v", err)
	}
}

func TestBadConfigFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, file, "db: [unclosed\n")
	_, err := config.Load(file, "", nil, env{}.get)
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("a malformed config file: %v, want an error naming it", err)
	}
}

func TestXDGDirs(t *testing.T) {
	xdg := env{"XDG_CONFIG_HOME": "/x/config", "XDG_DATA_HOME": "/x/data", "XDG_STATE_HOME": "/x/state", "HOME": "/home/jan"}
	home := env{"HOME": "/home/jan"}
	for _, tc := range []struct {
		name string
		fn   func(config.Env) string
		xdg  string
		home string
	}{
		{"config", config.ConfigDir, "/x/config/reconi", "/home/jan/.config/reconi"},
		{"data", config.DataDir, "/x/data/reconi", "/home/jan/.local/share/reconi"},
		{"state", config.StateDir, "/x/state/reconi", "/home/jan/.local/state/reconi"},
	} {
		if got := tc.fn(xdg.get); got != filepath.FromSlash(tc.xdg) {
			t.Errorf("%s dir with XDG set = %q, want %q", tc.name, got, tc.xdg)
		}
		if got := tc.fn(home.get); got != filepath.FromSlash(tc.home) {
			t.Errorf("%s dir from HOME = %q, want %q", tc.name, got, tc.home)
		}
	}
}

func TestEnvName(t *testing.T) {
	for k, want := range map[string]string{
		config.KeyDB: "RECONI_DB", config.KeySMTPHost: "RECONI_SMTP_HOST",
		config.KeyIdentCallbackSecret: "RECONI_IDENTIFICATION_CALLBACK_SECRET", "public-url": "RECONI_PUBLIC_URL",
	} {
		if got := config.EnvName(k); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", k, got, want)
		}
	}
}

func TestSetProfileValues(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sub", "config.yaml")
	// A new file, created 0600 since it may hold a token.
	if err := config.SetProfileValues(file, "work", map[string]string{"server": "https://work.example", "token": "secret"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	c, err := config.Load(file, "work", nil, env{}.get)
	if err != nil {
		t.Fatal(err)
	}
	if c.Get(config.KeyServer) != "https://work.example" || c.Get(config.KeyToken) != "secret" {
		t.Errorf("server %q, token %q", c.Get(config.KeyServer), c.Get(config.KeyToken))
	}

	// An existing file keeps its comments and other settings; an empty
	// value removes a key.
	writeFile(t, file, "# mine\ndb: /top/reconi.db\nprofiles:\n  work:\n    token: old\n    draft: \"7\"\n")
	if err := config.SetProfileValues(file, "work", map[string]string{"token": "", "server": "https://new.example"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if !strings.Contains(string(b), "# mine") {
		t.Errorf("the comment was lost:\n%s", b)
	}
	if c, err = config.Load(file, "work", nil, env{}.get); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{config.KeyDB: "/top/reconi.db", config.KeyToken: "", config.KeyServer: "https://new.example", config.KeyDraft: "7"} {
		if got := c.Get(k); got != want {
			t.Errorf("%s = %q, want %q\n%s", k, got, want, b)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 1 {
		t.Errorf("temporary files left beside the config: %v", entries)
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
	if _, err := config.Load(file, "home", nil, func(string) string { return "" }); err == nil {
		t.Error("Load with a profile that is not listed: no error")
	}
}
