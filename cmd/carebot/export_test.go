package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"carebot/clock"
	"carebot/config"
	"carebot/slackfake"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

const plantedSSN = "123-45-6789"

// exportFixture is a workspace with tickets around the week of 2026-11-20,
// in the default configuration's timezone (America/Chicago).
type exportFixture struct {
	st  *store.Store
	cfg *config.Config
	now time.Time
	// in are the tickets --since 2026-11-20 (until now) must export, oldest
	// first; out are those it must not.
	in, out []*ticket.Ticket
}

func newExportFixture(t *testing.T) *exportFixture {
	t.Helper()
	rdb, team := storetest.Redis(t)
	return fillExportFixture(t, rdb, team)
}

func fillExportFixture(t *testing.T, rdb redis.UniversalClient, team string) *exportFixture {
	t.Helper()
	st, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	loc := cfg.Location
	if loc == time.UTC {
		t.Fatal("the default timezone must not be UTC, or the local-midnight checks prove nothing")
	}
	local := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, loc) }
	f := &exportFixture{st: st, cfg: cfg, now: local(27, 12, 0)}
	// 21:00 on the 19th in Chicago is after midnight UTC on the 20th: a
	// UTC reading of "--since 2026-11-20" would let it in.
	f.out = append(f.out, f.create(t, local(19, 21, 0), ticket.StatusOpen, ticket.P3, "label printer offline"))
	atMidnight := f.create(t, local(20, 0, 0), ticket.StatusOpen, ticket.P2, "Citrix frozen at nurses station")
	claimed := f.create(t, local(21, 8, 15), ticket.StatusOpen, ticket.P1, "Epic down on ICU, pt SSN "+plantedSSN+" waiting")
	f.claim(t, claimed, local(21, 8, 19))
	resolved := f.create(t, local(23, 14, 0), ticket.StatusOpen, ticket.P3, "scanner on 4 West won't read wristbands")
	f.claim(t, resolved, local(23, 14, 10))
	f.resolve(t, resolved, local(23, 15, 10), "swapped the scanner; SSN "+plantedSSN+" was on the sticky note")
	unclaimed := f.create(t, local(24, 9, 0), ticket.StatusOpen, ticket.P4, "=HYPERLINK(\"http://x\") wallboard dark")
	f.resolve(t, unclaimed, local(24, 9, 30), "power cycled")
	inTriage := f.create(t, local(27, 11, 0), ticket.StatusTriage, 0, "phone on 5 North")
	f.out = append(f.out, f.create(t, local(27, 12, 30), ticket.StatusOpen, ticket.P2, "created after now"))
	for _, tk := range []*ticket.Ticket{atMidnight, claimed, resolved, unclaimed, inTriage} {
		f.in = append(f.in, f.reload(t, tk))
	}
	return f
}

func (f *exportFixture) create(t *testing.T, at time.Time, status ticket.Status, p ticket.Priority, summary string) *ticket.Ticket {
	t.Helper()
	tk := &ticket.Ticket{
		Status: status, Category: ticket.CategoryPrinter, Priority: p, Location: "4 West", Team: "desk",
		Summary: summary, Requester: "U0NURSE", Source: ticket.SourceDM, Channel: "D0NURSE",
		ThreadTS: fmt.Sprintf("%d.000100", at.Unix()), CreatedAt: at, UpdatedAt: at,
	}
	if status == ticket.StatusOpen {
		tk.ClaimDeadline = at.Add(15 * time.Minute)
	}
	got, created, err := f.st.CreateTicket(context.Background(), tk, ticket.Event{At: at, Actor: "U0NURSE", Kind: ticket.EventCreated, Text: summary})
	if err != nil || !created {
		t.Fatalf("create ticket: %v, %v", created, err)
	}
	return got
}

func (f *exportFixture) claim(t *testing.T, tk *ticket.Ticket, at time.Time) {
	t.Helper()
	if res, _, err := f.st.Claim(context.Background(), tk.Number, "U0ALICE", at); err != nil || res != store.Claimed {
		t.Fatalf("claim %d: %v, %v", tk.Number, res, err)
	}
}

func (f *exportFixture) resolve(t *testing.T, tk *ticket.Ticket, at time.Time, note string) {
	t.Helper()
	if res, _, err := f.st.Resolve(context.Background(), tk.Number, "U0ALICE", note, at); err != nil || res != store.Resolved {
		t.Fatalf("resolve %d: %v, %v", tk.Number, res, err)
	}
}

func (f *exportFixture) reload(t *testing.T, tk *ticket.Ticket) *ticket.Ticket {
	t.Helper()
	got, err := f.st.Ticket(context.Background(), tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// export runs `carebot export ARGS` against the fixture's store at its now.
func (f *exportFixture) export(t *testing.T, r exportReader, args ...string) (string, error) {
	t.Helper()
	flags, err := parseExportFlags(args)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	_, err = writeExport(context.Background(), r, f.cfg, f.now, flags, &out)
	return out.String(), err
}

func (f *exportFixture) mustExport(t *testing.T, r exportReader, args ...string) string {
	t.Helper()
	out, err := f.export(t, r, args...)
	if err != nil {
		t.Fatalf("export %q: %v", args, err)
	}
	return out
}

func decodeExport(t *testing.T, out string) []exportRow {
	t.Helper()
	var rows []exportRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("export is not a JSON array: %v\n%s", err, out)
	}
	return rows
}

func TestExportJSONHasEveryTicketOfTheWindowWithItsTimings(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	out, err := f.export(t, f.st, "--since", "2026-11-20", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	rows := decodeExport(t, out)
	if len(rows) != len(f.in) {
		t.Fatalf("exported %d tickets, want %d:\n%s", len(rows), len(f.in), out)
	}
	ctx := context.Background()
	for i, want := range f.in {
		got := rows[i]
		if got.ID != ticket.FormatID("IT", want.Number) || got.Number != want.Number || got.Status != string(want.Status) {
			t.Errorf("row %d = %s #%d %s, want %s %s", i, got.ID, got.Number, got.Status, ticket.FormatID("IT", want.Number), want.Status)
		}
		wantPriority := want.Priority.String()
		if want.Priority == 0 {
			wantPriority = ""
		}
		if got.Priority != wantPriority || got.Category != string(want.Category) || got.Team != want.Team || got.Requester != want.Requester {
			t.Errorf("%s: priority %q category %q team %q requester %q; want %q %q %q %q", got.ID,
				got.Priority, got.Category, got.Team, got.Requester, wantPriority, want.Category, want.Team, want.Requester)
		}
		checkExportTime(t, got.ID+" created_at", got.CreatedAt, want.CreatedAt)
		checkExportTime(t, got.ID+" claimed_at", got.ClaimedAt, want.ClaimedAt)
		checkExportTime(t, got.ID+" resolved_at", got.ResolvedAt, want.ResolvedAt)
		checkExportTime(t, got.ID+" claim_deadline", got.ClaimDeadline, want.ClaimDeadline)
		checkExportSeconds(t, got.ID+" claim_seconds", got.ClaimSeconds, want.CreatedAt, want.ClaimedAt)
		checkExportSeconds(t, got.ID+" resolve_seconds", got.ResolveSeconds, want.CreatedAt, want.ResolvedAt)
		if want.Status == ticket.StatusResolved && got.ResolvedBy != want.ResolvedBy {
			t.Errorf("%s: resolved_by %q, want %q", got.ID, got.ResolvedBy, want.ResolvedBy)
		}

		evs, err := f.st.Events(ctx, want.Number)
		if err != nil {
			t.Fatal(err)
		}
		var gotKinds, wantKinds []string
		for _, ev := range got.Events {
			gotKinds = append(gotKinds, ev.Kind)
		}
		for _, ev := range evs {
			wantKinds = append(wantKinds, string(ev.Kind))
		}
		if !slices.Equal(gotKinds, wantKinds) {
			t.Errorf("%s: events %v, want %v", got.ID, gotKinds, wantKinds)
		}
	}

	// The timings of the claimed-then-resolved ticket, spelled out.
	r := rows[2]
	if r.ClaimSeconds == nil || *r.ClaimSeconds != 600 || r.ResolveSeconds == nil || *r.ResolveSeconds != 4200 {
		t.Errorf("%s: claim_seconds %v, resolve_seconds %v; want 600 and 4200", r.ID, r.ClaimSeconds, r.ResolveSeconds)
	}
	if !strings.HasSuffix(r.CreatedAt, "-06:00") {
		t.Errorf("created_at %q is not in the configured timezone (Chicago, -06:00 in November)", r.CreatedAt)
	}
	// Fields that have not happened are left out, not zero.
	if strings.Contains(out, "0001-01-01") || strings.Contains(out, `"claim_seconds":null`) {
		t.Errorf("export shows zero times or null timings:\n%s", out)
	}
	var open map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.Split(out, "\n")[1], ",")), &open); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"claimed_at", "resolved_at", "claim_seconds", "resolve_seconds"} {
		if _, ok := open[k]; ok {
			t.Errorf("the unclaimed ticket's row has %s: %v", k, open)
		}
	}
	for _, k := range []string{"id", "summary", "owner", "resolved_by", "resolution", "created_at", "claim_deadline", "events"} {
		if _, ok := open[k]; !ok {
			t.Errorf("the unclaimed ticket's row lacks %s: %v", k, open)
		}
	}
}

func checkExportTime(t *testing.T, what, got string, want time.Time) {
	t.Helper()
	if want.IsZero() {
		if got != "" {
			t.Errorf("%s = %q, want it left out", what, got)
		}
		return
	}
	at, err := time.Parse(time.RFC3339, got)
	if err != nil || !at.Equal(want) {
		t.Errorf("%s = %q (%v), want %s", what, got, err, want.Format(time.RFC3339))
	}
}

func checkExportSeconds(t *testing.T, what string, got *int64, from, to time.Time) {
	t.Helper()
	if to.IsZero() {
		if got != nil {
			t.Errorf("%s = %d, want it left out", what, *got)
		}
		return
	}
	if want := int64(to.Sub(from) / time.Second); got == nil || *got != want {
		t.Errorf("%s = %v, want %d", what, got, want)
	}
}

func TestExportCSVParsesBackWithHeaderAndOneRowPerTicket(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	out, err := f.export(t, f.st, "--since", "2026-11-20")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, out)
	}
	header := []string{"id", "number", "status", "priority", "category", "team", "location", "device", "system",
		"summary", "requester", "owner", "resolved_by", "resolution", "created_at", "claimed_at", "resolved_at",
		"claim_seconds", "resolve_seconds", "claim_deadline", "incident", "events"}
	if !slices.Equal(recs[0], header) {
		t.Fatalf("header = %v\nwant       %v", recs[0], header)
	}
	if len(recs) != 1+len(f.in) {
		t.Fatalf("%d rows after the header, want %d:\n%s", len(recs)-1, len(f.in), out)
	}
	col := func(rec []string, name string) string { return rec[slices.Index(header, name)] }
	for i, want := range f.in {
		if got := col(recs[i+1], "id"); got != ticket.FormatID("IT", want.Number) {
			t.Errorf("row %d is %s, want %s", i+1, got, ticket.FormatID("IT", want.Number))
		}
	}
	resolved := recs[3]
	if col(resolved, "claim_seconds") != "600" || col(resolved, "resolve_seconds") != "4200" || col(resolved, "claimed_at") == "" {
		t.Errorf("resolved ticket's timings: %v", resolved)
	}
	events := strings.Split(col(resolved, "events"), " | ")
	if len(events) != 3 || !strings.Contains(events[1], " claimed U0ALICE") || !strings.Contains(events[2], " resolved U0ALICE: swapped the scanner") {
		t.Errorf("events column = %q; want created | claimed | resolved with actor and text", col(resolved, "events"))
	}
	if at, _, _ := strings.Cut(events[0], " "); at != col(resolved, "created_at") {
		t.Errorf("first event at %q, ticket created at %q", at, col(resolved, "created_at"))
	}
	if col(recs[1], "claim_seconds") != "" || col(recs[1], "resolved_at") != "" {
		t.Errorf("unclaimed ticket has timings: %v", recs[1])
	}
	if got := col(recs[4], "summary"); !strings.HasPrefix(got, "'=HYPERLINK") {
		t.Errorf("summary %q starts like a formula; a spreadsheet would run it", got)
	}
}

func TestExportLeavesOutPlantedPatientIdentifiers(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	for _, format := range []string{"csv", "json"} {
		out, err := f.export(t, f.st, "--since", "7d", "--format", format)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, plantedSSN) {
			t.Errorf("%s export contains the SSN:\n%s", format, out)
		}
		// In the summary, the first event's text and the resolution note.
		if n := strings.Count(out, "[SSN removed]"); n < 3 {
			t.Errorf("%s export has %d redaction markers, want at least 3:\n%s", format, n, out)
		}
	}
}

func TestExportSinceDateIsLocalMidnight(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, zone := range []string{"America/Chicago", "Asia/Tokyo", "UTC"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		from, to, err := exportFlags{since: "2026-11-20"}.window(loc, now)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 20, 0, 0, 0, 0, loc); !from.Equal(want) || !to.Equal(now) {
			t.Errorf("%s: window %s – %s, want %s – now", zone, from, to, want)
		}
	}
	// And the export itself: 21:00 Chicago on the 19th is out, midnight on the 20th in.
	f := newExportFixture(t)
	rows := decodeExport(t, f.mustExport(t, f.st, "--since", "2026-11-20", "--format", "json"))
	if rows[0].Number != f.in[0].Number || rows[0].CreatedAt != "2026-11-20T00:00:00-06:00" {
		t.Errorf("first exported ticket is %s created %s; want %d created at local midnight", rows[0].ID, rows[0].CreatedAt, f.in[0].Number)
	}
	for _, r := range rows {
		for _, o := range f.out {
			if r.Number == o.Number {
				t.Errorf("%s (created %s) is outside the window", r.ID, r.CreatedAt)
			}
		}
	}
}

func TestExportWindowForms(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, loc)
	tests := []struct {
		since, until string
		from, to     time.Time
	}{
		{"24h", "", now.Add(-24 * time.Hour), now},
		{"90m", "", now.Add(-90 * time.Minute), now},
		{"7d", "", now.Add(-7 * 24 * time.Hour), now},
		{"1d12h", "", now.Add(-36 * time.Hour), now},
		{"2026-11-20T07:00:00-06:00", "2026-11-21", time.Date(2026, 11, 20, 7, 0, 0, 0, loc), time.Date(2026, 11, 21, 0, 0, 0, 0, loc)},
		{"2026-11-20T13:00:00Z", "1h", time.Date(2026, 11, 20, 7, 0, 0, 0, loc), now.Add(-time.Hour)},
	}
	for _, tt := range tests {
		from, to, err := exportFlags{since: tt.since, until: tt.until}.window(loc, now)
		if err != nil || !from.Equal(tt.from) || !to.Equal(tt.to) {
			t.Errorf("--since %s --until %q = %s – %s, %v; want %s – %s", tt.since, tt.until, from, to, err, tt.from, tt.to)
		}
	}
}

func TestExportRefusesBadArgumentsAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	tests := []struct {
		args []string
		want string // the flag the error must name
	}{
		{nil, "--since"},
		{[]string{"--format", "json"}, "--since"},
		{[]string{"--since", "yesterday"}, "--since"},
		{[]string{"--since", "-5h"}, "--since"},
		{[]string{"--since", "0d"}, "--since"},
		{[]string{"--since", "7"}, "--since"},
		{[]string{"--since", "2026-13-01"}, "--since"},
		{[]string{"--since", "99999999999999d"}, "--since"},
		{[]string{"--since", "24h", "--until", "next week"}, "--until"},
		{[]string{"--since", "2026-11-25", "--until", "2026-11-20"}, "--until"},
		{[]string{"--since", "24h", "--format", "xml"}, "--format"},
		{[]string{"--since", "24h", "--format", "CSV"}, "--format"},
		{[]string{"--since", "24h", "--team", "t0123"}, "--team"},
		{[]string{"--since", "24h", "--frobnicate"}, "frobnicate"},
		{[]string{"--since", "24h", "json"}, `"json"`},
	}
	for _, tt := range tests {
		out, err := f.export(t, f.st, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("export %q: error %v, want one naming %s", tt.args, err, tt.want)
		}
		if out != "" {
			t.Errorf("export %q wrote %q", tt.args, out)
		}
	}
	if _, err := parseExportFlags([]string{"--since", "yesterday"}); err != nil {
		t.Fatalf("the form of --since needs the timezone; parseExportFlags refused it: %v", err)
	}
	_, err := f.export(t, f.st, "--since", "yesterday")
	if err == nil || !strings.Contains(err.Error(), "for example --since 24h") {
		t.Errorf("error %v has no example", err)
	}
}

// countingReader counts the store reads an export makes.
type countingReader struct {
	exportReader
	reads int
}

func (c *countingReader) TicketsCreated(ctx context.Context, from, to time.Time) ([]*ticket.Ticket, error) {
	c.reads++
	return c.exportReader.TicketsCreated(ctx, from, to)
}

func TestExportOfYearsReadsQuietStretchesInFewSteps(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	r := &countingReader{exportReader: f.st}
	rows := decodeExport(t, f.mustExport(t, r, "--since", "3650d", "--format", "json"))
	if len(rows) != len(f.in)+1 { // and the one from the evening of the 19th
		t.Errorf("exported %d tickets, want %d", len(rows), len(f.in)+1)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Number <= rows[i-1].Number {
			t.Errorf("rows are not oldest first: %s after %s", rows[i].ID, rows[i-1].ID)
		}
	}
	if r.reads > 200 {
		t.Errorf("ten years took %d reads; quiet stretches should be read in growing steps", r.reads)
	}
}

func TestExportOfNothingIsValid(t *testing.T) {
	t.Parallel()
	f := newExportFixture(t)
	out, err := f.export(t, f.st, "--since", "2026-01-01", "--until", "2026-02-01", "--format", "json")
	if err != nil || out != "[]\n" {
		t.Errorf("empty JSON export = %q, %v; want []", out, err)
	}
	out, err = f.export(t, f.st, "--since", "2026-01-01", "--until", "2026-02-01")
	if err != nil || out != strings.Join(exportColumns, ",")+"\n" {
		t.Errorf("empty CSV export = %q, %v; want the header alone", out, err)
	}
}

// exportEnv points the environment at a Redis holding a fresh workspace and
// returns the store of that workspace.
func exportEnv(t *testing.T) (*exportFixture, string) {
	t.Helper()
	clearEnv(t)
	team := storetest.NewTeamID(t)
	url := os.Getenv(storetest.EnvURL)
	if url == "" {
		url = "redis://" + miniredis.RunT(t).Addr()
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { storetest.Cleanup(t, rdb, team); _ = rdb.Close() })
	t.Setenv("REDIS_URL", url)
	return fillExportFixture(t, rdb, team), team
}

func TestExportCommand(t *testing.T) {
	f, team := exportEnv(t)
	// The fixture's tickets are in November 2026; ask for that week, whatever today is.
	args := []string{"export", "--since", "2026-11-20", "--until", "2026-11-27T12:00:00-06:00", "--format", "json"}

	t.Run("team from the flag", func(t *testing.T) {
		out, stderr, err := runCmd(t, "", append(args, "--team", team)...)
		if err != nil {
			t.Fatal(err)
		}
		if rows := decodeExport(t, out); len(rows) != len(f.in) {
			t.Errorf("exported %d tickets, want %d", len(rows), len(f.in))
		}
		if want := fmt.Sprintf("%d tickets of workspace %s", len(f.in), team); !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q, want %q", stderr, want)
		}
	})
	t.Run("team from Slack", func(t *testing.T) {
		fake := slackfake.New(slackfake.WithTeamID(team))
		t.Cleanup(fake.Close)
		t.Setenv("SLACK_BOT_TOKEN", fake.BotToken())
		t.Setenv("SLACK_API_URL", fake.APIURL())
		out, _, err := runCmd(t, "", args...)
		if err != nil {
			t.Fatal(err)
		}
		if rows := decodeExport(t, out); len(rows) != len(f.in) {
			t.Errorf("exported %d tickets, want %d", len(rows), len(f.in))
		}
	})
	t.Run("no team", func(t *testing.T) {
		out, _, err := runCmd(t, "", args...)
		if err == nil || !strings.Contains(err.Error(), "--team") || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") || out != "" {
			t.Errorf("export without a team = %q, %v; want an error naming --team and SLACK_BOT_TOKEN", out, err)
		}
	})
}

func TestExportCommandWithoutRedisSaysThereIsNothingToRead(t *testing.T) {
	clearEnv(t)
	out, _, err := runCmd(t, "", "export", "--since", "24h", "--team", "T0123")
	if err == nil || !strings.Contains(err.Error(), "REDIS_URL is not set") || out != "" {
		t.Fatalf("export with no Redis = %q, %v", out, err)
	}
}

func TestExportCommandUsage(t *testing.T) {
	clearEnv(t)
	out, _, err := runCmd(t, "", "export", "--help")
	if err != nil || !strings.Contains(out, "--since") || !strings.Contains(out, "--team") {
		t.Errorf("export --help = %q, %v", out, err)
	}
	// Flags are checked before the environment: no Redis is needed to hear
	// that --since is wrong.
	out, _, err = runCmd(t, "", "export", "--since", "yesterday")
	if err == nil || !strings.Contains(err.Error(), "--since") || out != "" {
		t.Errorf("export --since yesterday = %q, %v", out, err)
	}
	if help, _, _ := runCmd(t, "", "--help"); !strings.Contains(help, "export --since") {
		t.Errorf("carebot --help does not list export:\n%s", help)
	}
}
