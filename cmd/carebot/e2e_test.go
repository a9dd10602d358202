package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/bot"
	"carebot/slackfake"
	"carebot/store"
	"carebot/ticket"
	"carebot/triage"
)

func TestDMBecomesTicketWithThreadedReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	const text = "barcode scanner on 4 West cart 3 won't read wristbands, med pass waiting"
	m := h.fake.DM(nurse(1), text)
	reply := h.replyTo(m)
	if id := ticketIDPattern.FindString(reply.Text); id != "IT-1" {
		t.Fatalf("reply %q does not name ticket IT-1", reply.Text)
	}
	if !strings.Contains(reply.Text, "barcode scanner") || !strings.Contains(reply.Text, "4 West") {
		t.Errorf("reply %q does not say what was understood", reply.Text)
	}
	var tk *ticket.Ticket
	h.eventually("the reply is recorded on the ticket", func() bool {
		got := h.tickets(nurse(1))
		if len(got) != 1 {
			t.Fatalf("nurse has %d tickets, want 1", len(got))
		}
		tk = got[0]
		return tk.ReplyTS != "" && !strings.HasPrefix(tk.ReplyTS, "pending")
	})
	if tk.Status != ticket.StatusTriage || tk.Category != ticket.CategoryScanner || tk.Location != "4 West" ||
		tk.Channel != m.Channel || tk.ThreadTS != m.TS || tk.ReplyTS != reply.TS || tk.Source != ticket.SourceDM {
		t.Errorf("stored ticket = %+v", tk)
	}
	h.mustNotLog(text, "wristbands", h.fake.BotToken(), h.fake.AppToken())
}

func TestFollowUpInThreadJoinsTheTicket(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "printer on 4 West is jammed")
	h.replyTo(m)
	f := h.fake.ChannelMessage(m.Channel, nurse(1), "it's the label printer at the station", m.TS)
	h.eventually("the follow-up is acknowledged with a reaction", func() bool {
		for _, r := range h.fake.Reactions() {
			if r.Channel == f.Channel && r.TS == f.TS {
				return true
			}
		}
		return false
	})
	if got := h.tickets(nurse(1)); len(got) != 1 {
		t.Fatalf("nurse has %d tickets after a follow-up, want 1", len(got))
	}
	if n := h.postsIn(m); n != 1 {
		t.Errorf("%d bot posts in the thread, want only the first reply", n)
	}
	h.mustNotLog("label printer at the station")
}

func TestRetriedDeliveryMakesOneTicket(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})

	ev := map[string]any{
		"type": "message", "channel_type": "im", "channel": "D0NURSE1", "user": nurse(1),
		"text": "wifi down in ICU", "ts": "1764230400.000100", "event_ts": "1764230400.000100",
	}
	id := h.fake.SendEvent(ev)
	h.fake.SendEventRetry(ev, id, 1)
	m := h.fakeMessage("D0NURSE1", "1764230400.000100")
	h.replyTo(m)
	h.eventually("both deliveries are acked", func() bool { return counter(r, "events_api", "duplicate") >= 1 })
	if got := h.tickets(nurse(1)); len(got) != 1 {
		t.Fatalf("%d tickets from one event delivered twice, want 1", len(got))
	}
	h.settled(r, 1)
	if n := h.postsIn(m); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestMentionAndChannelMessageOfOneMessageMakeOneTicket(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.cfg.IntakeChannels = []string{"C0HELPDESK"}
	r := h.start(bot.Options{})

	m := h.fake.Mention("C0HELPDESK", nurse(2), "EHR frozen on 5 North", "")
	h.fake.SendEvent(map[string]any{
		"type": "message", "channel_type": "channel", "channel": "C0HELPDESK", "user": nurse(2),
		"text": "<@" + h.fake.BotUserID() + "> EHR frozen on 5 North", "ts": m.TS, "event_ts": m.TS,
	})
	h.replyTo(m)
	h.settled(r, 2) // both deliveries stored and handled
	if got := h.tickets(nurse(2)); len(got) != 1 {
		t.Fatalf("%d tickets from one message seen as mention and channel message, want 1", len(got))
	}
	if n := h.postsIn(m); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestChannelMessagesOutsideIntakeAreIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.cfg.IntakeChannels = []string{"C0HELPDESK"}
	r := h.start(bot.Options{})

	h.fake.ChannelMessage("C0DESK", nurse(3), "anyone seen the toner?", "")
	intake := h.fake.ChannelMessage("C0HELPDESK", nurse(3), "toner empty on 4 West printer", "")
	h.replyTo(intake)
	if got := h.tickets(nurse(3)); len(got) != 1 {
		t.Fatalf("%d tickets, want 1 (only the intake channel's message)", len(got))
	}
	if counter(r, "events_api", "ignored") < 1 {
		t.Error("the non-intake channel message was not counted as ignored")
	}
}

func TestOwnEchoedPostIsIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "monitor on the WOW is black")
	h.replyTo(m)
	// The stand-in echoes the reply back as a message event with bot_id.
	h.eventually("the echo of the bot's own reply is acked as ignored", func() bool {
		return counter(r, "events_api", "ignored") >= 1
	})
	h.settled(r, 1)
	if got := h.tickets(nurse(1)); len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
	if got := h.tickets(h.fake.BotUserID()); len(got) != 0 {
		t.Fatalf("the bot's own post became %d tickets", len(got))
	}
}

func TestReconnectsAfterDisconnect(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})

	h.fake.Disconnect("refresh_requested")
	h.eventually("the bot reconnects", func() bool { return h.fake.Opened() >= 2 && h.fake.Connections() == 1 && r.app.bot.Connected() })
	m := h.fake.DM(nurse(1), "pager not receiving pages")
	if id := ticketIDPattern.FindString(h.replyTo(m).Text); id == "" {
		t.Fatal("no ticket ID in the reply after reconnecting")
	}
	if got := counterValue(r.app.metrics.Reconnects); got < 1 {
		t.Errorf("reconnects metric = %v, want ≥ 1", got)
	}
}

func TestRateLimitedPostWaitsAndPostsOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})

	h.fake.Fail("chat.postMessage", http.StatusTooManyRequests, time.Second, 1)
	sent := time.Now()
	m := h.fake.DM(nurse(1), "Citrix won't launch")
	h.replyTo(m)
	if waited := time.Since(sent); waited < 900*time.Millisecond {
		t.Errorf("reply came %v after the report; it should have waited out Retry-After: 1", waited)
	}
	h.settled(r, 1)
	if n := h.postsIn(m); n != 1 {
		t.Errorf("%d replies, want exactly 1", n)
	}
	if got := h.fake.Calls("chat.postMessage"); got != 2 {
		t.Errorf("chat.postMessage called %d times, want 2 (429, then the post)", got)
	}
}

func TestRedisOutageLeavesEventUnackedUntilRedisReturns(t *testing.T) {
	t.Parallel()
	// Slack re-delivers after about 0 s, 1 min and 5 min; scaled down here so
	// the outage ends before the last retry.
	h := newHarness(t, harnessOptions{proxied: true, fake: []slackfake.Option{slackfake.WithRetryDelays(0, 1500*time.Millisecond, 3*time.Second)}})
	r := h.start(bot.Options{})

	h.proxy.cut()
	m := h.fake.DM(nurse(1), "phone on 5 North dead")
	h.eventually("the stand-in re-delivers the unacked event", func() bool { return h.fake.Deliveries(m.EventID) >= 2 })
	h.eventually("the event is refused while Redis is down", func() bool { return counter(r, "events_api", "refused") >= 1 })
	for _, env := range h.fake.EnvelopeIDs(m.EventID) {
		if h.fake.Acked(env) {
			t.Fatalf("envelope %s was acked while Redis was down", env)
		}
	}
	h.proxy.restore()
	reply := h.replyTo(m)
	if ticketIDPattern.FindString(reply.Text) == "" {
		t.Fatalf("reply %q names no ticket", reply.Text)
	}
	if got := h.tickets(nurse(1)); len(got) != 1 {
		t.Fatalf("%d tickets after the outage, want 1", len(got))
	}
}

func TestOtherReplicaFinishesWorkOfStoppedReplica(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	first := h.start(bot.Options{})

	// The first replica acks and stores the report, creates the ticket, but its
	// reply fails with an unknown outcome, so the inbox entry stays pending...
	h.fake.Fail("chat.postMessage", http.StatusInternalServerError, 0, 1)
	m := h.fake.DM(nurse(1), "Pyxis on ICU won't open")
	if _, err := h.fake.WaitEventAck(h.ctx(), m.EventID); err != nil {
		t.Fatal(err)
	}
	h.eventually("the first replica's handler fails", func() bool {
		return counterValue(first.app.metrics.HandlerErrors.WithLabelValues("message.im")) >= 1
	})
	// ...and then it stops, before it would retry.
	first.stop()
	// Long enough later that the reply it claimed is looked for, not awaited.
	h.clock.Advance(time.Minute)

	h.start(bot.Options{})
	reply := h.replyTo(m)
	if ticketIDPattern.FindString(reply.Text) != "IT-1" {
		t.Fatalf("reply %q does not name IT-1", reply.Text)
	}
	if got := h.tickets(nurse(1)); len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})

	t.Run("whitespace-only message gets a prompt and no ticket", func(t *testing.T) {
		m := h.fake.DM(nurse(4), "  \t \n ")
		if reply := h.replyTo(m); !strings.Contains(reply.Text, "didn't catch") {
			t.Errorf("reply = %q", reply.Text)
		}
		if got := h.tickets(nurse(4)); len(got) != 0 {
			t.Errorf("%d tickets from an empty message", len(got))
		}
	})
	t.Run("40,000 characters are stored cut, with control characters dropped", func(t *testing.T) {
		text := "printer jam\x00\x07 " + strings.Repeat("x", 40000)
		m := h.fake.DM(nurse(5), text)
		h.replyTo(m)
		got := h.tickets(nurse(5))
		if len(got) != 1 {
			t.Fatalf("%d tickets", len(got))
		}
		if s := got[0].Summary; len([]rune(s)) > triage.MaxTextRunes+1 || strings.ContainsAny(s, "\x00\x07") {
			t.Errorf("summary has %d runes or control characters", len([]rune(s)))
		}
	})
	t.Run("unknown envelope type is acked", func(t *testing.T) {
		h.fake.SendRaw([]byte(`{"envelope_id":"env-mystery","type":"mystery","payload":{},"accepts_response_payload":false}`))
		h.eventually("the unknown envelope is acked", func() bool { return h.fake.Acked("env-mystery") })
	})
	t.Run("unknown inner event type is acked", func(t *testing.T) {
		id := h.fake.SendEvent(map[string]any{"type": "made_up_event", "user": nurse(6)})
		if _, err := h.fake.WaitEventAck(h.ctx(), id); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("malformed JSON does not stop the bot", func(t *testing.T) {
		h.fake.SendRaw([]byte(`{"envelope_id": "broken`))
		m := h.fake.DM(nurse(7), "scanner dead in ED")
		h.replyTo(m)
	})
	t.Run("unknown slash command gets a clear reply", func(t *testing.T) {
		env := h.fake.SlashCommand("/nope", "", nurse(7), "C0X")
		ack, err := h.fake.WaitAck(h.ctx(), env.ID)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Text string }
		if err := json.Unmarshal(ack.Payload, &p); err != nil || !strings.Contains(p.Text, "/nope") {
			t.Errorf("ack payload = %s", ack.Payload)
		}
	})
	t.Run("/ticket with no arguments replies with usage", func(t *testing.T) {
		env := h.fake.SlashCommand("/ticket", "", nurse(7), "C0X")
		ack, err := h.fake.WaitAck(h.ctx(), env.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(ack.Payload), "/ticket show ID") {
			t.Errorf("ack payload = %s", ack.Payload)
		}
	})
	if counter(r, "error_bad_message", "bad")+counter(r, "mystery", "bad")+counter(r, "events_api", "bad") < 1 {
		t.Error("bad envelopes were not counted")
	}
}

func TestTicketShowIsLimitedToRequesterAndStaff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})

	m := h.fake.DM(nurse(1), "badge tap login broken at 4 West station")
	h.replyTo(m)
	show := func(user string) string {
		env := h.fake.SlashCommand("/ticket", "show IT-1", user, "C0X")
		ack, err := h.fake.WaitAck(h.ctx(), env.ID)
		if err != nil {
			t.Fatal(err)
		}
		return string(ack.Payload)
	}
	if got := show(nurse(1)); !strings.Contains(got, "IT-1") || !strings.Contains(got, "badge tap") {
		t.Errorf("requester sees %s", got)
	}
	staff := h.cfg.Teams[0].Rotation.Members[0]
	if got := show(staff); !strings.Contains(got, "badge tap") {
		t.Errorf("specialist sees %s", got)
	}
	if got := show(nurse(2)); strings.Contains(got, "badge tap") || !strings.Contains(got, "can't find") {
		t.Errorf("another nurse sees %s", got)
	}
}

func TestHTTPEndpoints(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{proxied: true})
	r := h.start(bot.Options{})
	srv := httptest.NewServer(r.app.mux())
	defer srv.Close()
	get := func(path string) (int, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	h.replyTo(h.fake.DM(nurse(1), "printer jammed"))
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	_, metrics := get("/metrics")
	for _, name := range []string{
		"carebot_envelopes_total", "carebot_ack_latency_seconds", "carebot_tickets_created_total",
		"carebot_slack_api_calls_total", "carebot_socket_reconnects_total", "carebot_inbox_lag_seconds",
	} {
		if !strings.Contains(metrics, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if !strings.Contains(metrics, `carebot_tickets_created_total{source="dm"} 1`) {
		t.Errorf("/metrics does not count the ticket created")
	}
	h.proxy.cut()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "redis") || strings.Contains(body, "slack") {
		t.Errorf("/readyz with Redis down = %d %q, want 503 naming redis only", code, body)
	}
	h.proxy.restore()
	r.stop() // the socket closes
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "slack") {
		t.Errorf("/readyz with the socket closed = %d %q, want 503 naming slack", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d while not ready; liveness must not follow readiness", code)
	}
}

func TestStoppedReplicaLeavesTheInboxGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{Consumer: "replica-a"})
	h.replyTo(h.fake.DM(nurse(1), "printer jammed"))
	r.stop()

	opts, err := redis.ParseURL(h.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	consumers, err := rdb.XInfoConsumers(h.ctx(), "carebot:{"+h.fake.TeamID()+"}:inbox", store.InboxGroup).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range consumers {
		if c.Name == "replica-a" {
			t.Fatalf("stopped replica still in the inbox group: %+v", c)
		}
	}
}
