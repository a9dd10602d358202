package slackfake

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds what the fake reads from a request.
const maxBody = 1 << 20

// reply is a Web API response body.
type reply map[string]any

func errReply(code string) reply { return reply{"ok": false, "error": code} }

// method handles one Web API method. It runs with s.mu held and may return a function to run
// after the response is written, without the lock (to echo events).
type method func(s *Server, p params) (reply, func())

// lookup returns the handler of a Web API method the fake implements.
func lookup(name string) (method, bool) {
	switch name {
	case "auth.test":
		return (*Server).authTest, true
	case "apps.connections.open":
		return (*Server).appsConnectionsOpen, true
	case "chat.postMessage":
		return (*Server).chatPostMessage, true
	case "chat.update":
		return (*Server).chatUpdate, true
	case "chat.postEphemeral":
		return (*Server).chatPostEphemeral, true
	case "chat.getPermalink":
		return (*Server).chatGetPermalink, true
	case "conversations.open":
		return (*Server).conversationsOpen, true
	case "conversations.info":
		return (*Server).conversationsInfo, true
	case "conversations.history":
		return (*Server).conversationsHistory, true
	case "conversations.replies":
		return (*Server).conversationsReplies, true
	case "users.info":
		return (*Server).usersInfo, true
	case "usergroups.users.list":
		return (*Server).usergroupsUsersList, true
	case "views.publish":
		return (*Server).viewsPublish, true
	case "views.open":
		return (*Server).viewsOpen, true
	case "views.push":
		return (*Server).viewsPush, true
	case "views.update":
		return (*Server).viewsUpdate, true
	case "reactions.add":
		return (*Server).reactionsAdd, true
	}
	return nil, false
}

// failure is an injected answer for the next call of a method.
type failure struct {
	status     int
	retryAfter time.Duration
	code       string
}

// Fail makes the next `times` calls of a Web API method fail with an HTTP status: 429 carries a
// Retry-After header in whole seconds (rounded up), anything else an error body. Failed calls
// are counted by Calls but have no other effect.
func (s *Server) Fail(method string, status int, retryAfter time.Duration, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range times {
		s.fails[method] = append(s.fails[method], failure{status: status, retryAfter: retryAfter})
	}
}

// FailError makes the next `times` calls of a Web API method answer HTTP 200 with
// {"ok":false,"error":code}, e.g. "channel_not_found". Failed calls have no other effect.
func (s *Server) FailError(method, code string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range times {
		s.fails[method] = append(s.fails[method], failure{status: http.StatusOK, code: code})
	}
}

// serveAPI answers /api/<method>.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	p, err := readParams(w, r)

	s.mu.Lock()
	s.calls[name]++
	if f, ok := s.popFailureLocked(name); ok {
		s.mu.Unlock()
		s.logf("slackfake: %s: injected failure %d %s", name, f.status, f.code)
		writeFailure(w, f)
		return
	}
	var out reply
	var after func()
	m, known := lookup(name)
	switch {
	case !known:
		out = errReply("unknown_method")
	case err != nil:
		out = errReply("invalid_form_data")
	case !s.authorized(name, p.token):
		out = errReply("invalid_auth")
	default:
		out, after = m(s, p)
	}
	s.mu.Unlock()

	if ok, _ := out["ok"].(bool); !ok {
		s.logf("slackfake: %s: %v", name, out["error"])
	}
	writeJSON(w, http.StatusOK, out)
	if after != nil {
		after()
	}
}

// popFailureLocked takes the next injected failure of a method. s.mu must be held.
func (s *Server) popFailureLocked(name string) (failure, bool) {
	q := s.fails[name]
	if len(q) == 0 {
		return failure{}, false
	}
	s.fails[name] = q[1:]
	return q[0], true
}

func writeFailure(w http.ResponseWriter, f failure) {
	switch {
	case f.status == http.StatusTooManyRequests:
		secs := int64((f.retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		writeJSON(w, f.status, errReply("ratelimited"))
	case f.status == http.StatusOK:
		writeJSON(w, f.status, errReply(f.code))
	default:
		writeJSON(w, f.status, errReply("fatal_error"))
	}
}

// authorized reports whether token may call the method: the app-level token opens
// connections, the bot token does everything else.
func (s *Server) authorized(name, token string) bool {
	if name == "apps.connections.open" {
		return token == appToken
	}
	return token == botToken
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(marshal(v))
}

// params holds a Web API call's arguments, from a form (body or query) or a JSON body.
type params struct {
	token string
	form  url.Values
	json  map[string]json.RawMessage
}

// readParams parses a call's arguments and finds its token: a Bearer header, else the form's
// token field.
func readParams(w http.ResponseWriter, r *http.Request) (params, error) {
	var p params
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost && ctype == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return p, err
		}
		p.json = map[string]json.RawMessage{}
		// slack-go opens connections with an empty body.
		if body = bytes.TrimSpace(body); len(body) > 0 && string(body) != "null" {
			if err := json.Unmarshal(body, &p.json); err != nil {
				return p, err
			}
		}
		p.form = r.URL.Query()
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			return p, err
		}
		p.form = r.Form
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		p.token = bearer
	} else {
		p.token = p.form.Get("token")
	}
	return p, nil
}

// str returns an argument as a string.
func (p params) str(key string) string {
	if raw, ok := p.json[key]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		if string(raw) == "null" {
			return ""
		}
		return string(raw)
	}
	return p.form.Get(key)
}

// raw returns an argument that holds JSON (blocks, view), nil if absent. Forms carry it as a
// string; JSON bodies as a value or a string.
func (p params) raw(key string) json.RawMessage {
	if raw, ok := p.json[key]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return json.RawMessage(s)
		}
		if string(raw) == "null" {
			return nil
		}
		return raw
	}
	if v := p.form.Get(key); v != "" {
		return json.RawMessage(v)
	}
	return nil
}
