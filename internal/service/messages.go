package service

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// The texts of reconi's emails and SMS. Emails are in Dutch and English,
// since the user may read either. Secrets (links, codes) appear only in
// Body; Redacted is what is kept once a message is delivered.

const redactedLink = "[link removed after delivery]"

func msg(ch reconi.Channel, to, subject, body, redacted string, appID, userID int64) store.Message {
	return store.Message{Message: reconi.Message{Channel: ch, To: to, Subject: subject, Body: body,
		ApplicationID: appID, UserID: userID}, Redacted: redacted}
}

func invitationEmail(a *reconi.Application, u reconi.User, link string, expires time.Time) store.Message {
	body := func(l string) string {
		return fmt.Sprintf(`Beste %s,

%s vraagt een eHerkenningsmiddel %s voor u aan. Controleer uw gegevens en bestel het middel via
deze link (geldig tot %s):

%s

Dear %s,

%s is requesting an eHerkenning means (%s) for you. Check your details and order the means with
the link above (valid until %s).
`, u.FirstName, a.Organization.Name, a.Level, expires.Format("02-01-2006"), l,
			u.FirstName, a.Organization.Name, a.Level, expires.Format("2006-01-02"))
	}
	return msg(reconi.ChannelEmail, u.Email, "Uw eHerkenning aanvraag / Your eHerkenning request",
		body(link), body(redactedLink), a.ID, u.ID)
}

func receiptEmail(a *reconi.Application, users int) store.Message {
	body := fmt.Sprintf(`Application %d for %s (%s) was submitted.

Level: %s
Users invited: %d
Permissions: %s, valid %s
Total: %s (VAT included)
Conditions agreed: version %s, by %s

Follow it with: reconi status %d
`, a.ID, a.Organization.Name, a.Organization.KVK, a.Level, users, a.Permissions, reconi.Years(a.ValidityYears),
		reconi.FormatCents(a.Quote.TotalCents), a.Terms.Version, a.Terms.AgreedBy, a.ID)
	return msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("Receipt: application %d for %s", a.ID, a.Organization.Name),
		body, body, a.ID, 0)
}

func codeSMS(u *reconi.User, code string, ttl time.Duration) store.Message {
	text := func(c string) string {
		return fmt.Sprintf("Uw eHerkenning code is %s (%d min geldig). Your eHerkenning code is %s.", c, int(ttl.Minutes()), c)
	}
	return msg(reconi.ChannelSMS, u.Phone, "", text(code), text("[code removed]"), u.ApplicationID, u.ID)
}

// IdentificationRequest is the body of a request to the identification
// partner.
type IdentificationRequest struct {
	Reference   string    `json:"reference"`
	FirstName   string    `json:"first_name"`
	LastName    string    `json:"last_name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	DateOfBirth string    `json:"date_of_birth,omitempty"`
	KVK         string    `json:"kvk"`
	Level       string    `json:"level"`
	Deadline    time.Time `json:"deadline"`
}

func identificationRequest(u *reconi.User, a *reconi.Application, ref string, deadline time.Time) store.Message {
	b, _ := json.Marshal(IdentificationRequest{Reference: ref, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email,
		Phone: u.Phone, DateOfBirth: string(u.DateOfBirth), KVK: string(a.Organization.KVK), Level: string(a.Level), Deadline: deadline})
	return msg(reconi.ChannelIdentification, u.Email, "identification "+ref, string(b), string(b), a.ID, u.ID)
}

func identificationEmail(u *reconi.User, a *reconi.Application, deadline time.Time) store.Message {
	body := fmt.Sprintf(`Beste %s,

Omdat u niet in dienst bent van %s, identificeert u zich eerst bij onze partner: op afstand met de app,
of met een bezoek. Houd een geldig identiteitsbewijs bij de hand (nog minstens een maand geldig). U heeft
tot %s. Daarna volgt een laatste controle; u ontvangt bericht zodra uw middel is uitgegeven.

Dear %s,

As you are not employed by %s, please identify yourself with our partner first: remotely with the app,
or in person. Have a legible identity document at hand that is valid for at least one more month. You
have until %s. A final check follows; you are told when your means is issued.
`, u.FirstName, a.Organization.Name, deadline.Format("02-01-2006"), u.FirstName, a.Organization.Name, deadline.Format("2006-01-02"))
	return msg(reconi.ChannelEmail, u.Email, "Identificatie nodig / Identification needed", body, body, a.ID, u.ID)
}

func issuedEmail(u *reconi.User, a *reconi.Application) store.Message {
	body := fmt.Sprintf(`Beste %s,

Uw eHerkenningsmiddel %s voor %s is uitgegeven. U kunt er nu mee inloggen.

Dear %s,

Your eHerkenning means (%s) for %s has been issued. You can log in with it now.
`, u.FirstName, a.Level, a.Organization.Name, u.FirstName, a.Level, a.Organization.Name)
	return msg(reconi.ChannelEmail, u.Email, "Uw eHerkenning is uitgegeven / Your eHerkenning was issued", body, body, a.ID, u.ID)
}

func managerEmail(a *reconi.Application, u *reconi.User, outcome, reason string) store.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "The request of %s %s (%s) in application %d for %s was %s.\n", u.FirstName, u.LastName, u.Email, a.ID, a.Organization.Name, outcome)
	if reason != "" {
		fmt.Fprintf(&b, "Reason: %s\n", reason)
	}
	fmt.Fprintf(&b, "\nFollow the application with: reconi status %d\n", a.ID)
	return msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("%s %s: %s", u.FirstName, u.LastName, outcome), b.String(), b.String(), a.ID, u.ID)
}
