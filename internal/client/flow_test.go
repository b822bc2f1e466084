package client_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/client"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

var (
	inviteLink = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)
	smsCode    = regexp.MustCompile(`\b([0-9]{6})\b`)
)

// TestEveryRouteThroughTheClient runs the whole wizard, the user's side and
// the operator's checks through the client, and checks that the client
// called every route the server has, and nothing else: a route without a
// client method, or a client method on a path the server does not serve,
// fails here.
func TestEveryRouteThroughTheClient(t *testing.T) {
	cnt := newCounter()
	e := newEnv(t, cnt.middleware, nil)
	ctx := context.Background()
	op := e.client(e.token("operator"), fast)
	mgr := e.client(e.token("manager", orgA, orgB), fast)
	user := e.client("", fast) // the invitation token is the user's credential
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// The operator keeps the broker's data.
	o, err := op.RegisterOrganization(ctx, reconi.NewOrganization{KVK: orgB, Name: "Org B B.V.", Branches: []string{"000037178598"}})
	must(err)
	if o.KVK != orgB || len(o.Branches) != 1 {
		t.Errorf("registered %+v", o)
	}
	orgs, err := op.Organizations(ctx)
	must(err)
	if len(orgs) != 2 {
		t.Errorf("%d organisations", len(orgs))
	}
	o, err = mgr.Organization(ctx, orgB)
	must(err)
	if o.Name != "Org B B.V." {
		t.Errorf("organisation %+v", o)
	}
	cat, err := service.ParseCatalogue(service.DefaultCatalogue())
	must(err)
	must(op.LoadCatalogue(ctx, *cat))
	svcs, err := mgr.Services(ctx, reconi.ServiceFilter{Level: "EH3"})
	must(err)
	if len(svcs) == 0 {
		t.Error("no services")
	}
	pl, err := op.PriceList(ctx)
	must(err)
	must(op.LoadPriceList(ctx, *pl))
	terms, err := mgr.Terms(ctx)
	must(err)

	// The manager runs the wizard.
	who, err := mgr.Whoami(ctx)
	must(err)
	if who.Role != reconi.RoleManager || len(who.Orgs) != 2 {
		t.Errorf("whoami %+v", who)
	}
	a, err := mgr.CreateDraft(ctx, reconi.NewDraft{KVK: orgA, Level: "EH3"})
	must(err)
	var users []reconi.NewUser
	for _, employed := range []bool{false, false, true, true} {
		in := e.newUser(employed)
		users = append(users, in)
		_, err := mgr.AddUser(ctx, a.ID, in)
		must(err)
	}
	imported := e.newUser(true)
	res, err := mgr.ImportUsers(ctx, a.ID, strings.NewReader("voornaam;achternaam;e-mailadres;mobiel;in dienst\n"+
		imported.FirstName+";"+imported.LastName+";"+imported.Email+";"+imported.Phone+";ja\n"), reconi.ImportOptions{})
	must(err)
	if res.Added != 1 {
		t.Errorf("import %+v", res)
	}
	// A manifest's rows go to the same route as JSON lines; a dry run, so
	// that the draft stays as the rest of the flow expects.
	more := e.newUser(false)
	res, err = mgr.ImportUserRows(ctx, a.ID, func(yield func(reconi.UserRow, error) bool) {
		yield(reconi.UserRow{NewUser: more, Source: "onboarding.yaml:9"}, nil)
	}, reconi.ImportOptions{DryRun: true})
	must(err)
	if res.Rows != 1 || !res.DryRun {
		t.Errorf("import of rows %+v", res)
	}
	must(mgr.RemoveUser(ctx, a.ID, users[3].Email))
	us, err := reconi.AllUsers(ctx, mgr, reconi.UserFilter{ApplicationID: a.ID})
	must(err)
	if len(us) != 4 {
		t.Errorf("%d users, want 4", len(us))
	}
	a, err = mgr.SetPermissions(ctx, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
	must(err)
	if a.Quote.TotalCents == 0 {
		t.Errorf("no quote: %+v", a.Quote)
	}
	a, err = mgr.Submit(ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: terms.Version})
	must(err)
	if a.State != reconi.AppSubmitted {
		t.Fatalf("state %s", a.State)
	}

	// No delivery is configured: the dispatcher keeps the invitations, and
	// the operator queues one again.
	if _, err := e.svc.Dispatch(reconi.WithActor(ctx, reconi.Actor{Name: "t", Role: reconi.RoleLocal}), nil, service.DispatchOptions{}); err != nil {
		t.Fatal(err)
	}
	kept, err := reconi.AllMessages(ctx, op, reconi.OutboxFilter{State: "kept", ApplicationID: a.ID, Limit: 1})
	must(err)
	again, err := op.RetryMessages(ctx, []int64{kept[0].ID})
	must(err)
	if len(again) != 1 || again[0].ID != kept[0].ID || again[0].State != reconi.MessagePending {
		t.Errorf("retry of message %d: %+v", kept[0].ID, again)
	}

	// The users not employed take their steps from the invitation.
	for _, in := range users[:2] {
		msgs, err := reconi.AllMessages(ctx, op, reconi.OutboxFilter{To: in.Email, Channel: "email", ApplicationID: a.ID, Limit: 1})
		must(err)
		if len(msgs) != 1 {
			t.Fatalf("%d invitations for %s", len(msgs), in.Email)
		}
		m, err := op.Message(ctx, msgs[0].ID)
		must(err)
		tok := inviteLink.FindStringSubmatch(m.Body)[1]
		inv, err := user.Invitation(ctx, tok)
		must(err)
		if inv.Next != "confirm" || inv.User.Email != in.Email {
			t.Errorf("invitation %+v", inv)
		}
		_, err = user.ConfirmDetails(ctx, tok)
		must(err)
		_, err = user.SendCode(ctx, tok)
		must(err)
		sms, err := reconi.AllMessages(ctx, op, reconi.OutboxFilter{Channel: "sms", ApplicationID: a.ID})
		must(err)
		code := ""
		for _, m := range sms {
			if m.UserID == inv.User.ID {
				code = smsCode.FindStringSubmatch(m.Body)[1]
			}
		}
		_, err = user.VerifyCode(ctx, tok, code)
		must(err)
		inv, err = user.Order(ctx, tok)
		must(err)
		if inv.User.State != reconi.UserIdentificationPending {
			t.Errorf("after ordering: %s", inv.User.State)
		}
	}

	// The operator records identification and does the final check.
	a, err = mgr.Application(ctx, a.ID)
	must(err)
	id := func(email string) int64 {
		i := slices.IndexFunc(a.Users, func(u reconi.User) bool { return u.Email == email })
		return a.Users[i].ID
	}
	for _, in := range users[:2] {
		u, err := op.CompleteIdentification(ctx, id(in.Email), true, "remote")
		must(err)
		if u.State != reconi.UserFinalCheck {
			t.Errorf("after identification: %s", u.State)
		}
	}
	reviews, err := op.Reviews(ctx)
	must(err)
	if len(reviews) != 2 {
		t.Errorf("%d reviews, want 2", len(reviews))
	}
	u, err := op.Approve(ctx, id(users[0].Email))
	must(err)
	if u.State != reconi.UserIssued {
		t.Errorf("approved: %s", u.State)
	}
	u, err = op.Reject(ctx, id(users[1].Email), "the document did not match")
	must(err)
	if u.State != reconi.UserRejected {
		t.Errorf("rejected: %s", u.State)
	}

	// The helpdesk sends an invitation again; the manager corrects a
	// mobile number.
	desk := e.client(e.token("helpdesk"), fast)
	u, err = desk.ResendInvitation(ctx, a.ID, users[2].Email, true)
	must(err)
	if u.State != reconi.UserInvited || u.Email != users[2].Email {
		t.Errorf("resent: %+v", u)
	}
	u, err = mgr.UpdateUser(ctx, a.ID, users[2].Email, reconi.UserUpdate{Phone: "06 23456789"})
	must(err)
	if u.Phone != "+31623456789" {
		t.Errorf("updated: %+v", u)
	}

	// The manager stops what is left and reads the status.
	a, err = mgr.Cancel(ctx, a.ID, users[2].Email, "left the company")
	must(err)
	apps, err := reconi.AllApplications(ctx, mgr, reconi.ApplicationFilter{KVK: orgA})
	must(err)
	if len(apps) != 1 || apps[0].UsersByState[reconi.UserCancelled] != 1 || apps[0].UsersByState[reconi.UserIssued] != 1 {
		t.Errorf("status %+v", apps)
	}
	ev, err := reconi.AllEvents(ctx, mgr, a.ID)
	must(err)
	if len(ev) < 10 {
		t.Errorf("%d events", len(ev))
	}

	// One person's view: the rejected user, with the reason and deliveries.
	person, err := mgr.Person(ctx, strings.ToUpper(users[1].Email), orgA)
	must(err)
	if len(person.Requests) != 1 || person.Requests[0].User.State != reconi.UserRejected ||
		!strings.HasSuffix(person.Requests[0].Reason, "the document did not match") || len(person.Requests[0].Messages) == 0 {
		t.Errorf("person %+v", person)
	}

	// After issuance: the inventory, one means, and a leaver withdrawn.
	page, err := mgr.ListMeans(ctx, reconi.MeansFilter{KVK: orgA, State: reconi.MeansActive, ExpiringWithin: 4 * 366 * 24 * time.Hour, Limit: 10})
	must(err)
	if len(page.Means) != 1 || page.Means[0].Email != users[0].Email || page.NextCursor != "" {
		t.Fatalf("means %+v", page)
	}
	shown, err := mgr.ShowMeans(ctx, users[0].Email, orgA)
	must(err)
	if len(shown) != 1 || len(shown[0].History) == 0 {
		t.Errorf("show %+v", shown)
	}
	rn, err := mgr.CreateRenewal(ctx, reconi.NewRenewal{KVK: orgA, Means: []string{users[0].Email}, ValidityYears: 1})
	must(err)
	if rn.Kind != reconi.AppKindRenewal || len(rn.Means) != 1 || rn.Means[0].Email != users[0].Email {
		t.Errorf("renewal %+v", rn)
	}
	ch, err := mgr.CreateGrant(ctx, reconi.NewGrant{KVK: orgA, Emails: []string{users[0].Email}, Providers: []string{"RVO"}, ValidityYears: 1})
	must(err)
	if ch.Kind != reconi.AppKindChange || len(ch.Means) != 1 || ch.Quote.TotalCents == 0 {
		t.Errorf("change %+v", ch)
	}
	pw, err := mgr.WithdrawPermissions(ctx, reconi.PermissionWithdrawal{KVK: orgA, Emails: []string{users[0].Email}, All: true, Reason: "changed role", DryRun: true})
	must(err)
	if !pw.DryRun || len(pw.Withdrawn) == 0 {
		t.Errorf("withdraw permissions %+v", pw)
	}
	lk, err := mgr.Links(ctx, reconi.LinkQuery{KVK: orgA, Level: "EH3", People: []reconi.LinkPerson{{Email: users[0].Email, Phone: users[0].Phone}}})
	must(err)
	if len(lk) != 0 {
		t.Errorf("links within the organisation that holds the means: %+v", lk)
	}
	wd, err := mgr.WithdrawMeans(ctx, reconi.Withdrawal{KVK: orgA, Emails: []string{users[0].Email}, Reason: "left the company"})
	must(err)
	if len(wd.Withdrawn) != 1 || wd.Withdrawn[0].State != reconi.MeansWithdrawn {
		t.Errorf("withdraw %+v", wd)
	}

	// A draft started by mistake is discarded.
	mistake, err := mgr.CreateDraft(ctx, reconi.NewDraft{KVK: orgA, Level: "EH3"})
	must(err)
	discarded, err := mgr.DiscardDraft(ctx, mistake.ID, "started by mistake")
	must(err)
	if discarded.State != reconi.AppDiscarded {
		t.Errorf("discarded: %s", discarded.State)
	}

	// Every route was called, and every call was a route.
	mux := http.NewServeMux()
	for _, r := range e.api.Routes() {
		mux.HandleFunc(r.Method+" "+r.Path, func(http.ResponseWriter, *http.Request) {})
	}
	called := map[string]bool{}
	for _, r := range cnt.seen {
		_, pattern := mux.Handler(r)
		if pattern == "" {
			t.Errorf("the client sent %s %s, which is no route", r.Method, r.URL.Path)
		}
		called[pattern] = true
	}
	for _, r := range e.api.Routes() {
		if !called[r.Method+" "+r.Path] {
			t.Errorf("%s %s was not called through the client", r.Method, r.Path)
		}
	}
	if c, _ := client.New(e.url, "", client.Options{}); !strings.Contains(c.String(), e.url) {
		t.Errorf("String() = %q", c.String())
	}
}
