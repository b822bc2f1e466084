// These are the flag-parsing tests of reconi prices; its end-to-end tests,
// through cmd.Run against a real SQLite file, are in test/cli: prices_test.go.
package prices_test

import (
	"context"
	"testing"

	"github.com/reconi/reconi/cmd/prices"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestShowFlags(t *testing.T) {
	t.Parallel()
	f, _ := cmdtest.FlagFactory(t, nil)
	var got *prices.ShowOptions
	err := cmdtest.Exec(prices.NewCmdShow(f, func(_ context.Context, o *prices.ShowOptions) error {
		got = o
		return nil
	}), "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Output.Format != "yaml" {
		t.Errorf("got %+v", got)
	}

	f, _ = cmdtest.FlagFactory(t, nil)
	err = cmdtest.Exec(prices.NewCmdShow(f, func(context.Context, *prices.ShowOptions) error {
		t.Error("the run function was called")
		return nil
	}), "EH3")
	cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments"}}.Check(t, err)
}

func TestLoadFlags(t *testing.T) {
	t.Parallel()
	f, _ := cmdtest.FlagFactory(t, nil)
	var got *prices.LoadOptions
	if err := cmdtest.Exec(prices.NewCmdLoad(f, func(_ context.Context, o *prices.LoadOptions) error {
		got = o
		return nil
	}), "prices.yaml"); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.File != "prices.yaml" {
		t.Errorf("got %+v", got)
	}

	f, _ = cmdtest.FlagFactory(t, nil)
	err := cmdtest.Exec(prices.NewCmdLoad(f, func(context.Context, *prices.LoadOptions) error {
		t.Error("the run function was called")
		return nil
	}))
	cmdtest.ErrWant{Flag: true, Contains: []string{"price list file"}}.Check(t, err)
}
