package handlers_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"

	"carebot/clock"
	"carebot/config"
	"carebot/handlers"
	"carebot/metrics"
	"carebot/store"
	"carebot/store/storetest"
)

func newHandlers(t *testing.T) *handlers.Handlers {
	t.Helper()
	rdb, team := storetest.Redis(t)
	st, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	h, err := handlers.New(st, noSlack{}, config.Default(), "U0BOT", clock.Real{}, log, metrics.New(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Patient identifiers must not reach Redis, not even the inbox that holds
// an event for the moment between its ack and its handling.
func TestScrubRemovesIdentifiersBeforeTheInbox(t *testing.T) {
	t.Parallel()
	h := newHandlers(t)
	const ssn = "219-09-9999"
	payload := `{"type":"event_callback","event_id":"Ev1","team_id":"T1","event":{"type":"message","channel":"D1","user":"U1",` +
		`"ts":"1.1","text":"printer jammed for pt SSN ` + ssn + `",` +
		`"blocks":[{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"SSN ` + ssn + `"}]}]}],` +
		`"attachments":[{"text":"` + ssn + `"}]}}`
	out, err := h.Scrub([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), ssn) {
		t.Fatalf("scrubbed payload still holds the SSN: %s", out)
	}
	var got struct {
		EventID string `json:"event_id"`
		Event   struct {
			Type, Channel, User, TS, Text string
		} `json:"event"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.EventID != "Ev1" || got.Event.Channel != "D1" || got.Event.User != "U1" || got.Event.TS != "1.1" ||
		!strings.Contains(got.Event.Text, "[SSN removed]") || !strings.Contains(got.Event.Text, "printer jammed") {
		t.Errorf("scrubbed payload lost what the handler needs: %+v", got)
	}
	if _, err := h.Scrub([]byte("{not json")); err == nil {
		t.Error("Scrub accepted malformed JSON")
	}
}

func TestScrubRedactsWhatTheHandlerWouldFind(t *testing.T) {
	t.Parallel()
	h := newHandlers(t)
	// Slack formatting and an invisible character must not hide an identifier
	// from the inbox scrub that the handler would then find.
	for _, text := range []string{"printer for *MRN:* 00123456", "SSN 219-09\u200b-9999 printer", "MRN `00123456` label"} {
		raw, _ := json.Marshal(map[string]any{"event_id": "Ev1", "event": map[string]any{"type": "message", "text": text}})
		out, err := h.Scrub(raw)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "00123456") || strings.Contains(string(out), "9999") {
			t.Errorf("Scrub(%q) kept an identifier: %s", text, out)
		}
	}
}
