package security_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// TestSecretsNotStoredOrLogged: API tokens, invitation tokens and SMS codes
// are kept only as hashes. The one place a secret is in clear is the body
// of an outbox message not yet delivered, since the outbox is how it
// reaches the user; once delivered, the body is the redacted text and no
// secret is left anywhere in the database. The server's log never holds
// one, whatever requests it handled.
func TestSecretsNotStoredOrLogged(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	ctx := context.Background()

	// API tokens of every role, one of them revoked.
	operator := s.token("operator")
	manager := s.token("manager", orgA)
	helpdesk := s.token("helpdesk", orgA)
	revokedSecret, revokedTok, err := s.access.CreateToken(ctx, service.NewToken{Name: "old", Role: "operator"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.access.RevokeToken(ctx, revokedTok.ID); err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{"operator token": operator, "manager token": manager, "helpdesk token": helpdesk, "revoked token": revokedSecret}

	// An application over the API, with an idempotency key: three users
	// are invited.
	_, users := s.application(manager, orgA, s.newUser(true), s.newUser(false), s.newUser(true))
	s.call(manager, "GET", "/v1/whoami", nil, http.Header{"Idempotency-Key": {"whoami-1"}})
	s.call(helpdesk, "GET", "/v1/applications", nil, nil)
	s.call(revokedSecret, "GET", "/v1/whoami", nil, nil)
	invitations := make([]string, len(users))
	for i, u := range users {
		invitations[i] = s.invitation(u)
		secrets["invitation "+u.Email] = invitations[i]
	}

	// User 0 over the API: confirm, a code, a wrong try, the right one,
	// order (employed: issued at once).
	inv0 := "/v1/invitations/" + invitations[0]
	s.mustCall(200, "", "GET", inv0, nil)
	s.mustCall(200, "", "POST", inv0+"/confirm", struct{}{})
	s.mustCall(200, "", "POST", inv0+"/send-code", struct{}{})
	code0 := s.lastCode(users[0])
	secrets["code of user 0"] = code0
	s.mustCall(400, "", "POST", inv0+"/verify", map[string]string{"code": wrongCode(code0)})
	s.mustCall(200, "", "POST", inv0+"/verify", map[string]string{"code": code0})
	s.mustCall(200, "", "POST", inv0+"/order", struct{}{})

	// User 1 on the invitation pages, up to the code page: the code stays
	// unused. The identification request goes out for nobody yet.
	b := s.browser()
	page := "/invite/" + invitations[1]
	_, _, csrf := b.get(page)
	if st := b.post(page+"/confirm", url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
		t.Fatalf("confirm on the page: %d", st)
	}
	_, _, csrf = b.get(page)
	if st := b.post(page+"/send-code", url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
		t.Fatalf("send-code on the page: %d", st)
	}
	code1 := s.lastCode(users[1])
	secrets["code of user 1"] = code1
	_, _, csrf = b.get(page)
	b.post(page+"/verify", url.Values{"csrf": {csrf}, "code": {wrongCode(code1)}})
	// A wrong invitation and a pasted link, on both front doors.
	s.call("", "GET", "/v1/invitations/"+invitations[2]+"x", nil, nil)
	b.get("/invite/" + invitations[2] + "/whatever")

	// Before delivery: each secret sent to a user is in the body of an
	// undelivered message, and nowhere else.
	rows := dump(t, s.path)
	for name, secret := range secrets {
		found := false
		for _, row := range rows {
			if !strings.Contains(row, secret) {
				continue
			}
			if !strings.HasPrefix(row, "outbox: ") || !strings.Contains(row, "state=pending") || !strings.Contains(bodyColumn(row), secret) {
				t.Errorf("%s is stored in clear outside an undelivered message body:\n%s", name, row)
			}
			found = true
		}
		sentToUser := !strings.HasSuffix(name, "token")
		if sentToUser && !found {
			t.Errorf("%s is not in the outbox: the dump missed it, or it was never sent", name)
		}
		if !sentToUser && found {
			t.Errorf("API token %s is in the database", name)
		}
	}

	// Delivery: SMTP for email, the signed SMS and identification
	// webhooks. The receivers check the signatures.
	smtpSrv := notifytest.NewSMTPServer(t)
	mail, err := notify.NewSMTP(smtpSrv.Config("Reconi <noreply@broker.example>"))
	if err != nil {
		t.Fatal(err)
	}
	smsHook := notifytest.NewWebhook(t, "sms-secret")
	sms, err := notify.NewSMSWebhook(smsHook.Config())
	if err != nil {
		t.Fatal(err)
	}
	idHook := notifytest.NewWebhook(t, "id-secret")
	ident, err := notify.NewIdentificationWebhook(idHook.Config())
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.svc.Dispatch(ctx, map[reconi.Channel]notify.Sender{reconi.ChannelEmail: mail, reconi.ChannelSMS: sms,
		reconi.ChannelIdentification: ident}, service.DispatchOptions{Logger: s.logger})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent == 0 || res.Failed+res.Kept+res.Retried != 0 {
		t.Fatalf("dispatch: %+v", res)
	}
	// The secrets did reach their users.
	if got, _ := smsHook.SMS(); len(got) != 2 || !strings.Contains(got[0].Body+got[1].Body, code0) || !strings.Contains(got[0].Body+got[1].Body, code1) {
		t.Errorf("SMS delivered: %+v", got)
	}
	if len(smsHook.Accepted()) != len(smsHook.Requests()) {
		t.Errorf("an SMS webhook request was not signed right: %+v", smsHook.Requests())
	}
	if m := smtpSrv.MailsTo(users[1].Email); len(m) == 0 || !strings.Contains(m[0].Text, invitations[1]) {
		t.Errorf("the invitation mail to %s: %+v", users[1].Email, m)
	}

	// After delivery: no secret anywhere, the bodies redacted.
	rows = dump(t, s.path)
	redacted := 0
	for _, row := range rows {
		for name, secret := range secrets {
			if strings.Contains(row, secret) {
				t.Errorf("after delivery, %s is still stored:\n%s", name, row)
			}
		}
		if b := bodyColumn(row); strings.Contains(b, "[link removed after delivery]") || strings.Contains(b, "[code removed]") {
			redacted++
		}
	}
	if redacted != 3+2 {
		t.Errorf("%d redacted messages, want 3 invitations and 2 codes", redacted)
	}

	// The log: every request, the dispatcher's lines, and not one secret.
	s.ts.Close() // waits for the last request's log line
	logs := s.logs.String()
	if n := strings.Count(logs, `"msg":"request"`); n < 15 {
		t.Fatalf("only %d request lines were logged:\n%s", n, logs)
	}
	if !strings.Contains(logs, `"msg":"sent"`) {
		t.Errorf("the dispatcher logged nothing:\n%s", logs)
	}
	for name, secret := range secrets {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(secret) + `\b`).MatchString(logs) {
			t.Errorf("the log holds %s (%s)", name, secret)
		}
	}
	for _, u := range users {
		// The user's phone number is personal data the log has no use for.
		if strings.Contains(logs, u.Phone) || strings.Contains(logs, strings.TrimPrefix(u.Phone, "+31")) {
			t.Errorf("the log holds the phone number of %s", u.Email)
		}
	}
}

// TestSecretsNotInFileBytes: TestSecretsNotStoredOrLogged reads the
// database through SQL. The file's bytes are another matter: SQLite leaves
// the old text of an updated row in the page's free space (and the WAL)
// until it is overwritten, unless the connection sets PRAGMA secure_delete.
// This test looks at the raw files after delivery and a checkpoint; it is
// skipped, naming the gap, while the store does not set the pragma
// (docs/security.md, finding F2).
func TestSecretsNotInFileBytes(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	manager := s.token("manager", orgA)
	_, users := s.application(manager, orgA, s.newUser(true))
	tok := s.invitation(users[0])
	s.mustCall(200, "", "POST", "/v1/invitations/"+tok+"/confirm", struct{}{})
	s.mustCall(200, "", "POST", "/v1/invitations/"+tok+"/send-code", struct{}{})
	code := s.lastCode(users[0])
	sink := func(context.Context, reconi.Message) error { return nil }
	senders := map[reconi.Channel]notify.Sender{reconi.ChannelEmail: senderFunc(sink), reconi.ChannelSMS: senderFunc(sink)}
	if _, err := s.svc.Dispatch(context.Background(), senders, service.DispatchOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, row := range dump(t, s.path) {
		if strings.Contains(row, tok) || strings.Contains(row, code) {
			t.Fatalf("a secret is in a row after delivery: %s", row)
		}
	}
	checkpoint(t, s.path)
	var held []string
	for _, f := range []string{s.path, s.path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for name, secret := range map[string]string{"the invitation token": tok, "the SMS code": code} {
			if bytes.Contains(b, []byte(secret)) {
				held = append(held, filepath.Base(f)+" holds "+name)
			}
		}
	}
	if len(held) > 0 {
		t.Errorf("redacted secrets remain in the file's bytes: %s", strings.Join(held, "; "))
	}
}

type senderFunc func(context.Context, reconi.Message) error

func (f senderFunc) Send(ctx context.Context, m reconi.Message) error { return f(ctx, m) }

// checkpoint copies the WAL into the database file and empties it.
func checkpoint(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var busy, logged, moved int
	if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved); err != nil || busy != 0 {
		t.Fatalf("checkpoint: %v (busy %d)", err, busy)
	}
}

// wrongCode returns a six-digit code that is not code.
func wrongCode(code string) string {
	n, _ := strconv.Atoi(code)
	return strconv.Itoa(100000 + (n+1)%900000)
}

// bodyColumn returns the body cell of an outbox row of dump.
func bodyColumn(row string) string {
	for cell := range strings.SplitSeq(row, " | ") {
		if v, ok := strings.CutPrefix(cell, "body="); ok {
			return v
		}
	}
	return ""
}
