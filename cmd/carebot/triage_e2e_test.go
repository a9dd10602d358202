package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"carebot/bot"
	"carebot/config"
	"carebot/slackfake"
	"carebot/ticket"
)

// press clicks the button with actionID in a post, as user.
func (h *harness) press(p slackfake.Post, actionID, user string) slackfake.Envelope {
	h.t.Helper()
	env, err := h.fake.Press(p, actionID, user)
	if err != nil {
		h.t.Fatal(err)
	}
	return env
}

// nextPost waits for the bot's next post in m's thread after the n it has made.
func (h *harness) nextPost(m slackfake.Message, n int) slackfake.Post {
	h.t.Helper()
	var got slackfake.Post
	h.eventually(fmt.Sprintf("post %d in the thread", n+1), func() bool {
		i := 0
		for _, p := range h.fake.Posts() {
			if p.Channel == m.Channel && p.ThreadTS == m.TS && !p.Ephemeral {
				if i == n {
					got = p
					return true
				}
				i++
			}
		}
		return false
	})
	return got
}

func (h *harness) ticket(user string) *ticket.Ticket {
	h.t.Helper()
	ts := h.tickets(user)
	if len(ts) != 1 {
		h.t.Fatalf("%s has %d tickets, want 1", user, len(ts))
	}
	return ts[0]
}

func TestTriageQuestionsAnsweredByButtonAndText(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "label printer on 4 West keeps jamming")
	first := h.nextPost(m, 0)
	if !strings.Contains(first.Text, "IT-1") || !strings.Contains(first.Text, "Is patient care affected?") {
		t.Fatalf("first reply = %q; want the ticket ID and the patient-care question", first.Text)
	}
	if tk := h.ticket(nurse(1)); tk.Status != ticket.StatusTriage {
		t.Fatalf("status while asking = %s", tk.Status)
	}

	// A button pressed by someone else changes nothing.
	other := h.press(first, "triage_care_blocked", nurse(9))
	h.eventually("the stranger is told off", func() bool {
		return responseTo(h, other.ResponseURL, "Only the person who reported")
	})

	h.press(first, "triage_care_blocked", nurse(1))
	second := h.nextPost(m, 1)
	if !strings.Contains(second.Text, "Who is affected?") {
		t.Fatalf("second question = %q; want scope", second.Text)
	}
	h.fake.ChannelMessage(m.Channel, nurse(1), "just me", m.TS)
	third := h.nextPost(m, 2)
	if !strings.Contains(third.Text, "asset tag") {
		t.Fatalf("third question = %q; want the device", third.Text)
	}
	h.fake.ChannelMessage(m.Channel, nurse(1), "PRN-4W-02", m.TS)
	routed := h.nextPost(m, 3)
	tk := h.ticket(nurse(1))
	if tk.Status != ticket.StatusOpen || tk.Care != "blocked" || tk.Scope != "one" || tk.Device != "PRN-4W-02" {
		t.Fatalf("ticket after triage = %+v", tk)
	}
	if tk.Priority > ticket.P2 || tk.Reasons == "" {
		t.Errorf("a clinical printer blocking care got %s (%q); want at least P2 with reasons", tk.Priority, tk.Reasons)
	}
	if !strings.Contains(routed.Text, tk.Priority.String()) || !strings.Contains(routed.Text, tk.Reasons) {
		t.Errorf("routing message %q does not give the priority and its reasons", routed.Text)
	}
}

func responseTo(h *harness, url, want string) bool {
	for _, p := range h.fake.ResponseURLPosts() {
		if p.URL == url && strings.Contains(p.Text, want) {
			return true
		}
	}
	return false
}

func TestP1ReportSkipsQuestions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart or give meds, patients waiting")
	reply := h.replyTo(m)
	tk := h.ticket(nurse(1))
	if tk.Status != ticket.StatusOpen || tk.Priority != ticket.P1 {
		t.Fatalf("outage report = %s %s; want open P1 at once", tk.Status, tk.Priority)
	}
	if strings.Contains(reply.Text, "?") || !strings.Contains(reply.Text, "P1") {
		t.Errorf("reply to a P1 report = %q; want no question and the priority", reply.Text)
	}
}

func TestCancelWithdrawsReportInTriage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "monitor flickering on the WOW")
	h.nextPost(m, 0)
	h.fake.ChannelMessage(m.Channel, nurse(1), "Cancel", m.TS)
	if got := h.nextPost(m, 1); !strings.Contains(got.Text, "withdrawn") {
		t.Fatalf("reply to cancel = %q", got.Text)
	}
	if tk := h.ticket(nurse(1)); tk.Status != ticket.StatusCancelled {
		t.Fatalf("status after cancel = %s", tk.Status)
	}
}

func TestSilentRequesterIsRoutedAfterTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "scanner in ICU acting up")
	h.nextPost(m, 0)
	h.clock.Advance(h.cfg.TriageTimeout - time.Second)
	h.waitSweeps(3) // none of them may route it yet
	if tk := h.ticket(nurse(1)); tk.Status != ticket.StatusTriage {
		t.Fatalf("routed %s before the timeout", tk.Status)
	}
	h.clock.Advance(time.Second)
	got := h.nextPost(m, 1)
	if !strings.Contains(got.Text, "haven't heard back") {
		t.Fatalf("timeout message = %q", got.Text)
	}
	tk := h.ticket(nurse(1))
	// A scanner is medium impact; silence counts patient care as blocked: P2.
	// Had it been routed as "slowed", it would be P3.
	if tk.Status != ticket.StatusOpen || tk.Priority != ticket.P2 || !strings.Contains(tk.Reasons, "no answer") || tk.Care != "" {
		t.Fatalf("after the timeout: %s %s (%s), care %q; want open P2, saying it assumed blocked care and keeping care unknown",
			tk.Status, tk.Priority, tk.Reasons, tk.Care)
	}
}

func TestSelfHelp(t *testing.T) {
	t.Parallel()
	newSelfHelpHarness := func(t *testing.T) *harness {
		h := newHarness(t, harnessOptions{})
		h.cfg.SelfHelp = []config.SelfHelp{{Keywords: []string{"password", "reset"}, Answer: "Reset it at the self-service portal or call x4357."}}
		h.start(bot.Options{})
		return h
	}
	t.Run("that fixed it closes the ticket as self-served", func(t *testing.T) {
		t.Parallel()
		h := newSelfHelpHarness(t)
		m := h.fake.DM(nurse(1), "forgot my password again")
		offer := h.nextPost(m, 0)
		if !strings.Contains(offer.Text, "self-service portal") {
			t.Fatalf("offer = %q", offer.Text)
		}
		h.press(offer, "selfhelp_fixed", nurse(1))
		h.eventually("the ticket is closed as self-served", func() bool {
			tk := h.ticket(nurse(1))
			return tk.Status == ticket.StatusResolved && tk.Resolution == ticket.ResolutionSelfServed
		})
	})
	t.Run("I still need help goes on with triage", func(t *testing.T) {
		t.Parallel()
		h := newSelfHelpHarness(t)
		m := h.fake.DM(nurse(1), "password reset didn't work, locked out")
		offer := h.nextPost(m, 0)
		h.press(offer, "selfhelp_more", nurse(1))
		next := h.nextPost(m, 1)
		if !strings.Contains(next.Text, "Is patient care affected?") {
			t.Fatalf("after 'I still need help': %q; want the first triage question", next.Text)
		}
		if tk := h.ticket(nurse(1)); tk.Status == ticket.StatusResolved {
			t.Fatal("the ticket was closed although the requester still needs help")
		}
	})
}

func TestSSNLeavesNoTrace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})

	const ssn = "219-09-9999"
	m := h.fake.DM(nurse(1), "label printer on 4 West jammed printing for pt SSN "+ssn+" please fix")
	h.nextPost(m, 0)
	h.eventually("the private reminder", func() bool {
		for _, p := range h.fake.Posts() {
			if p.Ephemeral && p.User == nurse(1) && strings.Contains(p.Text, "Social Security number") {
				return true
			}
		}
		return false
	})
	f := h.fake.ChannelMessage(m.Channel, nurse(1), "also his SSN is "+ssn, m.TS)
	h.eventually("the follow-up is handled", func() bool {
		for _, r := range h.fake.Reactions() {
			if r.TS == f.TS {
				return true
			}
		}
		return false
	})

	if tk := h.ticket(nurse(1)); strings.Contains(tk.Summary, ssn) || !strings.Contains(tk.Summary, "[SSN removed]") {
		t.Errorf("summary = %q", tk.Summary)
	}
	for _, p := range h.fake.Posts() {
		text, blocks := p.Current()
		if strings.Contains(text, ssn) || strings.Contains(string(blocks), ssn) {
			t.Errorf("a post carries the SSN: %q", text)
		}
	}
	h.mustNotLog(ssn, "219-09", "9999")
	if got := testutil.ToFloat64(r.app.metrics.PHIDetections.WithLabelValues("SSN")); got != 2 {
		t.Errorf("SSN detections counted = %v, want 2 (the report and the follow-up)", got)
	}
	opts, _ := redis.ParseURL(h.redisURL)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, "carebot:{"+h.fake.TeamID()+"}:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if v := readKey(t, rdb, k); strings.Contains(v, ssn) {
			t.Errorf("Redis key %s holds the SSN", k)
		}
	}
}

// readKey renders every value of a Redis key as text, whatever its type.
func readKey(t *testing.T, rdb *redis.Client, key string) string {
	t.Helper()
	ctx := context.Background()
	typ, err := rdb.Type(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch typ {
	case "string":
		v, err = rdb.Get(ctx, key).Result()
	case "hash":
		v, err = rdb.HGetAll(ctx, key).Result()
	case "zset":
		v, err = rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
	case "stream":
		v, err = rdb.XRange(ctx, key, "-", "+").Result()
	case "list":
		v, err = rdb.LRange(ctx, key, 0, -1).Result()
	case "set":
		v, err = rdb.SMembers(ctx, key).Result()
	default:
		t.Fatalf("key %s has type %s", key, typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v)
}

func TestSlackMarkupIsNeverStoredOrEchoed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "<!channel> <@U0SOMEONE> printer on <#C0DESK|desk> 4 West jammed, see <https://intranet/kb|the KB>")
	h.nextPost(m, 0)
	tk := h.ticket(nurse(1))
	for _, markup := range []string{"<!channel>", "<@U0SOMEONE>", "<#C0DESK", "<https://"} {
		if strings.Contains(tk.Summary, markup) {
			t.Errorf("summary %q keeps Slack markup %s", tk.Summary, markup)
		}
	}
	for _, p := range h.fake.Posts() {
		if text, _ := p.Current(); strings.Contains(text, "<!channel>") || strings.Contains(text, "<@U0SOMEONE>") {
			t.Errorf("a post echoes a live mention: %q", text)
		}
	}
}

func TestAnswersInOwnWordsAndSkip(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	defer func() {
		if t.Failed() {
			for _, p := range h.fake.Posts() {
				t.Logf("post %s %s eph=%v: %q", p.Channel, p.ThreadTS, p.Ephemeral, p.Text)
			}
			t.Log(h.logs.String())
		}
	}()

	m := h.fake.DM(nurse(1), "the computer keeps freezing")
	if q := h.nextPost(m, 0); !strings.Contains(q.Text, "Is patient care affected?") {
		t.Fatalf("first question %q", q.Text)
	}
	h.fake.ChannelMessage(m.Channel, nurse(1), "yes totally blocked, can't document", m.TS)
	if q := h.nextPost(m, 1); !strings.Contains(q.Text, "Who is affected?") {
		t.Fatalf("second question %q", q.Text)
	}
	// A top-level DM answering the button question, as a nurse on a phone does.
	h.fake.DM(nurse(1), "just me")
	if q := h.nextPost(m, 2); !strings.Contains(q.Text, "Where are you?") {
		t.Fatalf("third question %q", q.Text)
	}
	h.fake.ChannelMessage(m.Channel, nurse(1), "4W rm 12", m.TS)
	if q := h.nextPost(m, 3); !strings.Contains(q.Text, "Thanks") {
		t.Fatalf("after three answers: %q; want routing (at most three questions)", q.Text)
	}
	tk := h.ticket(nurse(1))
	if tk.Care != "blocked" || tk.Scope != "one" || tk.Location != "4 West, room 12" || tk.Status != ticket.StatusOpen {
		t.Fatalf("ticket = care %q scope %q location %q status %s", tk.Care, tk.Scope, tk.Location, tk.Status)
	}
	if n := len(h.tickets(nurse(1))); n != 1 {
		t.Fatalf("the top-level answer opened a ticket of its own: %d tickets", n)
	}

	// Skip on the device question.
	m2 := h.fake.DM(nurse(2), "label printer on 5 North jammed, patients waiting on wristbands")
	var devQ slackfake.Post
	for i := 0; ; i++ {
		devQ = h.nextPost(m2, i)
		if strings.Contains(devQ.Text, "asset tag") {
			break
		}
		if strings.Contains(devQ.Text, "Thanks") || i > 3 {
			t.Fatalf("no device question; last post %q", devQ.Text)
		}
		if strings.Contains(devQ.Text, "Who is affected?") {
			h.press(devQ, "triage_scope_unit", nurse(2))
		}
		if strings.Contains(devQ.Text, "Is patient care affected?") {
			h.press(devQ, "triage_care_slowed", nurse(2))
		}
	}
	h.press(devQ, "triage_device_skip", nurse(2))
	h.eventually("routed after Skip", func() bool { return h.ticket(nurse(2)).Status == ticket.StatusOpen })
	if d := h.ticket(nurse(2)).Device; d != "" {
		t.Errorf("device after Skip = %q", d)
	}
}

func TestP1WithSelfHelpKeywordIsNotHeldUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.cfg.SelfHelp = []config.SelfHelp{{Keywords: []string{"password"}, Answer: "Reset it at the portal."}}
	h.start(bot.Options{})
	m := h.fake.DM(nurse(1), "Epic down for the whole ED, can't chart or give meds, patients waiting, password screen hangs")
	reply := h.nextPost(m, 0)
	if tk := h.ticket(nurse(1)); tk.Status != ticket.StatusOpen || tk.Priority != ticket.P1 {
		t.Fatalf("P1 with a self-help keyword: %s %s", tk.Status, tk.Priority)
	}
	if strings.Contains(reply.Text, "portal") {
		t.Errorf("an outage was offered self-help first: %q", reply.Text)
	}
}

func TestTicketNewByCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	if got := h.slash("/ticket", nurse(1), "C0ANY", "new"); !strings.Contains(got, "Usage") {
		t.Errorf("/ticket new with no text answered %s", got)
	}
	if got := h.slash("/ticket", nurse(1), "C0ANY", "new label printer on 4 West is jammed"); !strings.Contains(got, "direct messages") {
		t.Fatalf("/ticket new answered %s", got)
	}
	var root slackfake.Post
	h.eventually("the report is written into the DM", func() bool {
		for _, p := range h.fake.Posts() {
			if p.Channel == "D"+nurse(1) && p.ThreadTS == "" && strings.HasPrefix(p.Text, "Your report:") {
				root = p
				return true
			}
		}
		return false
	})
	first := h.nextPost(slackfake.Message{Channel: root.Channel, TS: root.TS}, 0)
	if !strings.Contains(first.Text, "IT-1") || !strings.Contains(first.Text, "?") {
		t.Fatalf("reply in the DM thread = %q; want the ticket and its first question", first.Text)
	}
	if tk := h.ticket(nurse(1)); tk.Source != ticket.SourceCommand || tk.Category != ticket.CategoryPrinter {
		t.Fatalf("ticket = source %s category %s", tk.Source, tk.Category)
	}
}

// When two services are about equally likely, the first question asks which
// one fails; the answer decides the category, and with it the questions that
// follow and the team the ticket goes to.
func TestUnsureCategoryIsAskedFirst(t *testing.T) {
	t.Parallel()
	t.Run("by button", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, harnessOptions{})
		h.start(bot.Options{})
		m := h.fake.DM(nurse(1), "cant scan meds on 5 West, epic keeps freezing")
		first := h.nextPost(m, 0)
		if !strings.Contains(first.Text, "Is it the scanner itself, or Epic?") {
			t.Fatalf("first reply = %q; want the scanner-or-Epic question", first.Text)
		}
		h.press(first, "triage_category_second", nurse(1))
		second := h.nextPost(m, 1)
		tk := h.ticket(nurse(1))
		// Meds that cannot be given make the EHR, a high-impact service, P1:
		// routed at once, with no more questions.
		if tk.Category != ticket.CategoryEHR || tk.Status != ticket.StatusOpen || tk.Priority != ticket.P1 {
			t.Fatalf("after choosing Epic: %s %s %s; want ehr, open, P1", tk.Category, tk.Status, tk.Priority)
		}
		if !strings.Contains(second.Text, "Clinical Applications") {
			t.Errorf("reply after the choice = %q; want the EHR team", second.Text)
		}
		again := h.press(first, "triage_category_first", nurse(1))
		h.eventually("a second press is told it was answered", func() bool {
			return responseTo(h, again.ResponseURL, "answered already")
		})
		if tk := h.ticket(nurse(1)); tk.Category != ticket.CategoryEHR {
			t.Errorf("a stale press changed the category to %s", tk.Category)
		}
	})
	t.Run("in words", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, harnessOptions{})
		h.start(bot.Options{})
		m := h.fake.DM(nurse(1), "cant scan meds on 5 West, epic keeps freezing")
		h.nextPost(m, 0)
		h.fake.ChannelMessage(m.Channel, nurse(1), "the scanner, epic is fine", m.TS)
		next := h.nextPost(m, 1)
		if tk := h.ticket(nurse(1)); tk.Category != ticket.CategoryScanner || tk.Status != ticket.StatusTriage {
			t.Fatalf("after answering 'the scanner': %s %s; want scanner, still in triage", tk.Category, tk.Status)
		}
		// A scanner has an asset tag: a question the EHR guess did not have.
		if !strings.Contains(next.Text, "Who is affected?") {
			t.Errorf("question after the choice = %q; want scope", next.Text)
		}
		h.fake.ChannelMessage(m.Channel, nurse(1), "just me", m.TS)
		if got := h.nextPost(m, 2); !strings.Contains(got.Text, "asset tag") {
			t.Errorf("question after scope = %q; want the scanner's asset tag", got.Text)
		}
	})
	t.Run("silence routes the best guess", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, harnessOptions{})
		h.start(bot.Options{})
		m := h.fake.DM(nurse(1), "cant scan meds on 5 West, epic keeps freezing")
		h.nextPost(m, 0)
		h.clock.Advance(h.cfg.TriageTimeout)
		h.nextPost(m, 1)
		if tk := h.ticket(nurse(1)); tk.Status != ticket.StatusOpen || tk.Category != ticket.CategoryScanner {
			t.Fatalf("after the timeout: %s %s; want open, as scanner", tk.Status, tk.Category)
		}
	})
}
