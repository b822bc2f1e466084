// Package usersgen writes the users CSV files reconi's benchmarks import:
// deterministic, so every run and every machine measures the same bytes;
// every row valid, with distinct email addresses and Dutch mobile numbers
// written the ways people write them.
package usersgen

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// Header is the first line of every generated file.
const Header = "first_name,last_name,email,phone,date_of_birth,employed"

// MaxRows is how many rows Write can make before phone numbers repeat.
const MaxRows = 10_000_000

var (
	firstNames = []string{"Jan", "Sanne", "Pieter", "Emma", "Daan", "Julia", "Lucas", "Sophie", "Sem", "Tess",
		"Bram", "Fleur", "Thijs", "Lotte", "Ruben", "Anouk", "Jesse", "Femke", "Milan", "Noor", "Joëlle", "Chloé"}
	lastNames = []string{"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
		"Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "van Leeuwen", "Brouwer"}
	domains  = []string{"example.nl", "example.com", "voorbeeld.nl", "bedrijf.example"}
	employed = []string{"true", "false", "ja", "nee", "1", "0", "yes", "no"}
	// Mobile numbers in the Netherlands are 06 followed by 1-5 or 8 and seven
	// digits (libphonenumber's NL metadata); 066 is a pager range, 067 and 069
	// are not mobile.
	mobilePrefixes = []byte{'1', '2', '3', '4', '5', '8'}
)

// Write writes the header and n rows to w. Row i (from 0) is a function of i
// alone.
func Write(w io.Writer, n int) error {
	if n < 0 || n > MaxRows {
		return fmt.Errorf("usersgen: %d rows: want 0 to %d", n, MaxRows)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(Header)
	bw.WriteByte('\n')
	var buf []byte
	for i := range n {
		buf = AppendRow(buf[:0], i)
		bw.Write(buf)
	}
	return bw.Flush()
}

// AppendRow appends row i, with its newline, to buf.
func AppendRow(buf []byte, i int) []byte {
	first := firstNames[i%len(firstNames)]
	last := lastNames[(i/len(firstNames))%len(lastNames)]
	buf = append(buf, first...)
	buf = append(buf, ',')
	buf = append(buf, last...)
	buf = append(buf, ',')

	// The index makes every address distinct; the case of the first letter
	// varies, as in real files, which the store compares without.
	buf = append(buf, "user"...)
	if i%5 == 0 {
		buf[len(buf)-4] = 'U'
	}
	buf = strconv.AppendInt(buf, int64(i), 10)
	buf = append(buf, '@')
	buf = append(buf, domains[i%len(domains)]...)
	buf = append(buf, ',')

	// Seven digits from a bijection of i modulo 10^7 (7919 is prime, so
	// coprime to 10^7): distinct for the first MaxRows rows, and not in
	// sequence.
	digits := (int64(i)*7919 + 1234567) % 10_000_000
	prefix := mobilePrefixes[i%len(mobilePrefixes)]
	switch i % 4 {
	case 0:
		buf = append(buf, "06 "...)
		buf = append(buf, prefix)
	case 1:
		buf = append(buf, "+31 6 "...)
		buf = append(buf, prefix)
	default:
		buf = append(buf, "+316"...)
		buf = append(buf, prefix)
	}
	buf = appendPadded(buf, digits, 7)
	buf = append(buf, ',')

	// Three in four rows have a date of birth, in the two common forms.
	if i%4 != 3 {
		year := 1950 + i%55
		month := 1 + (i/7)%12
		day := 1 + (i/3)%28
		if i%2 == 0 {
			buf = appendPadded(buf, int64(year), 4)
			buf = append(buf, '-')
			buf = appendPadded(buf, int64(month), 2)
			buf = append(buf, '-')
			buf = appendPadded(buf, int64(day), 2)
		} else {
			buf = appendPadded(buf, int64(day), 2)
			buf = append(buf, '-')
			buf = appendPadded(buf, int64(month), 2)
			buf = append(buf, '-')
			buf = appendPadded(buf, int64(year), 4)
		}
	}
	buf = append(buf, ',')
	buf = append(buf, employed[(i/3)%len(employed)]...)
	return append(buf, '\n')
}

func appendPadded(buf []byte, v int64, width int) []byte {
	s := strconv.AppendInt(nil, v, 10)
	for range width - len(s) {
		buf = append(buf, '0')
	}
	return append(buf, s...)
}
