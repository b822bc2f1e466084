package reconi

import "context"

// Lists that grow with an organisation (users, applications, history, the
// outbox, means) are read in pages: a filter's Cursor is the NextCursor of
// the page before, "" the first page. These helpers read a list from a
// cursor to its last page, handing each page to fn, so that the caller
// holds one page at a time.

// Pages calls next from cursor on until a page has no next cursor, and fn
// with the items of each page.
func Pages[T any](cursor string, next func(cursor string) (items []T, nextCursor string, err error), fn func([]T) error) error {
	for {
		items, c, err := next(cursor)
		if err != nil {
			return err
		}
		if err := fn(items); err != nil {
			return err
		}
		if c == "" {
			return nil
		}
		cursor = c
	}
}

// EachUserPage reads every page of the users f selects, from f.Cursor on.
func EachUserPage(ctx context.Context, b interface {
	Users(context.Context, UserFilter) (*UserPage, error)
}, f UserFilter, fn func([]User) error) error {
	return Pages(f.Cursor, func(c string) ([]User, string, error) {
		f.Cursor = c
		p, err := b.Users(ctx, f)
		if err != nil {
			return nil, "", err
		}
		return p.Users, p.NextCursor, nil
	}, fn)
}

// EachApplicationUser hands fn the users of a, as Application returned it:
// the first page it holds, then the pages after it.
func EachApplicationUser(ctx context.Context, b interface {
	Users(context.Context, UserFilter) (*UserPage, error)
}, a *Application, fn func([]User) error) error {
	if err := fn(a.Users); err != nil || a.UsersNextCursor == "" {
		return err
	}
	return EachUserPage(ctx, b, UserFilter{ApplicationID: a.ID, Cursor: a.UsersNextCursor}, fn)
}

// EachApplicationPage reads every page of the applications f selects.
func EachApplicationPage(ctx context.Context, b interface {
	Applications(context.Context, ApplicationFilter) (*ApplicationPage, error)
}, f ApplicationFilter, fn func([]ApplicationSummary) error) error {
	return Pages(f.Cursor, func(c string) ([]ApplicationSummary, string, error) {
		f.Cursor = c
		p, err := b.Applications(ctx, f)
		if err != nil {
			return nil, "", err
		}
		return p.Applications, p.NextCursor, nil
	}, fn)
}

// EachEventPage reads every page of the history f selects.
func EachEventPage(ctx context.Context, b interface {
	History(context.Context, HistoryFilter) (*EventPage, error)
}, f HistoryFilter, fn func([]Event) error) error {
	return Pages(f.Cursor, func(c string) ([]Event, string, error) {
		f.Cursor = c
		p, err := b.History(ctx, f)
		if err != nil {
			return nil, "", err
		}
		return p.Events, p.NextCursor, nil
	}, fn)
}

// EachMessagePage reads every page of the outbox f selects.
func EachMessagePage(ctx context.Context, b interface {
	Outbox(context.Context, OutboxFilter) (*MessagePage, error)
}, f OutboxFilter, fn func([]Message) error) error {
	return Pages(f.Cursor, func(c string) ([]Message, string, error) {
		f.Cursor = c
		p, err := b.Outbox(ctx, f)
		if err != nil {
			return nil, "", err
		}
		return p.Messages, p.NextCursor, nil
	}, fn)
}

// AllUsers, AllApplications, AllEvents and AllMessages read every page into
// one slice: for lists known to be short, and for tests. A list that grows
// with an organisation is handled a page at a time instead.

func AllUsers(ctx context.Context, b interface {
	Users(context.Context, UserFilter) (*UserPage, error)
}, f UserFilter) ([]User, error) {
	out := []User{}
	err := EachUserPage(ctx, b, f, func(p []User) error { out = append(out, p...); return nil })
	return out, err
}

func AllApplications(ctx context.Context, b interface {
	Applications(context.Context, ApplicationFilter) (*ApplicationPage, error)
}, f ApplicationFilter) ([]ApplicationSummary, error) {
	out := []ApplicationSummary{}
	err := EachApplicationPage(ctx, b, f, func(p []ApplicationSummary) error { out = append(out, p...); return nil })
	return out, err
}

func AllEvents(ctx context.Context, b interface {
	History(context.Context, HistoryFilter) (*EventPage, error)
}, appID int64) ([]Event, error) {
	out := []Event{}
	err := EachEventPage(ctx, b, HistoryFilter{ApplicationID: appID}, func(p []Event) error { out = append(out, p...); return nil })
	return out, err
}

func AllMessages(ctx context.Context, b interface {
	Outbox(context.Context, OutboxFilter) (*MessagePage, error)
}, f OutboxFilter) ([]Message, error) {
	out := []Message{}
	err := EachMessagePage(ctx, b, f, func(p []Message) error { out = append(out, p...); return nil })
	return out, err
}
