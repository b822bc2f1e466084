package shared

import (
	"context"
	"fmt"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// CurrentDraft returns the draft the commands after `org select` work on
// without --draft: RECONI_DRAFT or the profile's setting, else the one
// remembered in the state directory; 0 when there is none.
func CurrentDraft(cfg func() (*config.Config, error), getenv func(string) string) (int64, error) {
	c, err := cfg()
	if err != nil {
		return 0, err
	}
	if v := c.Get(config.KeyDraft); v != "" {
		return cmdutil.ParseID("draft", v)
	}
	return config.NewState(config.StateDir(getenv)).CurrentDraft(cmdutil.StateKey(c))
}

// UseDraft makes draft id the current draft, once the backend says it is
// one the caller may change, and returns it.
func UseDraft(ctx context.Context, b reconi.Backend, id int64, cfg func() (*config.Config, error), getenv func(string) string) (*reconi.Application, error) {
	a, err := b.Application(ctx, id)
	if err != nil {
		return nil, err
	}
	switch a.State {
	case reconi.AppDraft:
	case reconi.AppDiscarded:
		return nil, reconi.Errorf(reconi.KindConflict, "draft %d was discarded", a.ID)
	default:
		return nil, reconi.Errorf(reconi.KindConflict, "application %d is %s, not a draft", a.ID, a.State)
	}
	c, err := cfg()
	if err != nil {
		return nil, err
	}
	if err := cmdutil.RememberDraft(c, getenv, a.ID); err != nil {
		return nil, err
	}
	return a, nil
}

// ForgetDraft stops remembering draft id as the current draft, if it is.
func ForgetDraft(id int64, cfg func() (*config.Config, error), getenv func(string) string) error {
	c, err := cfg()
	if err != nil {
		return err
	}
	current, err := config.NewState(config.StateDir(getenv)).CurrentDraft(cmdutil.StateKey(c))
	if err != nil || current != id {
		return err
	}
	return cmdutil.RememberDraft(c, getenv, 0)
}

// PrintKept says, when the manager declined at the last step, that draft id
// is kept and how to resume or discard it.
func PrintKept(ios *output.IOStreams, id int64) {
	fmt.Fprintf(ios.ErrOut, "Nothing was submitted. Draft %d is kept: resume it with 'reconi apply --draft %d' (or 'reconi drafts use %d', then the wizard or apply), or discard it with 'reconi drafts discard %d'.\n",
		id, id, id, id)
}
