package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // dates are shown in Europe/Amsterdam, also where the system has no zone data

	"golang.org/x/text/language"
)

// Languages the pages speak; the first is the default.
const (
	langNL = "nl"
	langEN = "en"
)

// langCookie remembers a language chosen with ?lang=.
const langCookie = "reconi_lang"

// langMatcher is made on the first request that names languages, not when
// reconi starts.
var langMatcher = sync.OnceValue(func() language.Matcher {
	return language.NewMatcher([]language.Tag{language.Dutch, language.English})
})

// chooseLang picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then Accept-Language, then Dutch. fromQuery reports that the
// choice came from the query and should be remembered.
func chooseLang(r *http.Request) (lang string, fromQuery bool) {
	if l := normLang(r.URL.Query().Get("lang")); l != "" {
		return l, true
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l := normLang(c.Value); l != "" {
			return l, false
		}
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		tag, _ := language.MatchStrings(langMatcher(), h)
		if base, _ := tag.Base(); base.String() == langEN {
			return langEN, false
		}
	}
	return langNL, false
}

func normLang(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case langNL:
		return langNL
	case langEN:
		return langEN
	}
	return ""
}

// text is one entry of the translation table: a fmt format per language.
type text struct{ nl, en string }

// texts holds every word the pages show, in both languages. Keys are
// grouped by page; the test checks both sides are filled in and take the
// same arguments.
var texts = map[string]text{
	// Every page.
	"site.name":      {"eHerkenning aanvragen", "Request eHerkenning"},
	"lang.switch":    {"English", "Nederlands"},
	"error.prefix":   {"Fout", "Error"},
	"error.heading":  {"Er is iets niet goed gegaan", "Something went wrong"},
	"steps.label":    {"Voortgang", "Progress"},
	"steps.position": {"Stap %d van %d", "Step %d of %d"},
	"steps.1":        {"Gegevens", "Details"},
	"steps.2":        {"Mobiel nummer", "Mobile number"},
	"steps.3":        {"Code", "Code"},
	"steps.4":        {"Bestellen", "Order"},
	"steps.done":     {"(gedaan)", "(done)"},
	"footer":         {"Vragen? Neem contact op met de machtigingenbeheerder van uw organisatie.", "Questions? Contact the authorization manager of your organisation."},

	// The details shown on several pages.
	"field.name":           {"Naam", "Name"},
	"field.email":          {"E-mailadres", "Email address"},
	"field.phone":          {"Mobiel nummer", "Mobile number"},
	"field.birth":          {"Geboortedatum", "Date of birth"},
	"field.org":            {"Organisatie", "Organisation"},
	"field.kvk":            {"KvK-nummer %s", "KvK number %s"},
	"field.branch":         {"Vestiging", "Branch"},
	"field.level":          {"Betrouwbaarheidsniveau", "Assurance level"},
	"field.permissions":    {"Machtigingen", "Permissions"},
	"field.validity":       {"Geldigheid", "Validity"},
	"field.employed":       {"In dienst van de organisatie", "Employed by the organisation"},
	"field.expires":        {"Deze uitnodiging is geldig tot", "This invitation is valid until"},
	"yes":                  {"Ja", "Yes"},
	"no":                   {"Nee", "No"},
	"years.1":              {"1 jaar", "1 year"},
	"years.n":              {"%d jaar", "%d years"},
	"level.EH2":            {"laag", "low"},
	"level.EH2+":           {"laag, met sms of token", "low, with SMS or token"},
	"level.EH3":            {"substantieel", "substantial"},
	"level.EH4":            {"hoog", "high"},
	"perm.none":            {"Nog geen: u kunt nog nergens mee inloggen", "None yet: you cannot log in anywhere yet"},
	"perm.all_services":    {"Alle diensten van alle dienstverleners", "All services of all providers"},
	"perm.providers":       {"Alle diensten van:", "All services of:"},
	"perm.services":        {"Deze diensten:", "These services:"},
	"details.title":        {"Controleer uw gegevens", "Check your details"},
	"details.intro":        {"%s vraagt een eHerkenningsmiddel voor u aan. Kloppen deze gegevens?", "%s is requesting an eHerkenning means for you. Are these details right?"},
	"details.wrong":        {"Klopt er iets niet? Keur dan niet goed, maar vraag uw machtigingenbeheerder de aanvraag aan te passen.", "Is something wrong? Do not approve; ask your authorization manager to change the request."},
	"details.approve":      {"Gegevens goedkeuren", "Approve details"},
	"phone.title":          {"Controleer uw mobiele nummer", "Check your mobile number"},
	"phone.intro":          {"We sturen een sms met een code van 6 cijfers naar dit nummer:", "We will send a text message with a 6-digit code to this number:"},
	"phone.wrong":          {"Is dit niet uw nummer? Vraag uw machtigingenbeheerder het aan te passen.", "Not your number? Ask your authorization manager to change it."},
	"phone.next":           {"Volgende: stuur de code", "Next: send the code"},
	"code.title":           {"Vul de code in", "Enter the code"},
	"code.sent":            {"We hebben om %s een sms met een code van 6 cijfers gestuurd naar %s.", "At %s we sent a text message with a 6-digit code to %s."},
	"code.valid":           {"De code is %s geldig, tot %s.", "The code is valid for %s, until %s."},
	"code.label":           {"Code uit de sms", "Code from the text message"},
	"code.hint":            {"6 cijfers, bijvoorbeeld 123456.", "6 digits, for example 123456."},
	"code.next":            {"Volgende", "Next"},
	"code.resend.intro":    {"Geen sms ontvangen, of is de code verlopen?", "No text message, or has the code expired?"},
	"code.resend":          {"Stuur een nieuwe code", "Send a new code"},
	"summary.title":        {"Controleer en bestel", "Check and order"},
	"summary.intro":        {"Uw mobiele nummer is bevestigd. Dit bestelt u:", "Your mobile number is confirmed. This is what you order:"},
	"summary.employed":     {"U bent in dienst van de organisatie: uw middel wordt meteen na het bestellen uitgegeven.", "You are employed by the organisation: your means is issued right after you order."},
	"summary.identify":     {"U bent niet in dienst van de organisatie: na het bestellen identificeert u zich bij onze partner, op afstand met de app of met een bezoek. Daarna volgt een laatste controle en wordt uw middel uitgegeven.", "You are not employed by the organisation: after ordering you identify yourself with our partner, remotely with the app or in person. A final check follows, then your means is issued."},
	"summary.order":        {"Bestellen", "Order"},
	"done.title":           {"Klaar", "Done"},
	"done.issued.title":    {"Uw eHerkenningsmiddel is uitgegeven", "Your eHerkenning means has been issued"},
	"done.issued":          {"U kunt er nu mee inloggen. U ontvangt ook een bevestiging per e-mail.", "You can log in with it now. You will also receive a confirmation by email."},
	"done.identify.title":  {"Volgende stap: identificatie", "Next: identification"},
	"done.identify":        {"Uw bestelling is ontvangen. Identificeer u binnen %s, uiterlijk op %s, bij onze partner: op afstand met de app, of met een bezoek. U ontvangt hierover een e-mail.", "Your order has been received. Identify yourself with our partner within %s, by %s at the latest: remotely with the app, or in person. You will receive an email about it."},
	"done.identify.doc":    {"Houd een leesbaar identiteitsbewijs bij de hand dat nog minstens een maand geldig is.", "Have a legible identity document at hand that is valid for at least one more month."},
	"done.check.title":     {"Laatste controle", "Final check"},
	"done.check":           {"Uw identificatie is ontvangen. We doen nu een laatste controle; u ontvangt bericht zodra uw middel is uitgegeven, meestal binnen één werkdag.", "Your identification has been received. We are doing a final check; you will be told when your means is issued, normally within one business day."},
	"done.ordered.title":   {"Bestelling ontvangen", "Order received"},
	"done.ordered":         {"Uw bestelling wordt verwerkt. Kom later terug op deze pagina.", "Your order is being processed. Come back to this page later."},
	"done.withdrawn.title": {"Uw eHerkenningsmiddel is ingetrokken", "Your eHerkenning means was withdrawn"},
	"done.withdrawn":       {"Dit middel is op %s ingetrokken door uw machtigingenbeheerder. U kunt er niet meer mee inloggen.", "This means was withdrawn on %s by your authorization manager. You can no longer log in with it."},
	"done.rejected.title":  {"Aanvraag afgewezen", "Request rejected"},
	"done.rejected":        {"Uw aanvraag is afgewezen. Neem contact op met uw machtigingenbeheerder.", "Your request was rejected. Contact your authorization manager."},
	"done.close":           {"U kunt deze pagina sluiten.", "You can close this page."},

	// Errors.
	"err.notfound.title":  {"Deze link werkt niet", "This link does not work"},
	"err.notfound":        {"We kennen deze uitnodiging niet. Controleer of u de hele link uit de e-mail hebt gebruikt.", "We do not know this invitation. Check that you used the whole link from the email."},
	"err.expired.title":   {"Deze uitnodiging is verlopen", "This invitation has expired"},
	"err.expired":         {"De uitnodiging was geldig tot %s. Vraag uw machtigingenbeheerder om een nieuwe.", "The invitation was valid until %s. Ask your authorization manager for a new one."},
	"err.expired.nodate":  {"Vraag uw machtigingenbeheerder om een nieuwe uitnodiging.", "Ask your authorization manager for a new invitation."},
	"err.cancelled.title": {"Deze aanvraag is ingetrokken", "This request was cancelled"},
	"err.cancelled":       {"Uw machtigingenbeheerder heeft de aanvraag ingetrokken. Neem contact met hem of haar op als u vragen heeft.", "Your authorization manager cancelled the request. Contact them if you have questions."},
	"err.conflict.title":  {"De aanvraag is intussen veranderd", "The request changed meanwhile"},
	"err.conflict":        {"Ga terug naar de aanvraag om te zien waar u bent.", "Go back to the request to see where you are."},
	"err.csrf.title":      {"Deze pagina is verlopen", "This page has expired"},
	"err.csrf":            {"Uw keuze is niet verwerkt, want de pagina was te oud of cookies zijn uitgeschakeld. Ga terug naar de aanvraag en probeer het opnieuw. Deze pagina werkt alleen als cookies zijn toegestaan.", "Your choice was not processed because the page was too old or cookies are blocked. Go back to the request and try again. This page needs cookies to be allowed."},
	"err.internal.title":  {"Er ging iets mis bij ons", "Something went wrong on our side"},
	"err.internal":        {"Probeer het over een paar minuten opnieuw. Blijft het misgaan, noem dan deze referentie: %s.", "Try again in a few minutes. If it keeps failing, quote this reference: %s."},
	"err.back":            {"Terug naar de aanvraag", "Back to the request"},
	"err.code.format":     {"Vul de 6 cijfers van de code uit de sms in.", "Enter the 6 digits of the code from the text message."},
	"err.code.wrong.1":    {"De code klopt niet. U kunt het nog 1 keer proberen.", "The code is not right. You have 1 try left."},
	"err.code.wrong.n":    {"De code klopt niet. U kunt het nog %d keer proberen.", "The code is not right. You have %d tries left."},
	"err.code.last":       {"De code klopt niet en dat was de laatste poging. Vraag een nieuwe code aan.", "The code is not right and that was the last try. Request a new code."},
	"err.code.none":       {"Deze code is niet meer geldig. Vraag een nieuwe code aan.", "This code is no longer valid. Request a new code."},
	"err.code.expired":    {"De code is verlopen. Vraag een nieuwe code aan.", "The code has expired. Request a new code."},
	"err.code.wait":       {"We hebben net een code gestuurd. Wacht %s voordat u een nieuwe vraagt.", "We have just sent a code. Wait %s before you ask for a new one."},
	"err.code.hour":       {"U heeft het afgelopen uur te veel codes gevraagd. Probeer het na %s opnieuw.", "You have asked for too many codes in the past hour. Try again after %s."},
	"err.code.limit":      {"U heeft te vaak een code gevraagd. Probeer het later opnieuw.", "You have asked for a code too often. Try again later."},
	"days.1":              {"1 dag", "1 day"},
	"days.n":              {"%d dagen", "%d days"},
	"duration.seconds":    {"%d seconden", "%d seconds"},
	"duration.minutes":    {"%d minuten", "%d minutes"},
	"duration.minute":     {"1 minuut", "1 minute"},
}

// tr looks key up in lang and formats it with args. A missing key is a
// programming error: it returns an error, so a template using it fails (and
// the tests catch it) rather than show a blank.
func tr(lang, key string, args ...any) (string, error) {
	t, ok := texts[key]
	if !ok {
		return "", fmt.Errorf("web: no text %q", key)
	}
	f := t.nl
	if lang == langEN {
		f = t.en
	}
	if len(args) == 0 {
		return f, nil
	}
	return fmt.Sprintf(f, args...), nil
}

// mustTr is tr for Go code, where the keys are constants checked by tests.
func mustTr(lang, key string, args ...any) string {
	s, err := tr(lang, key, args...)
	if err != nil {
		panic(err)
	}
	return s
}

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// zone is the time zone dates and times are shown in: the users are in the
// Netherlands.
var zone = sync.OnceValue(func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.UTC
})

// formatDate writes a date the way each language does: "2 januari 2026",
// "2 January 2026".
func formatDate(lang string, t time.Time) string {
	t = t.In(zone())
	if lang == langEN {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
}

// formatClock writes a time of day, 24-hour, in both languages.
func formatClock(t time.Time) string { return t.In(zone()).Format("15:04") }

// formatWait writes a short duration in words, rounded up.
func formatWait(lang string, d time.Duration) string {
	if d < time.Minute {
		s := int((d + time.Second - 1) / time.Second)
		return mustTr(lang, "duration.seconds", max(s, 1))
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return mustTr(lang, "duration.minute")
	}
	return mustTr(lang, "duration.minutes", m)
}
