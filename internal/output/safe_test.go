package output_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/output"
)

// Hostile names as an attacker would store them: each would act on a
// terminal if printed as it is.
var hostile = map[string]string{
	"clear screen":   "Jan\x1b[2J\x1b[H",
	"clipboard":      "\x1b]52;c;aGFja2Vk\x07Jan",
	"fake link":      "\x1b]8;;https://evil.example\x1b\\Jan\x1b]8;;\x1b\\",
	"bell":           "Jan\a",
	"carriage ret":   "Jan\rKees",
	"backspace":      "Jan\b\b\bKees",
	"C1 CSI":         "Jan\u009b2J",
	"C1 OSC":         "Jan\u009d52;c;eA==\u009c",
	"raw 8-bit CSI":  "Jan\x9b2J",
	"bidi override":  "\u202enasnaJ",
	"bidi isolate":   "Jan\u2067x\u2069",
	"delete":         "Jan\x7f",
	"vertical tab":   "Jan\vKees",
	"null":           "Jan\x00",
	"right-to-left":  "Jan\u200f",
	"arabic mark":    "Jan\u061c",
	"form feed":      "Jan\fKees",
	"escape alone":   "\x1b",
	"ESC at the end": "Jansen\x1b",
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// terminalSafe reports whether s holds nothing a terminal acts on but
// newlines and tabs, and the colour codes reconi writes itself (bold
// headers, the coloured icons).
func terminalSafe(s string) bool {
	s = sgr.ReplaceAllString(s, "")
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || output.IsBidiControl(r) || r == '\uFFFD' {
			return false
		}
	}
	return true
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Jan Jansen":          "Jan Jansen",
		"Zoë 山田 🙂":            "Zoë 山田 🙂",
		"two\nlines\tand tab": "two\nlines\tand tab",
		"Jan\x1b[2J":          `Jan\x1b[2J`,
		"Jan\rKees":           `Jan\x0dKees`,
		"\u202enasnaJ":        `\u202enasnaJ`,
		"Jan\u009b2J":         `Jan\u009b2J`,
		"Jan\x9b2J":           `Jan\x9b2J`,
		"Jan\x7f":             `Jan\x7f`,
	} {
		if got := output.Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
	for name, s := range hostile {
		if got := output.Safe(s); !terminalSafe(got) {
			t.Errorf("%s: Safe left %q", name, got)
		}
	}
}

// Tables, detail blocks and notes escape what users wrote, on a terminal
// (colour on) and off.
func TestOutputEscapesHostileText(t *testing.T) {
	for _, tty := range []bool{true, false} {
		for name, s := range hostile {
			ios, _, out, errOut := output.Test()
			ios.SetStdoutTTY(tty)
			ios.SetStderrTTY(tty)
			ios.SetColorEnabled(tty)
			tbl := output.NewTable(ios)
			tbl.AddHeader("NAME", "EMAIL")
			tbl.AddRow(s, "jan@example.nl")
			if err := tbl.Render(); err != nil {
				t.Fatal(err)
			}
			if err := output.PrintKV(ios, [][2]string{{"Name", s}, {s, "key"}}); err != nil {
				t.Fatal(err)
			}
			ios.Warnf("no user %s", s)
			ios.Successf("Added %s", s)
			if !terminalSafe(out.String()) || !terminalSafe(errOut.String()) {
				t.Errorf("%s (terminal %v): stdout %q, stderr %q", name, tty, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), "Jan") && strings.Contains(s, "Jan") {
				t.Errorf("%s (terminal %v): the name is gone: %q", name, tty, out.String())
			}
		}
	}
}
