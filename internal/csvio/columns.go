package csvio

import (
	"strings"
	"unicode"
)

// Canonical column names: what Template and Writer write, and what the Row
// struct tags say.
const (
	colFirstName      = "first_name"
	colLastNamePrefix = "last_name_prefix"
	colLastName       = "last_name"
	colEmail          = "email"
	colPhone          = "phone"
	colDateOfBirth    = "date_of_birth"
	colEmployed       = "employed"
)

// Column describes one column the reader understands.
type Column struct {
	// Name is the canonical name, as Template and Writer write it.
	Name string
	// Aliases are the other header names accepted for the column, as people
	// write them; see Columns for how headers are compared.
	Aliases []string
	// Required columns must be in the header; their cells may still be
	// empty, which the backend then reports per row.
	Required bool
	// Description says in a few words what goes in the column.
	Description string
}

// Columns lists the columns the reader understands, in the order Writer
// writes them (last_name_prefix, which Writer never writes, sits before
// last_name as in a Dutch export).
//
// A header cell matches a column when, ignoring case, surrounding whitespace,
// a byte order mark and the characters space, '_', '-', '.' and '*', it
// equals the canonical name or one of the aliases. So "First Name",
// "firstname", "FIRST-NAME" and "first_name" all match first_name, and
// "E-mailadres", "e-mail" and "Geb. datum" match too.
//
// The aliases, canonical name first:
//
//	first_name        first name, given name, forename, voornaam
//	last_name_prefix  tussenvoegsel, tussenvoegsels, voorvoegsel, voorvoegsels,
//	                  surname prefix (optional; joined before the last name:
//	                  "van der" + "Berg" is "van der Berg")
//	last_name         last name, surname, family name, achternaam, familienaam,
//	                  geslachtsnaam, naam
//	email             e-mail, email address, e-mailadres, emailadres, mail,
//	                  mailadres
//	phone             phone number, mobile, mobile number, mobile phone, telefoon,
//	                  telefoonnummer, mobiel, mobielnummer, mobiel nummer,
//	                  mobiele nummer, mobiel telefoonnummer, 06-nummer, gsm, tel.
//	date_of_birth     date of birth, birth date, dob, geboortedatum, geb. datum
//	                  (optional)
//	employed          in dienst, dienstverband, medewerker in dienst,
//	                  in loondienst
//
// The result is a fresh copy; callers may change it.
func Columns() []Column {
	cols := columnDefs()
	for i := range cols {
		cols[i].Aliases = append([]string(nil), cols[i].Aliases...)
	}
	return cols
}

// columnDefs is the table behind Columns. It is a function, not a package
// variable, so that no caller can change what every reader accepts.
func columnDefs() []Column {
	return []Column{
		{Name: colFirstName, Required: true,
			Description: "first name (voornaam)",
			Aliases:     []string{"first name", "given name", "forename", "voornaam"}},
		{Name: colLastNamePrefix,
			Description: `prefix of the last name (tussenvoegsel), like "van der"; joined before last_name`,
			Aliases:     []string{"tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "surname prefix"}},
		{Name: colLastName, Required: true,
			Description: "last name (achternaam)",
			Aliases:     []string{"last name", "surname", "family name", "achternaam", "familienaam", "geslachtsnaam", "naam"}},
		{Name: colEmail, Required: true,
			Description: "email address the invitation goes to",
			Aliases:     []string{"e-mail", "email address", "e-mailadres", "emailadres", "mail", "mailadres"}},
		{Name: colPhone, Required: true,
			Description: "mobile number the SMS code goes to, like 06 12345678 or +31612345678",
			Aliases: []string{"phone number", "mobile", "mobile number", "mobile phone", "telefoon", "telefoonnummer",
				"mobiel", "mobielnummer", "mobiel nummer", "mobiele nummer", "mobiel telefoonnummer", "06-nummer", "gsm", "tel."}},
		{Name: colDateOfBirth,
			Description: "date of birth, YYYY-MM-DD or DD-MM-YYYY",
			Aliases:     []string{"date of birth", "birth date", "dob", "geboortedatum", "geb. datum"}},
		{Name: colEmployed, Required: true,
			Description: "employed by the organisation: true/false, yes/no, ja/nee or 1/0",
			Aliases:     []string{"in dienst", "dienstverband", "medewerker in dienst", "in loondienst"}},
	}
}

// normalizeHeader reduces a header cell to the form aliases are compared in.
// Spreadsheets and people vary case, spacing and punctuation freely, and a
// byte order mark or a zero-width space can cling to the first cell.
func normalizeHeader(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '.', r == '*',
			r == '\uFEFF', r == '\u200B', r == '\u200C', r == '\u200D':
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// aliasIndex maps every normalised name to the canonical column name.
func aliasIndex(cols []Column) map[string]string {
	idx := make(map[string]string)
	for _, c := range cols {
		idx[normalizeHeader(c.Name)] = c.Name
		for _, a := range c.Aliases {
			idx[normalizeHeader(a)] = c.Name
		}
	}
	return idx
}
