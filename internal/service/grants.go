package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Changing the permissions of issued means. A grant is a draft of kind
// change: a line per means, quoted per permission per means at the extra-
// permission prices of its level, checked with step 9's rules against each
// means' level and branch, and effective on submit. A withdrawal of
// permissions is immediate and free.

// CreateGrant starts a change draft.
func (s *Service) CreateGrant(ctx context.Context, in reconi.NewGrant) (*reconi.Application, error) {
	kvk, err := checkMeansRequest(ctx, in, in.KVK, in.ValidityYears)
	if err != nil {
		return nil, err
	}
	if len(in.Emails) == 0 {
		return nil, reconi.Invalid("emails", "none given: name the users whose means gain the permissions")
	}
	perm := reconi.PermissionsInput{Direct: true, AllServices: in.AllServices, Providers: in.Providers, Services: in.Services,
		ValidityYears: in.ValidityYears}
	now := s.now().UTC()
	var id int64
	var warnings []string
	err = s.update(ctx, func(tx store.Tx) error {
		org, err := s.org(tx, kvk)
		if err != nil {
			return err
		}
		ms, err := namedMeans(tx, kvk, in.Emails, now)
		if err != nil {
			return err
		}
		if err := activeOnly(ms, now); err != nil {
			return err
		}
		cat, err := tx.Catalogue()
		if err != nil {
			return err
		}
		lines := make([]reconi.AppMeans, len(ms))
		for i, m := range ms {
			lines[i] = reconi.AppMeans{MeansID: m.ID, Email: m.Email, Level: m.Level, State: m.State, ExpiresAt: m.ExpiresAt}
		}
		p, w, err := resolveGrant(tx, perm, lines, cat)
		if err != nil {
			return err
		}
		warnings = append(w, heldAlready(ms, p, cat, now.AddDate(in.ValidityYears, 0, 0))...)
		a := &reconi.Application{State: reconi.AppDraft, Kind: reconi.AppKindChange,
			Organization: reconi.OrgRef{KVK: org.KVK, Name: org.Name}, Level: highestLevel(ms),
			ValidityYears: in.ValidityYears, CreatedBy: actorName(ctx), CreatedAt: now}
		if err := tx.InsertApplication(a); err != nil {
			return err
		}
		id = a.ID
		a.Permissions = p
		if err := tx.UpdateApplication(a); err != nil {
			return err
		}
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, To: string(reconi.AppDraft), Actor: a.CreatedBy,
			Reason: fmt.Sprintf("permission change started: %s for %s, valid %s", p, countNoun(len(ms), "means", "means"),
				reconi.Years(a.ValidityYears)), At: now}); err != nil {
			return err
		}
		return addMeansLines(ctx, tx, a, ms, "added to gain permissions: means %d (ends %s)", now)
	})
	if err != nil {
		return nil, err
	}
	a, err := s.Application(ctx, id)
	if a != nil {
		a.Warnings = warnings
	}
	return a, err
}

// activeOnly refuses means that are not active: permissions are granted to
// a means that can be used; an expired one is renewed first.
func activeOnly(ms []reconi.Means, now time.Time) error {
	var rows []reconi.RowError
	for i, m := range ms {
		if st := m.StateAt(now); st != reconi.MeansActive {
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "email", Value: m.Email,
				Message: fmt.Sprintf("means %d is %s (it ended %s): renew it first with reconi means renew", m.ID, st, m.ExpiresAt.Format("2006-01-02"))})
		}
	}
	return rowsError("nothing was started: %s", rows)
}

// resolveGrant checks the permissions asked for against each line's means
// exactly as step 9 checks a draft's (resolvePermissions), with the
// means' level and the branch of the application that issued it. It
// returns the permissions as the catalogue spells them, and the advice,
// each once; a means they do not fit is a row problem.
func resolveGrant(tx store.Tx, in reconi.PermissionsInput, lines []reconi.AppMeans, cat *reconi.Catalogue) (*reconi.Permissions, []string, error) {
	var p *reconi.Permissions
	var warnings []string
	var rows []reconi.RowError
	for i, l := range lines {
		m, err := tx.MeansByID(l.MeansID)
		if err != nil {
			return nil, nil, err
		}
		if m == nil {
			return nil, nil, fmt.Errorf("means %d is missing", l.MeansID)
		}
		issuing, err := tx.Application(m.ApplicationID)
		if err != nil {
			return nil, nil, err
		}
		as := &reconi.Application{ID: m.ApplicationID, Level: m.Level}
		if issuing != nil {
			as.Branch = issuing.Branch
		}
		got, w, err := resolvePermissions(in, as, cat)
		if err != nil {
			if reconi.ErrorKind(err) != reconi.KindInvalid {
				return nil, nil, err
			}
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "email", Value: l.Email,
				Message: fmt.Sprintf("%s, means %d (%s%s): %s", l.Email, m.ID, m.Level, branchNote(as.Branch), reconi.ErrorMessage(err))})
			continue
		}
		p = got
		for _, x := range w {
			if !slices.Contains(warnings, x) {
				warnings = append(warnings, x)
			}
		}
	}
	if err := rowsError("nothing was granted: %s", rows); err != nil {
		return nil, nil, err
	}
	return p, warnings, nil
}

// heldAlready warns about each means that holds everything p grants
// already, until until or later (all services cover every provider and
// service, a provider its services): the grant would charge extra
// permissions for nothing it does not have.
func heldAlready(ms []reconi.Means, p *reconi.Permissions, cat *reconi.Catalogue, until time.Time) []string {
	if p == nil || !p.Direct {
		return nil
	}
	provider := map[reconi.ServiceID]string{}
	for _, s := range cat.Services {
		provider[s.ID] = s.Provider
	}
	var out []string
	for _, m := range ms {
		covered := func(prov string, svc reconi.ServiceID) bool {
			for _, h := range m.Permissions {
				switch {
				case h.ExpiresAt.Before(until):
				case h.Scope == reconi.ScopeAllServices:
					return true
				case h.Scope == reconi.ScopeProviders && prov != "" && strings.EqualFold(h.Provider, prov):
					return true
				case h.Scope == reconi.ScopeServices && svc != "" && h.Service == svc:
					return true
				}
			}
			return false
		}
		all := false
		switch p.Scope {
		case reconi.ScopeAllServices:
			all = covered("", "")
		case reconi.ScopeProviders:
			all = len(p.Providers) > 0
			for _, pr := range p.Providers {
				all = all && covered(pr, "")
			}
		case reconi.ScopeServices:
			all = len(p.Services) > 0
			for _, id := range p.Services {
				all = all && covered(provider[id], id)
			}
		}
		if all {
			out = append(out, fmt.Sprintf("%s (means %d) already holds %s until %s or later: this grant charges for nothing new there",
				m.Email, m.ID, p, until.Format("2006-01-02")))
		}
	}
	return out
}

func branchNote(b reconi.BranchNumber) string {
	if b == "" {
		return ""
	}
	return ", restricted to branch " + string(b)
}

// grantQuote prices a change: each line's means gains the draft's
// permissions, each an extra permission at the means' level.
func grantQuote(pl *reconi.PriceList, a *reconi.Application, lines []reconi.AppMeans) (reconi.Quote, error) {
	items := make([]reconi.GrantItem, len(lines))
	for i, l := range lines {
		items[i] = reconi.GrantItem{Level: l.Level, Permissions: int64(a.Permissions.Count())}
	}
	return pl.QuoteGrant(a.ValidityYears, items)
}

// checkGrant checks, at submit, that every means still takes the
// permissions: active, and within step 9's rules against the catalogue as
// it is now.
func (s *Service) checkGrant(tx store.Tx, a *reconi.Application, lines []reconi.AppMeans) error {
	var rows []reconi.RowError
	for i, l := range lines {
		if l.State != reconi.MeansActive {
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "email", Value: l.Email,
				Message: fmt.Sprintf("means %d is %s: renew it first, or take it off with reconi users remove %s --draft %d", l.MeansID, l.State, l.Email, a.ID)})
		}
	}
	if err := rowsError("nothing was submitted: %s", rows); err != nil {
		return err
	}
	cat, err := tx.Catalogue()
	if err != nil {
		return err
	}
	check := reconi.PermissionsInput{Direct: true, AllServices: a.Permissions.Scope == reconi.ScopeAllServices,
		Providers: a.Permissions.Providers, ValidityYears: a.ValidityYears}
	for _, id := range a.Permissions.Services {
		check.Services = append(check.Services, string(id))
	}
	_, _, err = resolveGrant(tx, check, lines, cat)
	return err
}

// applyGrant gives each line's means the permissions, ending validity
// years from now, and tells the users and the manager.
func (s *Service) applyGrant(tx store.Tx, a *reconi.Application, lines []reconi.AppMeans, actor string, now time.Time) error {
	until := now.AddDate(a.ValidityYears, 0, 0)
	ps := reconi.MeansPermissions(a.Permissions, until)
	why := fmt.Sprintf("permissions granted: %s, until %s", a.Permissions, until.Format("2006-01-02"))
	for _, l := range lines {
		m, err := tx.MeansByID(l.MeansID)
		if err != nil {
			return err
		}
		if err := tx.GrantMeansPermissions(l.MeansID, ps); err != nil {
			return err
		}
		u, err := tx.User(l.UserID)
		if err != nil {
			return err
		}
		if err := s.move(tx, u, reconi.UserIssued, time.Time{}, actor, fmt.Sprintf("%s (means %d)", why, l.MeansID), now); err != nil {
			return err
		}
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, UserID: m.UserID, Email: m.Email, From: string(reconi.MeansActive),
			To: string(reconi.MeansActive), Actor: actor, Reason: fmt.Sprintf("%s, by application %d", why, a.ID), At: now}); err != nil {
			return err
		}
		if err := s.enqueue(tx, permissionsEmail(a.ID, u.ID, m, "granted", a.Permissions.String(), until), now); err != nil {
			return err
		}
	}
	if a.NotifyEmail == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Permission change %d for %s (%s) was submitted by %s: %s, until %s; total %s (VAT included).\n\n",
		a.ID, a.Organization.Name, a.Organization.KVK, actor, a.Permissions, until.Format("2006-01-02"), reconi.FormatCents(a.Quote.TotalCents))
	for _, l := range lines {
		fmt.Fprintf(&b, "  %s %s <%s>, %s, means %d\n", l.FirstName, l.LastName, l.Email, l.Level, l.MeansID)
	}
	fmt.Fprintf(&b, "\nSee them with: reconi means list --org %s\n", a.Organization.KVK)
	return s.enqueue(tx, msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("Permissions granted: change %d for %s", a.ID, a.Organization.Name),
		b.String(), b.String(), a.ID, 0), now)
}

// WithdrawPermissions takes permissions off the issued means of users of
// one organisation, at once and free, all or none, and tells each user and
// the manager.
func (s *Service) WithdrawPermissions(ctx context.Context, in reconi.PermissionWithdrawal) (*reconi.PermissionWithdrawResult, error) {
	if err := reconi.CheckTexts("", in); err != nil {
		return nil, err
	}
	kvk, err := reconi.ParseKVK(in.KVK)
	if err != nil {
		return nil, err
	}
	if err := authorizeManage(ctx, kvk); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, reconi.Invalid("reason", "is empty: say why the permissions are withdrawn (it is kept in the history)")
	}
	kinds := 0
	for _, set := range []bool{in.All, len(in.Providers) > 0, len(in.Services) > 0} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, reconi.Invalid("permissions", "choose one of all, providers or services")
	}
	if len(in.Emails) == 0 {
		return nil, reconi.Invalid("emails", "none given: name the users whose permissions to withdraw")
	}
	now := s.now().UTC()
	res := &reconi.PermissionWithdrawResult{DryRun: in.DryRun}
	run := s.store.Update
	if in.DryRun {
		run = s.store.View
	}
	err = run(ctx, func(tx store.Tx) error {
		*res = reconi.PermissionWithdrawResult{Withdrawn: []reconi.WithdrawnPermission{}, Means: []reconi.Means{}, DryRun: in.DryRun}
		ms, err := namedMeans(tx, kvk, in.Emails, now)
		if err != nil {
			return err
		}
		cat, err := tx.Catalogue()
		if err != nil {
			return err
		}
		match, err := permissionMatcher(in, cat)
		if err != nil {
			return err
		}
		var rows []reconi.RowError
		for i, m := range ms {
			var gone, kept []reconi.MeansPermission
			for _, p := range m.Permissions {
				if match(p) {
					gone = append(gone, p)
				} else {
					kept = append(kept, p)
				}
			}
			if len(gone) == 0 {
				holds := "none"
				if len(m.Permissions) > 0 {
					var names []string
					for _, p := range m.Permissions {
						names = append(names, p.String())
					}
					holds = strings.Join(names, ", ")
				}
				rows = append(rows, reconi.RowError{Line: i + 1, Field: "email", Value: m.Email,
					Message: fmt.Sprintf("means %d holds no such permission (it holds: %s)", m.ID, holds)})
				continue
			}
			for _, p := range gone {
				res.Withdrawn = append(res.Withdrawn, reconi.WithdrawnPermission{MeansID: m.ID, Email: m.Email, MeansPermission: p})
			}
			m.Permissions = kept
			if m.Permissions == nil {
				m.Permissions = []reconi.MeansPermission{}
			}
			res.Means = append(res.Means, m)
		}
		if err := rowsError("no permission was withdrawn: %s", rows); err != nil || in.DryRun {
			return err
		}
		return s.withdrawPermissions(tx, res, actorName(ctx), reason, now)
	})
	if err != nil {
		return nil, wrap(err)
	}
	return res, nil
}

// permissionMatcher says which permissions of a means a withdrawal takes:
// all; those of the providers named (spelt as the catalogue spells them),
// their services included; or the services named.
func permissionMatcher(in reconi.PermissionWithdrawal, cat *reconi.Catalogue) (func(reconi.MeansPermission) bool, error) {
	if in.All {
		return func(reconi.MeansPermission) bool { return true }, nil
	}
	if len(in.Providers) > 0 {
		provs := map[string]bool{}
		for _, name := range in.Providers {
			p, err := findProvider(cat, name)
			if err != nil {
				return nil, err
			}
			provs[p.Name] = true
		}
		svcs := map[reconi.ServiceID]bool{}
		for _, svc := range cat.Services {
			if provs[svc.Provider] {
				svcs[svc.ID] = true
			}
		}
		return func(p reconi.MeansPermission) bool {
			return (p.Scope == reconi.ScopeProviders && provs[p.Provider]) || (p.Scope == reconi.ScopeServices && svcs[p.Service])
		}, nil
	}
	ids := map[reconi.ServiceID]bool{}
	for _, raw := range in.Services {
		id, err := reconi.ParseServiceID(strings.TrimSpace(raw))
		if err != nil {
			return nil, err
		}
		ids[id] = true
	}
	return func(p reconi.MeansPermission) bool { return p.Scope == reconi.ScopeServices && ids[p.Service] }, nil
}

// withdrawPermissions takes the permissions of res off their means,
// records it in each user's history and queues the emails.
func (s *Service) withdrawPermissions(tx store.Tx, res *reconi.PermissionWithdrawResult, actor, reason string, now time.Time) error {
	byMeans := map[int64][]reconi.MeansPermission{}
	for _, w := range res.Withdrawn {
		byMeans[w.MeansID] = append(byMeans[w.MeansID], w.MeansPermission)
	}
	byApp := map[int64][]reconi.Means{}
	for _, m := range res.Means {
		gone := byMeans[m.ID]
		if err := tx.DeleteMeansPermissions(m.ID, gone); err != nil {
			return err
		}
		names := make([]string, len(gone))
		for i, p := range gone {
			names[i] = p.String()
		}
		what := strings.Join(names, ", ")
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: m.ApplicationID, UserID: m.UserID, Email: m.Email,
			From: string(m.StateAt(now)), To: string(m.StateAt(now)), Actor: actor,
			Reason: fmt.Sprintf("permissions withdrawn: %s; %s", what, reason), At: now}); err != nil {
			return err
		}
		if err := s.enqueue(tx, permissionsEmail(m.ApplicationID, m.UserID, &m, "withdrawn", what, time.Time{}), now); err != nil {
			return err
		}
		byApp[m.ApplicationID] = append(byApp[m.ApplicationID], m)
	}
	return s.tellManagers(tx, byApp, now, func(a *reconi.Application, ms []reconi.Means) store.Message {
		var b strings.Builder
		fmt.Fprintf(&b, "%s withdrew permissions of %s of application %d for %s (%s) on %s.\nReason: %s\n\n",
			actor, countNoun(len(ms), "means", "means"), a.ID, a.Organization.Name, a.Organization.KVK, now.Format("2006-01-02 15:04 MST"), reason)
		for _, m := range ms {
			names := make([]string, len(byMeans[m.ID]))
			for i, p := range byMeans[m.ID] {
				names[i] = p.String()
			}
			fmt.Fprintf(&b, "  %s %s <%s>: %s\n", m.FirstName, m.LastName, m.Email, strings.Join(names, ", "))
		}
		fmt.Fprintf(&b, "\nSee them with: reconi means list --org %s\n", a.Organization.KVK)
		return msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("Permissions withdrawn for %s", a.Organization.Name), b.String(), b.String(), a.ID, 0)
	})
}

// permissionsEmail tells a user that permissions were granted (until a
// day) or withdrawn.
func permissionsEmail(appID, userID int64, m *reconi.Means, verb, what string, until time.Time) store.Message {
	nl, tail := "ingetrokken", ""
	if verb == "granted" {
		nl, tail = "toegekend", fmt.Sprintf(", until %s", until.Format("2006-01-02"))
	}
	body := fmt.Sprintf(`Beste %s,

Voor uw eHerkenningsmiddel voor %s zijn machtigingen %s: %s.

Dear %s,

Permissions of your eHerkenning means for %s were %s: %s%s.
`, m.FirstName, m.Organization.Name, nl, what, m.FirstName, m.Organization.Name, verb, what, tail)
	return msg(reconi.ChannelEmail, m.Email, fmt.Sprintf("Uw machtigingen zijn %s / Your permissions were %s", nl, verb), body, body, appID, userID)
}
