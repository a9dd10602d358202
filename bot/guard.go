package bot

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"carebot/metrics"
)

// Guard removes patient identifiers from one text bound for Slack and says
// how many it removed. It must be idempotent: text it returns, passed again,
// comes back unchanged with 0.
type Guard func(text string) (string, int)

// Outbound guard: every message carebot sends, whichever handler built it,
// leaves through one HTTP client or one Socket Mode ack. GuardTransport and
// Bot.guardAck pass the text of each through the same Guard there, so no
// surface (team post, triage copy, page, summary, incident post, App Home,
// command reply) can carry what the report's redaction missed or what a
// later step added.

// GuardTransport returns a RoundTripper that passes every text field of
// what carebot posts through g before it leaves: the text and blocks of
// chat.postMessage, chat.update and chat.postEphemeral, the view of
// views.publish, and the body of response_url replies. Other calls go
// through untouched. What it removes is counted in
// carebot_phi_redacted_total by destination.
func GuardTransport(next http.RoundTripper, g Guard, m *metrics.Metrics) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &guardTransport{next: next, guard: g, metrics: m}
}

type guardTransport struct {
	next    http.RoundTripper
	guard   Guard
	metrics *metrics.Metrics
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	where := guardedCall(req)
	if where == "" || req.Body == nil || t.guard == nil {
		return t.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	var n int
	switch ct {
	case "application/x-www-form-urlencoded":
		body, where, n = t.guardForm(body, where)
	default: // JSON: response_url replies, views.publish
		body, n = guardJSON(body, t.guard)
	}
	if n > 0 && t.metrics != nil {
		t.metrics.PHIRedacted.WithLabelValues(where).Add(float64(n))
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return t.next.RoundTrip(r)
}

// guardedCall names where a request carries a message, or "" when it
// carries none.
func guardedCall(req *http.Request) string {
	if req.Method != http.MethodPost {
		return ""
	}
	p := req.URL.Path
	switch {
	case strings.HasSuffix(p, "/chat.postMessage"):
		return "post"
	case strings.HasSuffix(p, "/chat.update"):
		return "update"
	case strings.HasSuffix(p, "/chat.postEphemeral"):
		return "ephemeral"
	case strings.HasSuffix(p, "/views.publish"):
		return "home"
	case strings.Contains(p, "/commands/") || strings.Contains(p, "/actions/"):
		return "response"
	}
	return ""
}

// guardForm guards the text, blocks and view fields of a form-encoded call.
// A post is counted as going to a channel or a DM by its channel ID.
func (t *guardTransport) guardForm(body []byte, where string) ([]byte, string, int) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return body, where, 0
	}
	if where == "post" {
		where = "channel"
		if strings.HasPrefix(v.Get("channel"), "D") {
			where = "dm"
		}
	}
	n := 0
	for _, k := range []string{"text"} {
		for i, s := range v[k] {
			out, k2 := t.guard(s)
			v[k][i] = out
			n += k2
		}
	}
	for _, k := range []string{"blocks", "view", "attachments"} {
		if s := v.Get(k); s != "" {
			out, k2 := guardJSON([]byte(s), t.guard)
			v.Set(k, string(out))
			n += k2
		}
	}
	if n == 0 {
		return body, where, 0
	}
	return []byte(v.Encode()), where, n
}

// guardJSON guards every string under a "text" key of a JSON document: the
// message text and every text object of its blocks. A document it cannot
// read, or where nothing is found, is returned as it was.
func guardJSON(doc []byte, g Guard) ([]byte, int) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return doc, 0
	}
	n := guardValue(v, g)
	if n == 0 {
		return doc, 0
	}
	out, err := json.Marshal(v)
	if err != nil {
		return doc, 0
	}
	return out, n
}

// guardValue guards the "text" strings inside v in place.
func guardValue(v any, g Guard) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				if k == "text" || k == "fallback" || k == "pretext" {
					out, k2 := g(s)
					x[k] = out
					n += k2
				}
				continue
			}
			n += guardValue(e, g)
		}
	case []any:
		for _, e := range x {
			n += guardValue(e, g)
		}
	}
	return n
}

// guardAck guards a Socket Mode ack's payload, the reply to a slash command
// or a button.
func (b *Bot) guardAck(payload any) any {
	if payload == nil || b.opts.Guard == nil {
		return payload
	}
	doc, err := json.Marshal(payload)
	if err != nil {
		return payload
	}
	out, n := guardJSON(doc, b.opts.Guard)
	if n == 0 {
		return payload
	}
	b.metrics.PHIRedacted.WithLabelValues("ack").Add(float64(n))
	return json.RawMessage(out)
}
