package status

import (
	"context"
	"fmt"
	"strings"

	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Detail is the JSON form of one application's status: the application
// with all its users, and its history.
type Detail struct {
	*reconi.Application
	History []reconi.Event `json:"history"`
}

func detailRun(ctx context.Context, opts *Options, b reconi.Backend) error {
	a, err := b.Application(ctx, opts.AppID)
	if err != nil {
		return err
	}
	if e := strings.ToLower(strings.TrimSpace(opts.Filter.Email)); e != "" {
		return emailDetail(ctx, opts, b, a, e)
	}
	format, err := output.ParseFormat(opts.Output.Format)
	if err != nil {
		return err
	}
	switch {
	case format == output.FormatJSON && opts.Output.JQ == "":
		return streamDetail(ctx, opts, b, a)
	case opts.Output.Machine():
		// YAML, CSV and --jq take one whole document.
		d := Detail{Application: a, History: []reconi.Event{}}
		if err := allOf(ctx, b, a, &d); err != nil {
			return err
		}
		return opts.Output.Print(opts.IO, d, nil)
	}
	if err := printHead(opts, a); err != nil {
		return err
	}
	users := output.NewListWriter(opts.IO, format, "", userHeader, userRow)
	if err := reconi.EachApplicationUser(ctx, b, a, users.Write); err != nil {
		return err
	}
	if _, err := users.Close(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\n%s\n", opts.IO.ColorScheme().Bold("History"))
	history := output.NewListWriter(opts.IO, format, "", historyHeader, historyRow)
	if err := reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, history.Write); err != nil {
		return err
	}
	_, err = history.Close()
	return err
}

// allOf reads every user and event of a into d.
func allOf(ctx context.Context, b reconi.Backend, a *reconi.Application, d *Detail) error {
	users := []reconi.User{}
	if err := reconi.EachApplicationUser(ctx, b, a, func(us []reconi.User) error {
		users = append(users, us...)
		return nil
	}); err != nil {
		return err
	}
	a.Users, a.UsersNextCursor = users, ""
	return reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, func(ev []reconi.Event) error {
		d.History = append(d.History, ev...)
		return nil
	})
}

// streamDetail writes the JSON of Detail a page at a time: the same
// document as the whole, held one page at a time, so that an application
// of a million users prints at once and in little memory.
func streamDetail(ctx context.Context, opts *Options, b reconi.Backend, a *reconi.Application) error {
	head := *a
	head.Users, head.UsersNextCursor = nil, ""
	w, err := output.NewObjectWriter(opts.IO.Out, Detail{Application: &head}, "users", "history")
	if err != nil {
		return err
	}
	if err := reconi.EachApplicationUser(ctx, b, a, func(us []reconi.User) error { return w.Write(us) }); err != nil {
		return err
	}
	if err := w.Next(); err != nil {
		return err
	}
	if err := reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, func(ev []reconi.Event) error { return w.Write(ev) }); err != nil {
		return err
	}
	return w.Next()
}

// emailDetail shows one user of a, and that user's history.
func emailDetail(ctx context.Context, opts *Options, b reconi.Backend, a *reconi.Application, email string) error {
	users := []reconi.User{}
	if err := reconi.EachApplicationUser(ctx, b, a, func(us []reconi.User) error {
		for _, u := range us {
			if strings.ToLower(u.Email) == email {
				users = append(users, u)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if len(users) == 0 {
		return reconi.Errorf(reconi.KindNotFound, "%s is not a user of application %d", opts.Filter.Email, a.ID)
	}
	a.Users, a.UsersNextCursor = users, ""
	history := []reconi.Event{}
	if err := reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, func(ev []reconi.Event) error {
		for _, e := range ev {
			if strings.ToLower(e.Email) == email {
				history = append(history, e)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, Detail{Application: a, History: history}, nil)
	}
	if err := printHead(opts, a); err != nil {
		return err
	}
	t := output.NewTable(opts.IO)
	t.AddHeader(userHeader...)
	for _, u := range users {
		t.AddRow(userRow(u)...)
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\n%s\n", opts.IO.ColorScheme().Bold("History"))
	t = output.NewTable(opts.IO)
	t.AddHeader(historyHeader...)
	for _, ev := range history {
		t.AddRow(historyRow(ev)...)
	}
	return t.Render()
}

func printHead(opts *Options, a *reconi.Application) error {
	pairs := [][2]string{
		{"Application", fmt.Sprintf("%d (%s)", a.ID, a.State)},
		{"Organisation", fmt.Sprintf("%s (%s)", a.Organization.Name, a.Organization.KVK)},
		{"Level", string(a.Level)},
		{"Submitted", timeText(a.SubmittedAt)},
	}
	if a.CompletedAt != nil {
		pairs = append(pairs, [2]string{"Completed", timeText(a.CompletedAt)})
	}
	if a.Kind != "" && a.Kind != reconi.AppKindNew {
		pairs = append(pairs, [2]string{"Kind", string(a.Kind)})
	}
	if len(a.Links) > 0 {
		pairs = append(pairs, [2]string{"Linked", shared.LinksText(a.Links)})
	}
	if err := output.PrintKV(opts.IO, pairs); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out)
	return nil
}

var (
	userHeader    = []string{"EMAIL", "NAME", "EMPLOYED", "STATE", "SINCE"}
	historyHeader = []string{"AT", "WHO", "USER", "CHANGE", "WHY"}
)

func userRow(u reconi.User) []string {
	employed := "no"
	if u.Employed {
		employed = "yes"
	}
	return []string{u.Email, u.FirstName + " " + u.LastName, employed, string(u.State), u.UpdatedAt.Local().Format("2006-01-02 15:04")}
}

func historyRow(ev reconi.Event) []string {
	change := ev.To
	if ev.From != "" && ev.From != ev.To {
		change = ev.From + " → " + ev.To
	}
	return []string{ev.At.Local().Format("2006-01-02 15:04:05"), ev.Actor, ev.Email, change, ev.Reason}
}
