package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"carebot/store"
	"carebot/ticket"
)

func TestOutageSuggestionDeclareLinkAndResolve(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	rule := store.OutageRule{Window: 10 * time.Minute, Reports: 5}
	ehr := []store.OutageKey{{Key: "category:ehr", Label: "EHR"}, {Key: "system:epic", Label: "Epic"}}
	base := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	observe := func(i int, unit string, at time.Time) (*ticket.Ticket, *store.Incident, *store.Suggestion) {
		t.Helper()
		tk := mustCreate(t, s, ticketAt("U"+unit+string(rune('a'+i)), at))
		inc, sg, err := s.ObserveReport(ctx, tk.Number, unit, ehr, at, rule)
		if err != nil {
			t.Fatal(err)
		}
		return tk, inc, sg
	}

	// A report from long ago has left the window by the time the storm starts.
	observe(0, "ICU", base.Add(-time.Hour))
	var made []int64
	for i := range 4 { // four from one unit: not an outage across units
		tk, inc, sg := observe(i+1, "ED", base.Add(time.Duration(i)*time.Minute))
		if inc != nil || sg != nil {
			t.Fatalf("report %d from one unit gave %+v %+v", i+1, inc, sg)
		}
		made = append(made, tk.Number)
	}
	tk, _, sg := observe(5, "4 West", base.Add(8*time.Minute))
	made = append(made, tk.Number)
	if sg == nil {
		t.Fatal("five reports from two units in 8 minutes made no suggestion")
	}
	if sg.Key != "category:ehr" || sg.Label != "EHR" || sg.Units != 2 || !slices.Equal(sg.Tickets, made) || sg.Last.Sub(sg.First) != 8*time.Minute {
		t.Errorf("suggestion = %+v, want EHR, 2 units, tickets %v over 8 minutes", sg, made)
	}
	if _, _, again := observe(6, "ICU", base.Add(9*time.Minute)); again != nil {
		t.Errorf("a second suggestion within the window: %+v", again)
	}

	if err := s.WatchResolve(ctx, made[0], base.Add(time.Hour), true); err != nil {
		t.Fatal(err)
	}
	res, inc, _, err := s.DeclareIncident(ctx, sg.ID, "U0SPEC", base.Add(10*time.Minute))
	if err != nil || res != store.Declared || inc.Number != 1 || inc.Status != "open" || !slices.Equal(inc.Tickets, made) {
		t.Fatalf("declare = %v %+v %v", res, inc, err)
	}
	if res, again, _, _ := s.DeclareIncident(ctx, sg.ID, "U0SPEC2", base.Add(11*time.Minute)); res != store.AlreadyDeclared || again.Number != 1 {
		t.Errorf("second declare = %v %+v; want the same incident", res, again)
	}
	if got, _ := s.DismissSuggestion(ctx, sg.ID, "U0SPEC2"); got.Incident != 1 || got.DismissedBy != "" {
		t.Errorf("dismissing a declared suggestion changed it: %+v", got)
	}
	if linked, _ := s.Ticket(ctx, made[2]); linked.Incident != 1 {
		t.Errorf("ticket %d not linked: incident %d", made[2], linked.Incident)
	}

	// A new matching report is linked at once.
	late, linkedTo, sg2 := observe(7, "OR", base.Add(30*time.Minute))
	if linkedTo == nil || linkedTo.Number != 1 || sg2 != nil || !slices.Contains(linkedTo.Tickets, late.Number) {
		t.Fatalf("new report during the incident: %+v %+v", linkedTo, sg2)
	}
	if open, _ := s.OpenIncident(ctx, ehr[:1]); open == nil || open.Number != 1 {
		t.Errorf("OpenIncident(category:ehr) = %+v, want INC-1", open)
	}
	if open, _ := s.OpenIncident(ctx, ehr[1:]); open != nil {
		t.Errorf("OpenIncident(system:epic) = %+v; the incident holds category:ehr only", open)
	}

	got, closed, already, err := s.ResolveIncident(ctx, 1, "U0SPEC", "interface engine restarted", base.Add(time.Hour))
	if err != nil || already || got.Status != "resolved" {
		t.Fatalf("resolve incident = %+v %v %v", got, already, err)
	}
	if len(closed) != len(made)+1 {
		t.Errorf("resolved %d tickets, want %d", len(closed), len(made)+1)
	}
	for _, c := range closed {
		if c.Status != ticket.StatusResolved || c.Resolution != "resolved with INC-1" {
			t.Errorf("ticket %d after the incident: %s %q", c.Number, c.Status, c.Resolution)
		}
	}
	evs, _ := s.Events(ctx, made[0])
	if last := evs[len(evs)-1]; last.Kind != ticket.EventResolved || last.Text != "interface engine restarted" {
		t.Errorf("last event = %+v", last)
	}
	if breaches, _ := s.DueResolveBreaches(ctx, base.Add(2*time.Hour), time.Minute, 10); len(breaches) != 0 {
		t.Errorf("resolved tickets still watched for their resolve target: %v", breaches)
	}
	if _, _, already, _ := s.ResolveIncident(ctx, 1, "U0SPEC", "again", base.Add(2*time.Hour)); !already {
		t.Error("resolving twice was not reported as already resolved")
	}
	if open, _ := s.OpenIncident(ctx, ehr); open != nil {
		t.Errorf("resolved incident still open for new reports: %+v", open)
	}
	// After the incident, the same outage key can be suggested again.
	for i := range 5 {
		_, _, sg = observe(10+i, []string{"ED", "ICU"}[i%2], base.Add(3*time.Hour+time.Duration(i)*time.Minute))
	}
	if sg == nil || sg.ID == 1 {
		t.Errorf("no fresh suggestion after the incident ended: %+v", sg)
	}
}

func TestDismissedSuggestionCannotBeDeclared(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	rule := store.OutageRule{Window: 10 * time.Minute, Reports: 2}
	ks := []store.OutageKey{{Key: "category:printer", Label: "printing"}}
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	var sg *store.Suggestion
	for i, unit := range []string{"ED", "ICU"} {
		tk := mustCreate(t, s, ticketAt("U"+unit, at.Add(time.Duration(i)*time.Minute)))
		_, sg, _ = s.ObserveReport(ctx, tk.Number, unit, ks, at.Add(time.Duration(i)*time.Minute), rule)
	}
	if sg == nil {
		t.Fatal("no suggestion")
	}
	if got, err := s.DismissSuggestion(ctx, sg.ID, "U0SPEC"); err != nil || got.DismissedBy != "U0SPEC" {
		t.Fatalf("dismiss = %+v %v", got, err)
	}
	if res, inc, _, err := s.DeclareIncident(ctx, sg.ID, "U0SPEC2", at); err != nil || res != store.Dismissed || inc != nil {
		t.Errorf("declare after dismiss = %v %+v %v", res, inc, err)
	}
	if _, _, _, err := s.DeclareIncident(ctx, 99, "U0SPEC", at); !ticket.IsNotFound(err) {
		t.Errorf("declare of a missing suggestion: %v", err)
	}
}
