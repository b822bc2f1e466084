// Flag-parsing tests of reconi prices: each command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// prices_test.go, beside this file.
package cli_test

import (
	"context"
	"testing"

	"github.com/reconi/reconi/cmd/prices"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestPricesShowFlags(t *testing.T) {
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

func TestPricesLoadFlags(t *testing.T) {
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
