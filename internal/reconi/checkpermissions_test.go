package reconi

import (
	"strings"
	"testing"
)

// CheckProvider names the lowest level a provider's services need, in
// whatever order the catalogue lists them, and tells a provider without
// usable services from one with some.
func TestCheckProvider(t *testing.T) {
	yes, no := true, false
	svcs := []Service{
		{ID: "urn:etoegang:DV:00000001000000000002:services:2", Provider: "UWV", Name: "Mijn Gegevensdiensten", Level: EH4, AcceptsBranchUsers: &no},
		{ID: "urn:etoegang:DV:00000001000000000002:services:1", Provider: "UWV", Name: "Werkgeversportaal", Level: EH3, AcceptsBranchUsers: &no},
		{ID: "urn:etoegang:DV:00000001000000000005:services:1", Provider: "RVO", Name: "Mijn RVO", Level: EH2Plus, AcceptsBranchUsers: &yes},
		{ID: "urn:etoegang:DV:00000001000000000005:services:2", Provider: "RVO", Name: "Subsidies", Level: EH3, AcceptsBranchUsers: &no},
	}
	for _, tc := range []struct {
		provider string
		level    Level
		branch   BranchNumber
		err      string
		advice   []string
	}{
		{"UWV", EH2Plus, "", "providers[0]: none of UWV's services can be used with an EH2+ means: the lowest level they need is EH3", nil},
		{"UWV", EH3, "", "", []string{"UWV Mijn Gegevensdiensten requires EH4: an EH3 means cannot be used there"}},
		{"UWV", EH3, "000037178598", "providers[0]: none of UWV's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598", nil},
		{"RVO", EH2Plus, "000037178598", "", []string{"RVO Subsidies requires EH3: an EH2+ means cannot be used there"}},
		{"RVO", EH3, "000037178598", "", []string{"RVO Subsidies does not accept users bound to a branch: restricted to branch 000037178598, the users cannot log in there"}},
		{"Douane", EH3, "", "providers[0]: Douane has no services in the catalogue yet", nil},
	} {
		advice, err := CheckProvider("providers[0]", tc.provider, svcs, tc.level, tc.branch)
		if tc.err != "" {
			if ErrorKind(err) != KindInvalid || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%s at %s on %q: error %v, want %q", tc.provider, tc.level, tc.branch, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(advice, "|") != strings.Join(tc.advice, "|") {
			t.Errorf("%s at %s on %q: advice %q, error %v; want %q", tc.provider, tc.level, tc.branch, advice, err, tc.advice)
		}
	}
}

// A ServiceUUID left out is the UUIDv5 of the ServiceID in the URL
// namespace (computed apart with Python's uuid.uuid5); one given is
// checked and kept in lower case.
func TestServiceUUID(t *testing.T) {
	if got := DeriveServiceUUID("urn:etoegang:DV:00000001000000000005:services:1"); got != "fcff33b9-3892-5b34-95b2-3433958720bc" {
		t.Errorf("derived %s", got)
	}
	if got, err := ParseServiceUUID("FCFF33B9-3892-5B34-95B2-3433958720BC"); err != nil || got != "fcff33b9-3892-5b34-95b2-3433958720bc" {
		t.Errorf("parsed %s, %v", got, err)
	}
	for _, bad := range []string{"", "fcff33b9389235b3495b23433958720bc", "urn:uuid:fcff33b9-3892-5b34-95b2-3433958720bc",
		"{fcff33b9-3892-5b34-95b2-3433958720bc}", "00000000-0000-0000-0000-000000000000", "fcff33b9-3892-5b34-95b2-3433958720bz"} {
		if _, err := ParseServiceUUID(bad); ErrorKind(err) != KindInvalid {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
}
