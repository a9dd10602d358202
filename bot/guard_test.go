package bot

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"carebot/metrics"
)

// fakeGuard removes the word "Smith", so what passed through it shows.
func fakeGuard(text string) (string, int) {
	n := strings.Count(text, "Smith")
	return strings.ReplaceAll(text, "Smith", "[NAME]"), n
}

// captured is what the far side of the transport received.
type captured struct {
	path, contentType string
	body              []byte
}

func guardServer(t *testing.T) (*httptest.Server, chan captured) {
	t.Helper()
	got := make(chan captured, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.ContentLength != int64(len(b)) {
			t.Errorf("%s: Content-Length %d, body %d bytes", r.URL.Path, r.ContentLength, len(b))
		}
		got <- captured{r.URL.Path, r.Header.Get("Content-Type"), b}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestGuardTransportRedactsEveryMessageField(t *testing.T) {
	t.Parallel()
	m := metrics.New(prometheus.NewRegistry())
	srv, got := guardServer(t)
	client := &http.Client{Transport: GuardTransport(nil, fakeGuard, m)}
	blocks := `[{"type":"section","text":{"type":"mrkdwn","text":"pt Smith in 412"},"fields":[{"type":"mrkdwn","text":"*Who* Smith"}]},` +
		`{"type":"actions","elements":[{"type":"button","action_id":"claim","value":"Smith","text":{"type":"plain_text","text":"Claim"}}]}]`

	post := func(path string, form url.Values) captured {
		t.Helper()
		resp, err := client.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return <-got
	}

	c := post("/api/chat.postMessage", url.Values{"channel": {"C0DESK"}, "text": {"IT-1 for Smith"}, "blocks": {blocks}})
	v, _ := url.ParseQuery(string(c.body))
	if v.Get("text") != "IT-1 for [NAME]" {
		t.Errorf("text = %q", v.Get("text"))
	}
	if strings.Contains(v.Get("blocks"), `"text":"pt Smith`) || strings.Contains(v.Get("blocks"), "*Who* Smith") {
		t.Errorf("blocks kept the name: %s", v.Get("blocks"))
	}
	if !strings.Contains(v.Get("blocks"), `"value":"Smith"`) {
		t.Errorf("a button's value is not text and must pass as it was: %s", v.Get("blocks"))
	}
	if v.Get("channel") != "C0DESK" {
		t.Errorf("channel = %q", v.Get("channel"))
	}

	post("/api/chat.postMessage", url.Values{"channel": {"D0DM"}, "text": {"Smith"}})
	post("/api/chat.update", url.Values{"channel": {"C0DESK"}, "ts": {"1.2"}, "text": {"Smith"}})
	post("/api/chat.postEphemeral", url.Values{"channel": {"C0DESK"}, "user": {"U1"}, "text": {"Smith Smith"}})
	c = post("/api/conversations.open", url.Values{"users": {"Smith"}})
	if string(c.body) != "users=Smith" {
		t.Errorf("a call that carries no message was changed: %s", c.body)
	}

	resp, err := client.Post(srv.URL+"/commands/T1/123/abc", "application/json", strings.NewReader(`{"text":"Smith","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"Smith"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c = <-got
	if strings.Contains(string(c.body), "Smith") {
		t.Errorf("response_url reply kept the name: %s", c.body)
	}
	var doc map[string]any
	if err := json.Unmarshal(c.body, &doc); err != nil {
		t.Errorf("response_url body is no longer JSON: %v", err)
	}

	for where, want := range map[string]float64{"channel": 3, "dm": 1, "update": 1, "ephemeral": 2, "response": 2} {
		if got := testutil.ToFloat64(m.PHIRedacted.WithLabelValues(where)); got != want {
			t.Errorf("carebot_phi_redacted_total{where=%q} = %v, want %v", where, got, want)
		}
	}
}

func TestGuardTransportPassesCleanBodiesByteForByte(t *testing.T) {
	t.Parallel()
	srv, got := guardServer(t)
	client := &http.Client{Transport: GuardTransport(nil, fakeGuard, metrics.New(prometheus.NewRegistry()))}
	form := url.Values{"channel": {"C1"}, "text": {"printer jammed"}, "blocks": {`[{"type":"section","text":{"type":"mrkdwn","text":"ok"}}]`}}
	resp, err := client.PostForm(srv.URL+"/api/chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := <-got; string(c.body) != form.Encode() {
		t.Errorf("body changed: %s", c.body)
	}
}

func TestGuardAckRedactsTheReply(t *testing.T) {
	t.Parallel()
	b := &Bot{opts: Options{Guard: fakeGuard}, metrics: metrics.New(prometheus.NewRegistry())}
	reply := &Reply{Text: "IT-1 for Smith"}
	out, err := json.Marshal(b.guardAck(reply.ackPayload()))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "Smith") || !strings.Contains(string(out), "[NAME]") {
		t.Errorf("ack payload %s", out)
	}
	if got := testutil.ToFloat64(b.metrics.PHIRedacted.WithLabelValues("ack")); got != 1 {
		t.Errorf("ack count %v, want 1", got)
	}
	if b.guardAck(nil) != nil {
		t.Error("a bare ack must stay bare")
	}
}
