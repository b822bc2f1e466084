// Package config resolves reconi's settings with viper: a flag that was set,
// then the environment (RECONI_*), then the profile in the config file, then
// the file's top level, then defaults. A fresh viper is built for every run.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Keys of settings that may come from a flag, the environment or the file.
const (
	KeyDB     = "db"
	KeyServer = "server"
	KeyToken  = "token"
	KeyDraft  = "draft"
)

// Keys of the user's side: where users reach serve, who hears about an
// application, and how email, SMS and identification requests travel.
// Nested keys read from RECONI_SMTP_HOST and so on.
const (
	KeyPublicURL           = "public_url"
	KeyEmail               = "email"
	KeySMTPHost            = "smtp.host"
	KeySMTPPort            = "smtp.port"
	KeySMTPUsername        = "smtp.username"
	KeySMTPPassword        = "smtp.password"
	KeySMTPTLS             = "smtp.tls"
	KeySMTPFrom            = "smtp.from"
	KeySMSWebhookURL       = "sms.webhook_url"
	KeySMSWebhookSecret    = "sms.webhook_secret"
	KeyIdentProvider       = "identification.provider"
	KeyIdentWebhookURL     = "identification.webhook_url"
	KeyIdentWebhookSecret  = "identification.webhook_secret"
	KeyIdentCallbackSecret = "identification.callback_secret"
	// KeyCSRFSecret signs the invitation pages' forms; replicas share it.
	KeyCSRFSecret = "csrf_secret"
)

// Keys lists every setting, for docs and the environment.
var Keys = []string{KeyDB, KeyServer, KeyToken, KeyDraft, KeyPublicURL, KeyEmail,
	KeySMTPHost, KeySMTPPort, KeySMTPUsername, KeySMTPPassword, KeySMTPTLS, KeySMTPFrom,
	KeySMSWebhookURL, KeySMSWebhookSecret, KeyIdentProvider, KeyIdentWebhookURL, KeyIdentWebhookSecret, KeyIdentCallbackSecret, KeyCSRFSecret}

// EnvName is the environment variable of a key: RECONI_ and the key in
// upper case with '.' and '-' as '_'.
func EnvName(key string) string {
	return "RECONI_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// DefaultProfile is used when none is named.
const DefaultProfile = "default"

// Config is the resolved configuration of one run.
type Config struct {
	v *viper.Viper
	// Profile is the profile in use.
	Profile string
	// File is the config file path (it may not exist).
	File string
	// Undefined is set when Profile is neither the default nor listed under
	// profiles: in File. Only a command that creates the profile (auth
	// login) should go on with it; Check refuses it for the others.
	Undefined bool
}

// Check returns an error naming the profile and the file when the profile
// is not defined, so that a mistyped --profile never falls back to the
// defaults (the local database) unnoticed.
func (c *Config) Check() error {
	if c.Undefined {
		return fmt.Errorf("profile %q is not defined in %s (under profiles:); reconi auth login --profile %s creates it",
			c.Profile, c.File, c.Profile)
	}
	return nil
}

// Env is what Load reads from the process environment; tests pass their own.
type Env func(string) string

// Load resolves the configuration. file and profile are the --config and
// --profile flag values ("" when not given); flags are bound by their names
// (db, server, token, draft) and only override when set on the command line.
func Load(file, profile string, flags *pflag.FlagSet, getenv Env) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if file == "" {
		file = getenv("RECONI_CONFIG")
	}
	if file == "" {
		file = filepath.Join(ConfigDir(getenv), "config.yaml")
	}
	if profile == "" {
		profile = getenv("RECONI_PROFILE")
	}

	fileV := viper.New()
	fileV.SetConfigFile(file)
	fileV.SetConfigType("yaml")
	if err := fileV.ReadInConfig(); err != nil && !errors.Is(err, fs.ErrNotExist) && !isNotFound(err) {
		return nil, fmt.Errorf("config file %s: %w", file, err)
	}
	if profile == "" {
		profile = fileV.GetString("profile")
	}
	if profile == "" {
		profile = DefaultProfile
	}

	v := viper.New()
	v.SetDefault(KeyDB, filepath.Join(DataDir(getenv), "reconi.db"))
	for _, k := range Keys {
		if fileV.IsSet(k) {
			v.SetDefault(k, fileV.Get(k))
		}
	}
	undefined := false
	if sub := fileV.Sub("profiles." + profile); sub != nil {
		if err := v.MergeConfigMap(sub.AllSettings()); err != nil {
			return nil, err
		}
	} else if _, listed := fileV.GetStringMap("profiles")[profile]; !listed && profile != DefaultProfile {
		// A profile listed with nothing under it ("work:") is defined, and
		// empty.
		undefined = true
	}
	// The environment is read through getenv rather than viper's
	// AutomaticEnv so that tests never see the real environment.
	for _, k := range Keys {
		if val := getenv(EnvName(k)); val != "" {
			v.Set(k, val)
		}
	}
	if flags != nil {
		for _, k := range Keys {
			if f := flags.Lookup(k); f != nil && f.Changed {
				v.Set(k, f.Value.String())
			}
		}
	}
	return &Config{v: v, Profile: profile, File: file, Undefined: undefined}, nil
}

func isNotFound(err error) bool {
	var nf viper.ConfigFileNotFoundError
	return errors.As(err, &nf)
}

// Get returns a setting as a string.
func (c *Config) Get(key string) string { return c.v.GetString(key) }

// ConfigDir is $XDG_CONFIG_HOME/reconi, or ~/.config/reconi.
func ConfigDir(getenv Env) string { return xdg(getenv, "XDG_CONFIG_HOME", ".config") }

// DataDir is $XDG_DATA_HOME/reconi, or ~/.local/share/reconi.
func DataDir(getenv Env) string { return xdg(getenv, "XDG_DATA_HOME", ".local/share") }

// StateDir is $XDG_STATE_HOME/reconi, or ~/.local/state/reconi.
func StateDir(getenv Env) string { return xdg(getenv, "XDG_STATE_HOME", ".local/state") }

func xdg(getenv Env, env, fallback string) string {
	if d := getenv(env); d != "" {
		return filepath.Join(d, "reconi")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, filepath.FromSlash(fallback), "reconi")
}
