package csvio

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decode returns r as UTF-8, whatever spreadsheet program wrote it:
//
//   - a UTF-16 byte order mark (Excel's "Unicode text") selects UTF-16 LE or
//     BE; so does a NUL as first or second byte, as a header cell never
//     contains one, for the rare program that leaves the mark out;
//   - a UTF-8 byte order mark is dropped;
//   - anything else is read as UTF-8 until the first byte that is not valid
//     UTF-8, and as Windows-1252 from there on when no multi-byte UTF-8 came
//     before it (see fallbackDecoder).
func decode(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	head, _ := br.Peek(3) // a short or failed peek just means no mark; Read reports the error
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	case len(head) >= 2 && head[0] != 0 && head[1] == 0:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	case len(head) >= 2 && head[0] == 0 && head[1] != 0:
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		// The mark declares UTF-8, so a stray invalid byte later on is a
		// slip, not a sign that the whole file is Windows-1252.
		return transform.NewReader(br, &fallbackDecoder{mode: modeUTF8})
	}
	return transform.NewReader(br, &fallbackDecoder{})
}

// Modes of fallbackDecoder.
const (
	modeASCII   = iota // only ASCII so far: either encoding fits
	modeUTF8           // valid multi-byte UTF-8 seen: the file is UTF-8
	modeWin1252        // an invalid byte came first: the file is Windows-1252
)

// fallbackDecoder decodes UTF-8 that may turn out to be Windows-1252, as
// Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)". Streaming
// rules out looking at the whole file first, but ASCII is the same in both
// encodings, so the decision can wait until the first non-ASCII byte that
// tells them apart:
//
//   - valid multi-byte UTF-8 first: the file is UTF-8; any later invalid byte
//     is decoded on its own as Windows-1252 rather than lost;
//   - an invalid byte first: the file is Windows-1252 from there on, even
//     where a pair of its bytes happens to be valid UTF-8 ("Ã«").
type fallbackDecoder struct {
	mode int
}

func (d *fallbackDecoder) Reset() { d.mode = modeASCII }

func (d *fallbackDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		// ASCII dominates CSV; copy runs of it in one go.
		if c := src[nSrc]; c < utf8.RuneSelf {
			end := nSrc + 1
			for end < len(src) && src[end] < utf8.RuneSelf && end-nSrc < len(dst)-nDst {
				end++
			}
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += copy(dst[nDst:], src[nSrc:end])
			nSrc = end
			continue
		}
		if d.mode != modeWin1252 {
			r, size := utf8.DecodeRune(src[nSrc:])
			if r != utf8.RuneError || size > 1 {
				if nDst+size > len(dst) {
					return nDst, nSrc, transform.ErrShortDst
				}
				d.mode = modeUTF8
				nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
				nSrc += size
				continue
			}
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc // the rest of the rune is in the next chunk
			}
			if d.mode == modeASCII {
				d.mode = modeWin1252
			}
		}
		r := charmap.Windows1252.DecodeByte(src[nSrc])
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

// sniffBytes is how much of the decoded input sniff may look at. A header
// line longer than this is sniffed from its first sniffBytes only.
const sniffBytes = 64 << 10

// sniff looks at the start of the decoded input, discards what comes before
// the header line and returns the delimiter and the number of lines
// discarded. It skips lines that hold nothing but whitespace and delimiters
// (empty rows Excel saves as ";;;;"), and honours Excel's "sep=;" line. The
// delimiter is whichever of ',', ';' and tab occurs most often in the header
// line outside quotes; ',' when none does.
func sniff(br *bufio.Reader) (comma rune, skipped int, err error) {
	buf, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return 0, 0, err
	}
	var discard int
	for {
		line, rest, found := bytes.Cut(buf, []byte{'\n'})
		trimmed := bytes.TrimSpace(line)
		if len(bytes.Trim(trimmed, ",;\t")) == 0 {
			if !found {
				// Blank to the end of what we see: nothing but blank lines.
				discard += len(line)
				break
			}
			discard += len(line) + 1
			skipped++
			buf = rest
			continue
		}
		if sep, ok := bytes.CutPrefix(bytes.ToLower(trimmed), []byte("sep=")); ok && found && comma == 0 {
			if r, size := utf8.DecodeRune(sep); size == len(sep) && validComma(r) {
				comma = r
				discard += len(line) + 1
				skipped++
				buf = rest
				continue
			}
		}
		if comma == 0 {
			comma = sniffComma(buf)
		}
		break
	}
	if comma == 0 {
		comma = ','
	}
	if _, err := br.Discard(discard); err != nil {
		return 0, 0, err
	}
	return comma, skipped, nil
}

// sniffComma picks the delimiter of the first line of buf.
func sniffComma(buf []byte) rune {
	var commas, semicolons, tabs int
	quoted := false
scan:
	for _, c := range buf {
		switch c {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				break scan
			}
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semicolons++
			}
		case '\t':
			if !quoted {
				tabs++
			}
		}
	}
	switch {
	case semicolons > commas && semicolons >= tabs:
		return ';'
	case tabs > commas && tabs > semicolons:
		return '\t'
	}
	return ','
}

// validComma reports whether encoding/csv accepts r as a delimiter.
func validComma(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}
