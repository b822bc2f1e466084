package cli_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd/factory"
	"github.com/reconi/reconi/cmd/serve"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
)

// serve fails at once, with the reason, when it cannot serve: an address
// in use or impossible, a TLS file missing. It used to start its
// background work first and wait for a signal before returning the error.
func TestServeFailsFast(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	for _, tt := range []struct {
		name, addr, cert, want string
	}{
		{"port in use", busy.Addr().String(), "", "address already in use"},
		{"impossible address", "127.0.0.1:99999", "", "invalid port"},
		{"not an address", "nowhere", "", "missing port in address"},
		{"missing TLS file", "127.0.0.1:0", filepath.Join(dir, "missing.pem"), "--tls-cert/--tls-key: open " + filepath.Join(dir, "missing.pem") + ": no such file or directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{
				config.EnvName(config.KeyDB): filepath.Join(t.TempDir(), "reconi.db"),
				"XDG_CONFIG_HOME":            filepath.Join(dir, "config"),
				"HOME":                       dir,
			}
			getenv := func(k string) string { return env[k] }
			ios, _, _, _ := output.Test()
			// The context never ends: serve must return on its own.
			ctx := context.Background()
			f := factory.New(ctx, ios, getenv)
			f.Config = func() (*config.Config, error) { return config.Load("", "", nil, getenv) }
			f.MayCreateDatabase = func() bool { return true }
			defer f.Close()
			opts := &serve.Options{IO: ios, Config: f.Config, Now: f.Now, Store: f.Store, Local: f.Local, Senders: f.Senders,
				Addr: tt.addr, TLSCert: tt.cert, TLSKey: tt.cert, LogFormat: "json", ShutdownGrace: time.Second,
				DispatchInterval: time.Millisecond, SweepInterval: time.Millisecond,
				Listening: func(addr string) { t.Errorf("listening on %s", addr) }}
			ran := make(chan error, 1)
			go func() { ran <- serve.Run(ctx, opts) }()
			select {
			case err := <-ran:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("serve is still running 10s after it could not serve")
			}
		})
	}
}
