package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/clock"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

// resendHook runs every script twice and keeps the second reply: what
// happens when go-redis sends a command again after losing its reply.
type resendHook struct{}

func (resendHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (resendHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (resendHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name == "evalsha" || name == "eval" {
			if err := next(ctx, cmd); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}

// newStores returns a store and a second one on the same workspace whose
// every script call is sent twice.
func newStores(t *testing.T) (s, resending *store.Store) {
	t.Helper()
	rdb, team := storetest.Redis(t)
	twice := redis.NewClient(rdb.(*redis.Client).Options())
	twice.AddHook(resendHook{})
	t.Cleanup(func() { _ = twice.Close() })
	var err error
	if s, err = store.New(rdb, team, clock.Real{}, store.Options{}); err != nil {
		t.Fatal(err)
	}
	if resending, err = store.New(twice, team, clock.Real{}, store.Options{}); err != nil {
		t.Fatal(err)
	}
	return s, resending
}

func TestOutageSuggestionDeclareLinkAndResolve(t *testing.T) {
	t.Parallel()
	s, twice := newStores(t)
	ctx := context.Background()
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
	seventh, _, again := observe(6, "ICU", base.Add(9*time.Minute))
	if again != nil {
		t.Errorf("a second suggestion within the window: %+v", again)
	}

	if err := s.WatchResolve(ctx, made[0], base.Add(time.Hour), true); err != nil {
		t.Fatal(err)
	}
	// A report after the suggestion, before anyone declares, is part of it too.
	between, _, _ := observe(8, "PACU", base.Add(9*time.Minute+30*time.Second))
	linkedAll := append(slices.Clone(made), seventh.Number, between.Number)
	declaredAt := base.Add(10 * time.Minute)
	// go-redis may send a script again when its reply is lost: the resent
	// call must answer as the first did, so the requesters are still told.
	d, err := twice.DeclareIncident(ctx, sg.ID, "U0SPEC", declaredAt)
	inc := d.Incident
	if err != nil || d.Result != store.Declared || inc.Number != 1 || inc.Status != "open" || !slices.Equal(inc.Tickets, linkedAll) || !slices.Equal(d.Linked, linkedAll) {
		t.Fatalf("declare, sent twice = %+v %+v %v; want INC-1 linking %v", d, inc, err, linkedAll)
	}
	if again, _ := s.DeclareIncident(ctx, sg.ID, "U0SPEC", declaredAt); again.Result != store.AlreadyDeclared || len(again.Linked) != 0 {
		t.Errorf("a second press by the same specialist = %+v; want already declared", again)
	}
	if again, _ := s.DeclareIncident(ctx, sg.ID, "U0SPEC2", base.Add(11*time.Minute)); again.Result != store.AlreadyDeclared || again.Incident.Number != 1 || len(again.Linked) != 0 {
		t.Errorf("second declare = %+v; want the same incident, nothing newly linked", again)
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

	got, closed, already, err := twice.ResolveIncident(ctx, 1, "U0SPEC", "interface engine restarted", base.Add(time.Hour))
	if err != nil || already || got.Status != "resolved" {
		t.Fatalf("resolve incident = %+v %v %v", got, already, err)
	}
	if len(closed) != len(linkedAll)+1 {
		t.Errorf("resolved %d tickets, want %d", len(closed), len(linkedAll)+1)
	}
	if _, again, already, _ := s.ResolveIncident(ctx, 1, "U0SPEC", "interface engine restarted", base.Add(time.Hour)); !already || len(again) != 0 {
		t.Errorf("a second resolve: already %v, %d tickets; want already resolved", already, len(again))
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
	if d, err := s.DeclareIncident(ctx, sg.ID, "U0SPEC2", at); err != nil || d.Result != store.Dismissed || d.Incident != nil {
		t.Errorf("declare after dismiss = %+v %v", d, err)
	}
	if _, err := s.DeclareIncident(ctx, 99, "U0SPEC", at); !ticket.IsNotFound(err) {
		t.Errorf("declare of a missing suggestion: %v", err)
	}
}

func TestOutageScriptsAnswerAResentCallAsTheFirst(t *testing.T) {
	t.Parallel()
	s, twice := newStores(t)
	ctx := context.Background()
	rule := store.OutageRule{Window: 10 * time.Minute, Reports: 2}
	ks := []store.OutageKey{{Key: "category:scanner", Label: "barcode scanner"}}
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	first := mustCreate(t, s, ticketAt("U1", at))
	if _, sg, _ := s.ObserveReport(ctx, first.Number, "ED", ks, at, rule); sg != nil {
		t.Fatal("one report made a suggestion")
	}
	second := mustCreate(t, s, ticketAt("U2", at.Add(time.Minute)))
	_, sg, err := twice.ObserveReport(ctx, second.Number, "ICU", ks, at.Add(time.Minute), rule)
	if err != nil || sg == nil || !slices.Equal(sg.Tickets, []int64{first.Number, second.Number}) {
		t.Errorf("observe sent twice = %+v, %v; want the suggestion, so it is still posted", sg, err)
	}
}

func TestSecondSuggestionOfAnOutageJoinsItsIncident(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	rule := store.OutageRule{Window: 10 * time.Minute, Reports: 2}
	ks := []store.OutageKey{{Key: "category:phone", Label: "phone / pager"}}
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	suggest := func(from time.Time) (*store.Suggestion, []int64) {
		t.Helper()
		var sg *store.Suggestion
		var ns []int64
		for i, unit := range []string{"ED", "ICU"} {
			when := from.Add(time.Duration(i) * time.Minute)
			tk := mustCreate(t, s, ticketAt("U"+unit+when.Format("1504"), when))
			ns = append(ns, tk.Number)
			_, sg, _ = s.ObserveReport(ctx, tk.Number, unit, ks, when, rule)
		}
		if sg == nil {
			t.Fatal("no suggestion")
		}
		return sg, ns
	}
	// Nobody declares within the window, so the outage is suggested again.
	sg1, _ := suggest(at)
	sg2, later := suggest(at.Add(20 * time.Minute))
	d1, err := s.DeclareIncident(ctx, sg1.ID, "U0SPEC", at.Add(25*time.Minute))
	if err != nil || d1.Result != store.Declared {
		t.Fatalf("declare first = %+v %v", d1, err)
	}
	d2, err := s.DeclareIncident(ctx, sg2.ID, "U0SPEC2", at.Add(26*time.Minute))
	if err != nil || d2.Result != store.Joined || d2.Incident.Number != d1.Incident.Number {
		t.Fatalf("declare second = %+v %v; want it to join %d", d2, err, d1.Incident.Number)
	}
	// The second window's reports were linked by the first declaration (they
	// were in the key's window), so nothing is left to link now.
	if len(d2.Linked) != 0 || !slices.Contains(d1.Linked, later[1]) {
		t.Errorf("first linked %v, second %v; want the later reports linked once", d1.Linked, d2.Linked)
	}
	if inc, _ := s.Incident(ctx, d1.Incident.Number); len(inc.Tickets) != 4 {
		t.Errorf("incident holds %v, want all four reports", inc.Tickets)
	}
}

// BenchmarkObserveReportInAStorm measures counting one report towards an
// outage when the window already holds many of the same (an EHR outage at
// 07:00): the cost must not grow with them.
func BenchmarkObserveReportInAStorm(b *testing.B) {
	for _, held := range []int{0, 10000} {
		b.Run(fmt.Sprintf("window=%d", held), func(b *testing.B) {
			rdb, team := storetest.Redis(b)
			s, err := store.New(rdb, team, clock.Real{}, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			rule := store.OutageRule{Window: time.Hour, Reports: 5}
			ks := []store.OutageKey{{Key: "category:ehr", Label: "EHR"}, {Key: "system:epic", Label: "Epic"}}
			at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
			units := []string{"ED", "ICU", "4 West", "5 North"}
			n := int64(0)
			for range held {
				n++
				if _, _, err := s.ObserveReport(ctx, n, units[n%4], ks, at, rule); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				n++
				if _, _, err := s.ObserveReport(ctx, n, units[n%4], ks, at, rule); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
