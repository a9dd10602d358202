package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo

	"go.yaml.in/yaml/v3"

	"carebot/ticket"
)

func loadValid(t testing.TB) *Config {
	t.Helper()
	c, err := Load(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// show prints a Config in full, for comparing two of them.
func show(c *Config) string {
	return fmt.Sprintf("%+v", *c)
}

func TestDesignExampleParses(t *testing.T) {
	t.Parallel()
	c := loadValid(t)
	chicago := mustLoc(t, "America/Chicago")
	start := time.Date(2026, 11, 23, 7, 0, 0, 0, chicago)
	want := &Config{
		TicketPrefix:   "IT",
		Timezone:       "America/Chicago",
		Location:       chicago,
		Channels:       Channels{Triage: "C0TRIAGE", Summary: "C0SUMMARY", Incidents: "C0INCIDENT"},
		IntakeChannels: []string{"C0HELPDESK"},
		Shifts:         []Shift{{Name: "Day", Start: TimeOfDay{Hour: 7}}, {Name: "Night", Start: TimeOfDay{Hour: 19}}},
		SLA: map[string]SLA{
			"P1": {Claim: 5 * time.Minute, Resolve: time.Hour},
			"P2": {Claim: 15 * time.Minute, Resolve: 4 * time.Hour},
			"P3": {Claim: time.Hour, Resolve: 24 * time.Hour},
			"P4": {Claim: 4 * time.Hour, Resolve: 72 * time.Hour},
		},
		Teams: []Team{
			{
				ID: "desk", Name: "Service Desk", Channel: "C0DESK", Default: true,
				Categories: []ticket.Category{"login", "workstation", "printer", "scanner", "phone", "access", "other"},
				Rotation:   RotationSpec{Start: start, Length: 12 * time.Hour, Members: []string{"U0ALICE", "U0BOB", "U0CAROL"}},
				Escalation: []Step{{After: 0, Next: true}, {After: 10 * time.Minute, Users: []string{"U0LEAD"}}},
				Repeat:     2,
			},
			{
				ID: "apps", Name: "Clinical Applications", Channel: "C0APPS",
				Categories: []ticket.Category{"ehr", "imaging", "pharmacy", "device"},
				Rotation:   RotationSpec{Start: start, Length: 168 * time.Hour, Members: []string{"U0DAN", "U0ERIN"}},
				Escalation: []Step{{After: 0, Next: true}, {After: 5 * time.Minute, Users: []string{"U0LEAD2"}}},
			},
		},
		SpecialistsGroup: "S0ITSTAFF",
		Units:            []string{"4 West", "5 North", "ED", "ICU", "NICU", "OR", "PACU", "L&D", "Oncology"},
		Categories:       []CategorySpec{{ID: "pharmacy", Keywords: []string{"pyxis", "omnicell"}, Impact: ImpactHigh}},
		SelfHelp:         []SelfHelp{{Keywords: []string{"password", "reset"}, Answer: "Reset it at the self-service portal or call x4357."}},
		Retention:        2160 * time.Hour,
		TriageTimeout:    10 * time.Minute,
		Outage:           Outage{Window: 10 * time.Minute, Reports: 5, DowntimeText: "Use downtime procedures; the unit's downtime binder has the forms."},
	}
	mrn := c.PHI.Patterns["MRN"]
	if len(c.PHI.Patterns) != 1 || mrn == nil || mrn.String() != `\b\d{8}\b` {
		t.Errorf("phi.patterns = %v, want MRN: \\b\\d{8}\\b", c.PHI.Patterns)
	}
	c.PHI = PHI{}
	if got, want := show(c), show(want); got != want {
		t.Errorf("parsed\n%s\nwant\n%s", got, want)
	}
	if !c.Teams[0].Rotation.Start.Equal(start) || c.Teams[0].Rotation.Start.Location().String() != "America/Chicago" {
		t.Errorf("rotation start = %s, want %s", c.Teams[0].Rotation.Start, start)
	}
}

func TestDefaultIsValid(t *testing.T) {
	t.Parallel()
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default() does not validate:\n%v", err)
	}
	if got := c.TeamFor(ticket.CategoryPharmacy); got == nil || got.ID != "apps" {
		t.Errorf("default team for pharmacy = %v, want apps", got)
	}
	for _, cat := range ticket.BuiltinCategories() {
		if c.TeamFor(cat) == nil {
			t.Errorf("no default team takes %s", cat)
		}
	}
}

func TestDefaultReturnsFreshValues(t *testing.T) {
	t.Parallel()
	a, b := Default(), Default()
	a.Teams[0].Rotation.Members[0] = "U0CHANGED"
	a.SLA["P1"] = SLA{}
	a.Units[0] = "changed"
	if b.Teams[0].Rotation.Members[0] == "U0CHANGED" || b.SLA["P1"] == (SLA{}) || b.Units[0] == "changed" {
		t.Error("changing one Default() changed another")
	}
}

func TestEmptyFileGivesDefaults(t *testing.T) {
	t.Parallel()
	for _, data := range []string{"", "\n", "# nothing configured yet\n", "---\n", "~\n"} {
		c, err := Parse([]byte(data))
		if err != nil {
			t.Errorf("Parse(%q): %v", data, err)
			continue
		}
		if got, want := show(c), show(Default()); got != want {
			t.Errorf("Parse(%q) =\n%s\nwant the defaults\n%s", data, got, want)
		}
	}
}

func TestMissingValuesKeepDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(`
ticket_prefix: HD
channels: {triage: C0NEW}
sla:
  P1: {claim: 2m}
  P3: {resolve: 48h}
outage: {reports: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if c.TicketPrefix != "HD" || c.Timezone != d.Timezone {
		t.Errorf("prefix %s, timezone %s; want HD, %s", c.TicketPrefix, c.Timezone, d.Timezone)
	}
	if c.Channels != (Channels{Triage: "C0NEW", Summary: d.Channels.Summary}) {
		t.Errorf("channels = %+v, want triage merged into the defaults", c.Channels)
	}
	wantSLA := map[string]SLA{
		"P1": {Claim: 2 * time.Minute, Resolve: d.SLA["P1"].Resolve},
		"P2": d.SLA["P2"],
		"P3": {Claim: d.SLA["P3"].Claim, Resolve: 48 * time.Hour},
		"P4": d.SLA["P4"],
	}
	if fmt.Sprint(c.SLA) != fmt.Sprint(wantSLA) {
		t.Errorf("sla = %v, want %v", c.SLA, wantSLA)
	}
	if c.Outage.Reports != 3 || c.Outage.Window != d.Outage.Window || c.Outage.DowntimeText != d.Outage.DowntimeText {
		t.Errorf("outage = %+v, want reports 3 merged into the defaults", c.Outage)
	}
	if got, want := fmt.Sprint(c.Teams), fmt.Sprint(d.Teams); got != want {
		t.Errorf("teams = %s, want the defaults %s", got, want)
	}
}

func TestTeamsReplaceDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(`
teams:
  - id: only
    name: The Only Team
    channel: C0ONLY
    default: true
    rotation: {start: "2026-01-01T08:00", length: 24h, members: [U0ONE]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Teams) != 1 || c.Teams[0].ID != "only" {
		t.Fatalf("teams = %+v, want only the file's team", c.Teams)
	}
	if got := c.TeamFor(ticket.CategoryEHR); got == nil || got.ID != "only" {
		t.Errorf("TeamFor(ehr) = %v, want the only team", got)
	}
	if c.Teams[0].Escalation != nil || c.Teams[0].Repeat != 0 {
		t.Errorf("escalation %v, repeat %d; want none", c.Teams[0].Escalation, c.Teams[0].Repeat)
	}
}

func TestTimezoneMovesDefaultRotations(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte("timezone: Europe/Paris\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, team := range c.Teams {
		start := team.Rotation.Start
		if start.Location().String() != "Europe/Paris" || start.Hour() != 7 {
			t.Errorf("%s rotation starts %s, want 07:00 in Europe/Paris", team.ID, start)
		}
	}
}

func TestRotationStartIsLocal(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(`
timezone: Asia/Kolkata
teams:
  - {id: desk, name: Desk, channel: C0DESK, default: true,
     rotation: {start: "2026-03-01T07:30:15", length: 90m, members: [U0A, U0B]}}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 1, 7, 30, 15, 0, mustLoc(t, "Asia/Kolkata"))
	if got := c.Teams[0].Rotation.Start; !got.Equal(want) {
		t.Errorf("start = %s, want %s", got, want)
	}
}

func TestTeamFor(t *testing.T) {
	t.Parallel()
	c := loadValid(t)
	c.Categories = append(c.Categories, CategorySpec{ID: "nursecall", Keywords: []string{"nurse call"}, Impact: ImpactHigh})
	tests := []struct {
		cat  ticket.Category
		want string
	}{
		{ticket.CategoryPharmacy, "apps"},
		{ticket.CategoryEHR, "apps"},
		{ticket.CategoryPrinter, "desk"},
		{ticket.CategoryNetwork, "desk"}, // named by no team: the default
		{"nursecall", "desk"},            // defined under categories, named by no team
		{"", "desk"},
	}
	for _, tt := range tests {
		if got := c.TeamFor(tt.cat); got == nil || got.ID != tt.want {
			t.Errorf("TeamFor(%q) = %v, want %s", tt.cat, got, tt.want)
		}
	}
	c.Teams[0].Default = false
	if got := c.TeamFor(ticket.CategoryNetwork); got != nil {
		t.Errorf("with no default team, TeamFor(network) = %s, want nil", got.ID)
	}
	if got := c.TeamFor(ticket.CategoryEHR); got == nil || got.ID != "apps" {
		t.Errorf("with no default team, TeamFor(ehr) = %v, want apps", got)
	}
}

func TestTeamFindsByID(t *testing.T) {
	t.Parallel()
	c := loadValid(t)
	if got := c.Team("apps"); got == nil || got.Name != "Clinical Applications" {
		t.Errorf("Team(apps) = %v", got)
	}
	if got := c.Team("nope"); got != nil {
		t.Errorf("Team(nope) = %v, want nil", got)
	}
	c.Team("apps").Repeat = 9
	if c.Teams[1].Repeat != 9 {
		t.Error("Team does not point into Teams")
	}
}

func TestTeamOnCall(t *testing.T) {
	t.Parallel()
	c := loadValid(t)
	chicago := mustLoc(t, "America/Chicago")
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, chicago) }
	tests := []struct {
		team   string
		at     time.Time
		member string
		ends   time.Time
	}{
		{"desk", at(23, 7), "U0ALICE", at(23, 19)},
		{"desk", at(23, 20), "U0BOB", at(24, 7)},
		{"desk", at(24, 8), "U0CAROL", at(24, 19)},
		{"desk", at(23, 6), "U0CAROL", at(23, 7)}, // before the start, backwards
		{"apps", at(29, 23), "U0DAN", at(30, 7)},
		{"apps", at(30, 7), "U0ERIN", time.Date(2026, 12, 7, 7, 0, 0, 0, chicago)},
	}
	for _, tt := range tests {
		turn := c.Team(tt.team).OnCall(tt.at)
		if turn.Member != tt.member || !turn.Ends.Equal(tt.ends) {
			t.Errorf("%s at %s: %s until %s, want %s until %s", tt.team, tt.at, turn.Member, turn.Ends, tt.member, tt.ends)
		}
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	if _, err := Load(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing) = %v, want an error naming %s", err, missing)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("ticket_prefix: IT\nretention: 90d\nshifts: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(bad)
	if err == nil {
		t.Fatal("Load(bad) succeeded")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		bad + `:2: retention: "90d" is not a duration (use Go form such as 12h or 90m)`,
	}
	if !slices.Equal(lines, want) {
		t.Errorf("Load(bad) =\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
	if err := os.WriteFile(bad, []byte("ticket_prefix: IT\nshifts: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if err == nil || err.Error() != bad+`:2: shifts: at least one shift is needed, such as {name: Day, start: "07:00"}` {
		t.Errorf("Load(bad) = %v", err)
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.File != bad || ce.Line != 2 || ce.Key != "shifts" {
		t.Errorf("Load(bad) error = %#v, want an *Error for shifts at %s:2", ce, bad)
	}
	if err := os.WriteFile(bad, []byte("a: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("Load(bad YAML) = %v, want an error naming %s", err, bad)
	}
}

func TestStepUnmarshalYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Step
		wantErr string
	}{
		{"{after: 0s, notify: next}", Step{Next: true}, ""},
		{"{after: 10m, notify: [U0LEAD, W0BOSS]}", Step{After: 10 * time.Minute, Users: []string{"U0LEAD", "W0BOSS"}}, ""},
		{"{notify: U0LEAD}", Step{}, `notify: "U0LEAD" is neither next nor a list of user IDs`},
		{"{after: soon, notify: next}", Step{}, `after: "soon" is not a duration`},
		{"{after: 1m, notify: next, to: me}", Step{}, "to: unknown key (the keys here are after, notify)"},
		{"{after: 1m, notify: {next: true}}", Step{}, "notify: expected a list, got keys and values"},
	}
	for _, tt := range tests {
		var got Step
		err := yaml.Unmarshal([]byte(tt.in), &got)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want %q", tt.in, err, tt.wantErr)
		case fmt.Sprint(got) != fmt.Sprint(tt.want):
			t.Errorf("%s: got %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want TimeOfDay
		str  string
	}{
		{"07:00", TimeOfDay{Hour: 7}, "07:00"},
		{"19:30", TimeOfDay{Hour: 19, Minute: 30}, "19:30"},
		{"00:00:00", TimeOfDay{}, "00:00"},
		{"23:59:59", TimeOfDay{Hour: 23, Minute: 59, Second: 59}, "23:59:59"},
	}
	for _, tt := range good {
		got, err := ParseTimeOfDay(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.str {
			t.Errorf("%#v.String() = %q, want %q", got, got.String(), tt.str)
		}
	}
	for _, in := range []string{"", "7:00", "07", "24:00", "07:60", "07:00:60", "07:00:00:00", "7am", "-1:00", "07:+1"} {
		if got, err := ParseTimeOfDay(in); err == nil {
			t.Errorf("ParseTimeOfDay(%q) = %v, want an error", in, got)
		}
	}
	chicago := mustLoc(t, "America/Chicago")
	day := time.Date(2026, 3, 8, 23, 0, 0, 0, chicago)
	if got, want := (TimeOfDay{Hour: 7}).On(day), time.Date(2026, 3, 8, 7, 0, 0, 0, chicago); !got.Equal(want) {
		t.Errorf("On = %s, want %s", got, want)
	}
}

func TestPHINamesAreSorted(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte("phi:\n  patterns: {Zeta: 'z\\d+', MRN: '\\b\\d{8}\\b', Acct: 'A\\d{6}'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.PHI.Names(); !slices.Equal(got, []string{"Acct", "MRN", "Zeta"}) {
		t.Errorf("Names() = %q", got)
	}
	if !c.PHI.Patterns["MRN"].MatchString("MRN 12345678") {
		t.Error("MRN pattern does not match")
	}
}

func TestKeywordsAreLowerCase(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(`
categories: [{id: pharmacy, keywords: [Pyxis, " OmniCell "]}]
selfhelp: [{keywords: [VPN], answer: Use the VPN portal.}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Categories[0].Keywords; !slices.Equal(got, []string{"pyxis", "omnicell"}) {
		t.Errorf("category keywords = %q", got)
	}
	if got := c.SelfHelp[0].Keywords; !slices.Equal(got, []string{"vpn"}) {
		t.Errorf("selfhelp keywords = %q", got)
	}
}
