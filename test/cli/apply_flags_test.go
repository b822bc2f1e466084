// Flag-parsing tests of reconi apply: the command alone, through cmdtest, with
// its run function captured and no database. Its end-to-end tests are in
// apply_test.go, apply_file_test.go, apply_notify_test.go and
// apply_prune_test.go, beside this file.
package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/apply"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestApplyFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantDraft int64
		wantAgree bool
		wantMax   *int64
		wantKey   string
		wantErr   *cmdtest.ErrWant
	}{
		{name: "nothing", wantDraft: 7},
		{name: "agree, --draft", args: []string{"--agree-terms", "--draft", "12"}, wantDraft: 12, wantAgree: true},
		{name: "comma for cents", args: []string{"--max-price", "249,95"}, wantDraft: 7, wantMax: ptr(int64(24995))},
		{name: "dot for cents", args: []string{"--max-price", "249.95"}, wantDraft: 7, wantMax: ptr(int64(24995))},
		{name: "whole euros", args: []string{"--max-price", "250"}, wantDraft: 7, wantMax: ptr(int64(25000))},
		{name: "euro sign", args: []string{"--max-price", "€1000,5"}, wantDraft: 7, wantMax: ptr(int64(100050))},
		{name: "spaces", args: []string{"--max-price", " 12.3 "}, wantDraft: 7, wantMax: ptr(int64(1230))},
		{name: "zero", args: []string{"--max-price", "0"}, wantDraft: 7, wantMax: ptr(int64(0))},
		{name: "float rounding", args: []string{"--max-price", "0.29"}, wantDraft: 7, wantMax: ptr(int64(29))},
		{name: "idempotency key", args: []string{"--agree-terms", "--idempotency-key", "run-42"}, wantDraft: 7, wantAgree: true, wantKey: "run-42"},

		{name: "not a number", args: []string{"--max-price", "abc"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"max-price", `"abc"`, "250 or 249.95"}}},
		{name: "negative", args: []string{"--max-price", "-5"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"max-price", `"-5"`}}},
		{name: "NaN", args: []string{"--max-price", "NaN"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"max-price", `"NaN"`}}},
		{name: "infinite", args: []string{"--max-price", "Inf"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"max-price", `"Inf"`}}},
		{name: "Dutch thousands", args: []string{"--max-price", "1.234,56"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"max-price", `"1.234,56"`}}},
		{name: "argument", args: []string{"7"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments", `"7"`}}},
		{name: "-o xml", args: []string{"-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"xml", "table, json, yaml, csv"}}},
		{name: "agree with a value", args: []string{"--agree-terms=perhaps"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--agree-terms"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, map[string]string{"RECONI_DRAFT": "7"}, apply.NewCmdApply, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.DraftID != tt.wantDraft || got.AgreeTerms != tt.wantAgree || got.IdempotencyKey != tt.wantKey {
				t.Errorf("draft %d, agree %v, key %q; want %d, %v, %q", got.DraftID, got.AgreeTerms, got.IdempotencyKey, tt.wantDraft, tt.wantAgree, tt.wantKey)
			}
			switch {
			case tt.wantMax == nil && got.MaxPriceCents != nil:
				t.Errorf("MaxPriceCents = %d, want nil", *got.MaxPriceCents)
			case tt.wantMax != nil && got.MaxPriceCents == nil:
				t.Errorf("MaxPriceCents = nil, want %d", *tt.wantMax)
			case tt.wantMax != nil && *got.MaxPriceCents != *tt.wantMax:
				t.Errorf("MaxPriceCents = %d, want %d", *got.MaxPriceCents, *tt.wantMax)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
