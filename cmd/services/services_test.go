package services_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
)

func TestList(t *testing.T) {
	t.Parallel()
	s := cmdtest.New(t)
	s.CreateDatabase()
	s.Run("services", "list", "--level", "EH2+").Expect(t, cmd.ExitOK,
		"RVO\tMijn RVO\tEH2+\turn:etoegang:DV:00000001000000000005:services:1\n", "")
	s.RunWith(cmdtest.Options{TTY: true}, "services", "list", "--level", "EH2+").Expect(t, cmd.ExitOK, ""+
		"PROVIDER  SERVICE   LEVEL  ID\n"+
		"RVO       Mijn RVO  EH2+   urn:etoegang:DV:00000001000000000005:services:1\n", "")
	s.Run("services", "list", "--level", "EH2+", "-o", "json").Expect(t, cmd.ExitOK, `[
  {
    "id": "urn:etoegang:DV:00000001000000000005:services:1",
    "provider": "RVO",
    "name": "Mijn RVO",
    "level": "EH2+"
  }
]
`, "")
	// A means at EH3 works for every service that requires EH3 or less:
	// all but UWV's Mijn Gegevensdiensten (EH4).
	s.Run("services", "ls", "-l", "EH3", "--jq", `.[] | "\(.provider)/\(.name)/\(.level)"`).Expect(t, cmd.ExitOK, ""+
		"Belastingdienst/Mijn Belastingdienst Zakelijk/EH3\n"+
		"Douane/EU Trader Portals/EH3\n"+
		"Kadaster/Kadaster services for administrators/EH3\n"+
		"RVO/Mijn RVO/EH2+\n"+
		"UWV/Werkgeversportaal/EH3\n", "")
	s.Run("services", "list", "--level", "EH2", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	s.Run("services", "list", "--provider", "UWV", "-o", "csv").Expect(t, cmd.ExitOK, ""+
		"id,provider,name,level\n"+
		"urn:etoegang:DV:00000001000000000002:services:2,UWV,Mijn Gegevensdiensten,EH4\n"+
		"urn:etoegang:DV:00000001000000000002:services:1,UWV,Werkgeversportaal,EH3\n", "")
	s.Run("services", "list", "--level", "EH9").Expect(t, cmd.ExitInvalid, "",
		"error: level: \"EH9\" is not an assurance level: want EH2, EH2+, EH3 or EH4\n")
}

// The field names of a service are part of the interface.
func TestListJSONFields(t *testing.T) {
	t.Parallel()
	s := cmdtest.New(t)
	s.CreateDatabase()
	var list []map[string]any
	if err := json.Unmarshal([]byte(s.MustRun("services", "list", "-o", "json").Stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 6 {
		t.Fatalf("%d services in the default catalogue, want 6", len(list))
	}
	for _, svc := range list {
		keys := make([]string, 0, len(svc))
		for k := range svc {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"id", "level", "name", "provider"}) {
			t.Errorf("service has keys %q, want id, level, name, provider", keys)
		}
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	s := cmdtest.New(t)
	example := s.MustRun("services", "load", "--example").Stdout
	if _, err := os.Stat(s.DB); !os.IsNotExist(err) {
		t.Errorf("services load --example opened the database: %v", err)
	}
	// The example is the default catalogue: loading it changes nothing.
	file := s.WriteFile("catalogue.yaml", example)
	s.RunWith(cmdtest.Options{TTY: true}, "services", "load", file).Expect(t, cmd.ExitOK, "",
		"✓ Loaded 6 services of 5 providers\n")
	s.Run("services", "list", "--jq", "length").Expect(t, cmd.ExitOK, "6\n", "")

	bad := s.WriteFile("bad.yaml", "services: [\n")
	r := s.Run("services", "load", bad)
	if r.Code != cmd.ExitInvalid || r.Stdout != "" {
		t.Errorf("loading a broken file: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	s.Run("services", "list", "--jq", "length").Expect(t, cmd.ExitOK, "6\n", "")
}
