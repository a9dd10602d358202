package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// waitTimeout bounds every wait in these tests.
const waitTimeout = 5 * time.Second

// bot is a real slack-go Socket Mode client connected to a Server.
type bot struct {
	api    *slack.Client
	client *socketmode.Client
	events chan socketmode.Event
}

// newServer starts a Server that logs to the test and closes with it.
func newServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := New(append([]Option{WithLogf(t.Logf), WithPingInterval(time.Second)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// connect runs a slack-go Socket Mode client against s until the test ends.
func connect(t *testing.T, s *Server) *bot {
	t.Helper()
	api := slack.New(s.BotToken(), slack.OptionAppLevelToken(s.AppToken()), slack.OptionAPIURL(s.APIURL()))
	b := &bot{api: api, client: socketmode.New(api), events: make(chan socketmode.Event, 100)}
	ctx, cancel := context.WithCancel(context.Background())
	ran, pumped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ran)
		_ = b.client.RunContext(ctx)
	}()
	go func() {
		defer close(pumped)
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-b.client.Events:
				select {
				case b.events <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-ran
		<-pumped
	})
	return b
}

// next returns the client's next event of the given type, skipping others.
func (b *bot) next(t *testing.T, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case e := <-b.events:
			if e.Type == typ {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s event within %s", typ, waitTimeout)
		}
	}
}

// nextMessage returns the next events_api envelope carrying a message event.
func (b *bot) nextMessage(t *testing.T) (socketmode.Event, *slackevents.MessageEvent) {
	t.Helper()
	for {
		e := b.next(t, socketmode.EventTypeEventsAPI)
		if m, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent); ok {
			return e, m
		}
	}
}

func eventID(t *testing.T, e socketmode.Event) string {
	t.Helper()
	var cb struct {
		EventID string `json:"event_id"`
	}
	if err := json.Unmarshal(e.Request.Payload, &cb); err != nil {
		t.Fatalf("event_callback: %v", err)
	}
	return cb.EventID
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// recv returns the next post on a feed.
func recv(t *testing.T, feed <-chan Post) Post {
	t.Helper()
	select {
	case p := <-feed:
		return p
	case <-time.After(waitTimeout):
		t.Fatalf("nothing on the feed within %s", waitTimeout)
		return Post{}
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, waitTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAckedEventIsRecordedAndNotRedelivered(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAckTimeout(500*time.Millisecond), WithRetryDelays(0))
	b := connect(t, s)
	hello := b.next(t, socketmode.EventTypeHello)
	if hello.Request.NumConnections != 1 || hello.Request.ConnectionInfo.AppID != "A0FAKE" {
		t.Errorf("hello = %+v", hello.Request)
	}

	sent := s.DM("U1", "hello there")
	e, m := b.nextMessage(t)
	if m.Channel != "DU1" || m.ChannelType != "im" || m.User != "U1" || m.Text != "hello there" || m.TimeStamp != sent.TS {
		t.Errorf("message = %+v", m)
	}
	if e.Request.RetryAttempt != 0 || e.Request.RetryReason != "" || e.Request.AcceptsResponsePayload {
		t.Errorf("envelope = %+v", e.Request)
	}
	if got := eventID(t, e); got != sent.EventID {
		t.Errorf("event_id = %q, want %q", got, sent.EventID)
	}
	ev := e.Data.(slackevents.EventsAPIEvent)
	if ev.TeamID != "T0FAKE" || ev.APIAppID != "A0FAKE" || ev.Type != slackevents.CallbackEvent {
		t.Errorf("outer event = %+v", ev)
	}

	if err := b.client.Ack(*e.Request); err != nil {
		t.Fatal(err)
	}
	ack, err := s.WaitAck(ctxT(t), e.Request.EnvelopeID)
	if err != nil {
		t.Fatal(err)
	}
	if !ack.Known || ack.Payload != nil || !s.Acked(e.Request.EnvelopeID) {
		t.Errorf("ack = %+v", ack)
	}
	time.Sleep(700 * time.Millisecond) // past the ack deadline
	if n := s.Deliveries(sent.EventID); n != 1 {
		t.Errorf("deliveries = %d, want 1", n)
	}
}

func TestUnackedEventIsRedeliveredAsRetry(t *testing.T) {
	t.Parallel()
	// A long second delay keeps a slow ack under -race from drawing a second retry.
	s := newServer(t, WithAckTimeout(100*time.Millisecond), WithRetryDelays(0, time.Hour))
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)

	sent := s.DM("U1", "anyone?")
	first, _ := b.nextMessage(t)
	retry, _ := b.nextMessage(t)
	if retry.Request.RetryAttempt != 1 || retry.Request.RetryReason != "timeout" {
		t.Errorf("retry envelope = %+v", retry.Request)
	}
	if retry.Request.EnvelopeID == first.Request.EnvelopeID {
		t.Error("retry reused the envelope_id")
	}
	if eventID(t, retry) != sent.EventID {
		t.Errorf("retry event_id = %q, want %q", eventID(t, retry), sent.EventID)
	}
	if err := b.client.Ack(*retry.Request); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitEventAck(ctxT(t), sent.EventID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := s.Deliveries(sent.EventID); n != 2 {
		t.Errorf("deliveries = %d, want 2", n)
	}
	if got := s.EnvelopeIDs(sent.EventID); len(got) != 2 {
		t.Errorf("envelopes = %v", got)
	}
	if lost := s.Lost(); len(lost) != 0 {
		t.Errorf("lost = %v", lost)
	}
}

func TestEventIsLostAfterThreeRetries(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithAckTimeout(50*time.Millisecond), WithRetryDelays(0, 10*time.Millisecond, 20*time.Millisecond))
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)

	sent := s.DM("U1", "ignored")
	for want := range 4 {
		e, _ := b.nextMessage(t)
		if e.Request.RetryAttempt != want {
			t.Errorf("delivery %d: retry_attempt = %d", want, e.Request.RetryAttempt)
		}
	}
	eventually(t, "event lost", func() bool { return len(s.Lost()) == 1 })
	if got := s.Lost()[0]; got != sent.EventID {
		t.Errorf("lost = %q, want %q", got, sent.EventID)
	}
	if n := s.Deliveries(sent.EventID); n != 4 {
		t.Errorf("deliveries = %d, want 4", n)
	}
}

func TestEventSentWhileDisconnectedArrivesAsRetry(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SendEvent(map[string]any{"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home", "event_ts": "1700000000.000100"})
	b := connect(t, s)
	e := b.next(t, socketmode.EventTypeEventsAPI)
	if e.Request.RetryAttempt != 1 || e.Request.RetryReason != "timeout" || eventID(t, e) != id {
		t.Errorf("envelope = %+v, event_id %s", e.Request, eventID(t, e))
	}
	if _, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); !ok {
		t.Errorf("inner event = %T", e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
}

func TestExplicitRetryCarriesTheSameEventID(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)
	ev := map[string]any{"type": "message", "channel": "DU1", "channel_type": "im", "user": "U1", "text": "x", "ts": "1700000000.000100"}
	id := s.SendEvent(ev)
	first := b.next(t, socketmode.EventTypeEventsAPI)
	_ = b.client.Ack(*first.Request)
	s.SendEventRetry(ev, id, 2)
	dup := b.next(t, socketmode.EventTypeEventsAPI)
	_ = b.client.Ack(*dup.Request)
	if eventID(t, dup) != id || dup.Request.RetryAttempt != 2 || dup.Request.RetryReason != "timeout" {
		t.Errorf("duplicate = %+v", dup.Request)
	}
	if n := s.Deliveries(id); n != 2 {
		t.Errorf("deliveries = %d, want 2", n)
	}
}

func TestDisconnectMakesTheClientReconnect(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"disconnect", "drop"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			b := connect(t, s)
			b.next(t, socketmode.EventTypeHello)
			if how == "drop" {
				s.DropConnections()
			} else {
				s.Disconnect("refresh_requested")
			}
			b.next(t, socketmode.EventTypeHello)
			if err := s.WaitConnections(ctxT(t), 1); err != nil {
				t.Fatal(err)
			}
			if n := s.Opened(); n != 2 {
				t.Errorf("opened = %d, want 2", n)
			}
			if n := s.Calls("apps.connections.open"); n != 2 {
				t.Errorf("apps.connections.open calls = %d, want 2", n)
			}
			s.DM("U1", "still there?")
			b.nextMessage(t)
		})
	}
}

func TestPostMessageIsRecordedAndEchoed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)
	feed, cancel := s.Subscribe()
	defer cancel()

	blocks := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*hi*", false, false), nil, nil)
	channel, ts, err := b.api.PostMessage("U1", slack.MsgOptionText("hi", false), slack.MsgOptionBlocks(blocks))
	if err != nil {
		t.Fatal(err)
	}
	if channel != "DU1" {
		t.Errorf("channel = %q, want the DM", channel)
	}
	post, err := s.WaitPost(ctxT(t), func(p Post) bool { return p.TS == ts })
	if err != nil {
		t.Fatal(err)
	}
	if post.Channel != "DU1" || post.Text != "hi" || !strings.Contains(string(post.Blocks), "*hi*") {
		t.Errorf("post = %+v", post)
	}
	if got := recv(t, feed); got.TS != ts || got.Update {
		t.Errorf("feed = %+v", got)
	}

	e, echo := b.nextMessage(t)
	_ = b.client.Ack(*e.Request)
	if echo.BotID != "B0BOT" || echo.User != "U0BOT" || echo.ChannelType != "im" || echo.TimeStamp != ts || echo.Text != "hi" {
		t.Errorf("echo = %+v", echo)
	}
	if echo.Message == nil || echo.Message.BotProfile == nil || echo.Message.BotProfile.ID != "B0BOT" {
		t.Errorf("echo bot_profile = %+v", echo.Message)
	}

	if _, _, _, err := b.api.UpdateMessage(channel, ts, slack.MsgOptionText("bye", false)); err != nil {
		t.Fatal(err)
	}
	e, changed := b.nextMessage(t)
	_ = b.client.Ack(*e.Request)
	if changed.SubType != "message_changed" || changed.Message == nil || changed.Message.Text != "bye" || changed.Message.Timestamp != ts {
		t.Errorf("message_changed = %+v", changed)
	}
	if got := s.Posts()[0]; len(got.Updated) != 1 || got.Updated[0] != "bye" {
		t.Errorf("post after update = %+v", got)
	}
	if got := recv(t, feed); !got.Update || got.Text != "bye" {
		t.Errorf("feed = %+v", got)
	}
}

func TestInjectedFailures(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	api := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()))

	s.Fail("chat.postMessage", http.StatusTooManyRequests, 1500*time.Millisecond, 1)
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false))
	rl, ok := errors.AsType[*slack.RateLimitedError](err)
	if !ok || rl.RetryAfter != 2*time.Second {
		t.Fatalf("err = %v, want a rate limit of 2s", err)
	}
	s.Fail("chat.postMessage", http.StatusServiceUnavailable, 0, 1)
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("x", false))
	if sc, ok := errors.AsType[slack.StatusCodeError](err); !ok || sc.Code != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want status 503", err)
	}
	s.FailError("chat.postMessage", "channel_not_found", 1)
	_, _, err = api.PostMessage("C1", slack.MsgOptionText("x", false))
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "channel_not_found" {
		t.Fatalf("err = %v, want channel_not_found", err)
	}
	if len(s.Posts()) != 0 {
		t.Errorf("failed calls posted: %+v", s.Posts())
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("chat.postMessage"); n != 4 {
		t.Errorf("calls = %d, want 4", n)
	}
}

func TestSlashCommandReachesTheClient(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)
	feed, cancel := s.Subscribe()
	defer cancel()

	env := s.SlashCommand("/carebot", "new printer broken", "U1", "C1")
	e := b.next(t, socketmode.EventTypeSlashCommand)
	cmd := e.Data.(slack.SlashCommand)
	want := slack.SlashCommand{
		Token: verificationToken, TeamID: "T0FAKE", TeamDomain: "fake", ChannelID: "C1", ChannelName: "c1",
		UserID: "U1", UserName: "user_u1", Command: "/carebot", Text: "new printer broken",
		ResponseURL: env.ResponseURL, TriggerID: env.TriggerID, APIAppID: "A0FAKE",
	}
	if cmd != want {
		t.Errorf("command = %+v\nwant      %+v", cmd, want)
	}
	if !e.Request.AcceptsResponsePayload || e.Request.EnvelopeID != env.ID {
		t.Errorf("envelope = %+v", e.Request)
	}
	if err := b.client.Ack(*e.Request, map[string]any{"text": "on it"}); err != nil {
		t.Fatal(err)
	}
	ack, err := s.WaitAck(ctxT(t), env.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"on it"`) {
		t.Errorf("ack payload = %s", ack.Payload)
	}
	if got := recv(t, feed); !got.AckReply || got.Text != "on it" || got.Channel != "C1" || !got.Ephemeral {
		t.Errorf("feed = %+v", got)
	}

	_, _, err = b.api.PostMessage(cmd.ChannelID, slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("done", false))
	if err != nil {
		t.Fatal(err)
	}
	got := s.ResponseURLPosts()
	if len(got) != 1 || got[0].Text != "done" || got[0].ResponseType != "in_channel" || got[0].Channel != "C1" {
		t.Errorf("response_url posts = %+v", got)
	}
	if p := recv(t, feed); !p.ResponseURL || p.Text != "done" || p.Ephemeral {
		t.Errorf("feed = %+v", p)
	}
}

func TestInteractionAndModal(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)

	env := s.Interactive(map[string]any{
		"type":      "block_actions",
		"user":      map[string]any{"id": "U1"},
		"channel":   map[string]any{"id": "C1"},
		"container": map[string]any{"type": "message", "message_ts": "1700000000.000100"},
		"actions":   []map[string]any{{"action_id": "claim", "block_id": "b1", "value": "T-1", "type": "button"}},
	})
	e := b.next(t, socketmode.EventTypeInteractive)
	cb := e.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions || cb.ResponseURL != env.ResponseURL || cb.TriggerID != env.TriggerID ||
		cb.User.ID != "U1" || len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].ActionID != "claim" {
		t.Errorf("callback = %+v", cb)
	}
	_ = b.client.Ack(*e.Request)

	modal := slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Claim", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}},
	}
	v, err := b.api.OpenView(cb.TriggerID, modal)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID == "" || v.Type != slack.VTModal {
		t.Errorf("view = %+v", v.View)
	}
	if _, err := b.api.OpenView(cb.TriggerID, modal); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("second use of the trigger: err = %v", err)
	}
	if _, err := b.api.UpdateView(modal, "", "", v.ID); err != nil {
		t.Errorf("update: %v", err)
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	if _, err := b.api.PublishView("U1", home, ""); err != nil {
		t.Fatal(err)
	}
	views := s.Views()
	if len(views) != 3 || views[0].Method != "views.open" || views[0].UserID != "U1" || views[2].UserID != "U1" {
		t.Errorf("views = %+v", views)
	}
}

func TestOtherMethodsParse(t *testing.T) {
	t.Parallel()
	s := newServer(t, WithEcho(false))
	api := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()))
	s.SetUsergroup("S1", "U1", "U2")

	auth, err := api.AuthTest()
	if err != nil || auth.UserID != "U0BOT" || auth.BotID != "B0BOT" || auth.TeamID != "T0FAKE" {
		t.Errorf("auth.test = %+v, %v", auth, err)
	}
	ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || ch.ID != "DU1" {
		t.Errorf("conversations.open = %+v, %v", ch, err)
	}
	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "DU1"})
	if err != nil || !info.IsIM || info.User != "U1" {
		t.Errorf("conversations.info = %+v, %v", info, err)
	}
	user, err := api.GetUserInfo("U1")
	if err != nil || user.ID != "U1" || user.Name == "" {
		t.Errorf("users.info = %+v, %v", user, err)
	}
	members, err := api.GetUserGroupMembers("S1")
	if err != nil || strings.Join(members, ",") != "U1,U2" {
		t.Errorf("usergroups.users.list = %v, %v", members, err)
	}

	var stamps []string
	for _, text := range []string{"one", "two", "three"} {
		_, ts, err := api.PostMessage("C1", slack.MsgOptionText(text, false))
		if err != nil {
			t.Fatal(err)
		}
		stamps = append(stamps, ts)
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(stamps[0])); err != nil {
		t.Fatal(err)
	}
	hist, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1", Limit: 2})
	if err != nil || len(hist.Messages) != 2 || !hist.HasMore || hist.Messages[0].Text != "three" || hist.Messages[1].Text != "two" {
		t.Errorf("history = %+v, %v", hist, err)
	}
	hist, err = api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: stamps[0]})
	if err != nil || len(hist.Messages) != 2 || hist.HasMore {
		t.Errorf("history after the first = %+v, %v", hist, err)
	}
	if hist.Messages[1].BotID != "B0BOT" {
		t.Errorf("history message = %+v", hist.Messages[1])
	}
	link, err := api.GetPermalink(&slack.PermalinkParameters{Channel: "C1", Ts: stamps[1]})
	if err != nil || !strings.HasSuffix(link, "/archives/C1/p"+strings.ReplaceAll(stamps[1], ".", "")) {
		t.Errorf("permalink = %q, %v", link, err)
	}
	if err := api.AddReaction("eyes", slack.ItemRef{Channel: "C1", Timestamp: stamps[1]}); err != nil {
		t.Fatal(err)
	}
	if got := s.Reactions(); len(got) != 1 || got[0] != (Reaction{Channel: "C1", TS: stamps[1], Name: "eyes"}) {
		t.Errorf("reactions = %+v", got)
	}
	ts, err := api.PostEphemeral("C1", "U1", slack.MsgOptionText("psst", false))
	if err != nil || ts == "" {
		t.Errorf("postEphemeral = %q, %v", ts, err)
	}
	if p := s.Posts(); len(p) != 5 || !p[4].Ephemeral || p[4].User != "U1" {
		t.Errorf("posts = %+v", p)
	}
}

func TestWebAPIChecksTokens(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	call := func(t *testing.T, req *http.Request) map[string]any {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		body, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		return out
	}
	form := func(method, token string) *http.Request {
		v := url.Values{"channel": {"C1"}, "text": {"x"}}
		if token != "" {
			v.Set("token", token)
		}
		req, _ := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	jsonReq := func(method, token, body string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}
	get := func(method, token string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, s.APIURL()+method+"?channel=C1&message_ts=1", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}
	for _, tc := range []struct {
		name  string
		req   *http.Request
		error string // "" for ok
	}{
		{"form with bot token", form("chat.postMessage", s.BotToken()), ""},
		{"form with wrong token", form("chat.postMessage", "xoxb-wrong"), "invalid_auth"},
		{"form without token", form("chat.postMessage", ""), "invalid_auth"},
		{"form with app token", form("auth.test", s.AppToken()), "invalid_auth"},
		{"json with bearer", jsonReq("views.publish", s.BotToken(), `{"user_id":"U1","view":{"type":"home","blocks":[]}}`), ""},
		{"json with wrong bearer", jsonReq("views.publish", "nope", `{"user_id":"U1","view":{"type":"home"}}`), "invalid_auth"},
		{"connections with app token", jsonReq("apps.connections.open", s.AppToken(), ""), ""},
		{"connections with bot token", jsonReq("apps.connections.open", s.BotToken(), ""), "invalid_auth"},
		{"get with bearer", get("chat.getPermalink", s.BotToken()), "message_not_found"},
		{"get with wrong bearer", get("chat.getPermalink", "nope"), "invalid_auth"},
		{"unknown method", form("chat.nope", s.BotToken()), "unknown_method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := call(t, tc.req)
			ok, _ := out["ok"].(bool)
			if errCode, _ := out["error"].(string); ok != (tc.error == "") || errCode != tc.error {
				t.Errorf("reply = %v, want error %q", out, tc.error)
			}
		})
	}
}

func TestConnectionURLWorksOnce(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	api := slack.New(s.BotToken(), slack.OptionAppLevelToken(s.AppToken()), slack.OptionAPIURL(s.APIURL()))
	_, wsURL, err := api.StartSocketModeContext(t.Context())
	if err != nil || !strings.HasPrefix(wsURL, "ws://127.0.0.1:") {
		t.Fatalf("url %q, err %v", wsURL, err)
	}
	httpURL := "http" + strings.TrimPrefix(wsURL, "ws")
	for i, want := range []int{http.StatusBadRequest, http.StatusUnauthorized} {
		resp, err := http.Get(httpURL) // not an upgrade: refused, but it spends the URL
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
}

func TestBadFramesDoNotBreakTheConnection(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := connect(t, s)
	b.next(t, socketmode.EventTypeHello)
	s.SendRaw([]byte(`{not json`))
	b.next(t, socketmode.EventTypeIncomingError)
	s.SendRaw([]byte(`{"type":"mystery","envelope_id":"e-1"}`))
	b.next(t, socketmode.EventTypeErrorBadMessage)
	s.DM("U1", "still fine")
	b.nextMessage(t)
	if n := s.Opened(); n != 1 {
		t.Errorf("opened = %d, want 1", n)
	}
}

func TestCloseEndsWaitsAndFeeds(t *testing.T) {
	t.Parallel()
	s := New()
	feed, cancel := s.Subscribe()
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.WaitAck(context.Background(), "never")
		done <- err
	}()
	s.Close()
	s.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("WaitAck after Close: %v", err)
	}
	if _, open := <-feed; open {
		t.Error("feed still open after Close")
	}
}

// TestCloseLeavesNoGoroutines runs alone (not in parallel), so the goroutine count is steady.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	before := runtime.NumGoroutine()

	s := New(WithPingInterval(10*time.Millisecond), WithAckTimeout(10*time.Millisecond), WithRetryDelays(time.Hour))
	api := slack.New(s.BotToken(), slack.OptionAppLevelToken(s.AppToken()), slack.OptionAPIURL(s.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: transport}))
	_, wsURL, err := api.StartSocketModeContext(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	s.DM("U1", "left unacked, so a retry timer is pending at Close")
	s.Disconnect("warning")
	time.Sleep(50 * time.Millisecond)
	s.Close()
	_ = ws.Close()
	transport.CloseIdleConnections()

	eventually(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= before })
}
