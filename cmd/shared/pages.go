package shared

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
)

// AllUsers completes a.Users, the first page as Application returns it,
// with the pages after it. It is for the commands that need every user at
// once and whose lists stay small (a draft's summary, a cancel's
// confirmation); long lists are printed a page at a time instead.
func AllUsers(ctx context.Context, b reconi.Backend, a *reconi.Application) error {
	if a.UsersNextCursor == "" {
		return nil
	}
	users := a.Users
	err := reconi.EachUserPage(ctx, b, reconi.UserFilter{ApplicationID: a.ID, Cursor: a.UsersNextCursor}, func(us []reconi.User) error {
		users = append(users, us...)
		return nil
	})
	if err != nil {
		return err
	}
	a.Users, a.UsersNextCursor = users, ""
	return nil
}
