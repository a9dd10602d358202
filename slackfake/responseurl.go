package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Slack lets an app use a response_url five times within thirty minutes.
const (
	maxResponseURLUses = 5
	responseURLTTL     = 30 * time.Minute
)

// responseURL is a response_url the Server handed out with a command or interaction.
type responseURL struct {
	channel, user string
	issued        time.Time
	uses          int
}

// newResponseURLLocked issues a response_url on this server. s.mu must be held.
func (s *Server) newResponseURLLocked(channel, user string) string {
	id := fmt.Sprintf("%s/%d/%s", s.teamID, s.nextLocked(), randomHex(12))
	s.responseURLs[id] = &responseURL{channel: channel, user: user, issued: time.Now()}
	return s.http.URL + "/response/" + id
}

// serveResponseURL records a reply posted to a response_url. URLs the Server did not issue are
// accepted too, so tests may make up their own. Past five uses or thirty minutes it answers 404
// (Slack's exact answer is not documented).
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, errReply("method_not_allowed"))
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	var msg struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if err != nil || json.Unmarshal(body, &msg) != nil {
		writeJSON(w, http.StatusBadRequest, errReply("invalid_payload"))
		return
	}

	s.mu.Lock()
	u := s.responseURLs[id]
	if u == nil {
		u = &responseURL{issued: time.Now()}
		s.responseURLs[id] = u
	}
	u.uses++
	var code string
	switch {
	case u.uses > maxResponseURLUses:
		code = "used_url"
	case time.Since(u.issued) > responseURLTTL:
		code = "expired_url"
	}
	if code != "" {
		s.mu.Unlock()
		s.logf("slackfake: response_url: %s", code)
		writeJSON(w, http.StatusNotFound, errReply(code))
		return
	}
	s.responsePosts = append(s.responsePosts, ResponsePost{
		URL:             s.http.URL + r.URL.Path,
		Channel:         u.channel,
		User:            u.user,
		Body:            body,
		At:              time.Now(),
		Text:            msg.Text,
		ResponseType:    msg.ResponseType,
		ReplaceOriginal: msg.ReplaceOriginal,
		DeleteOriginal:  msg.DeleteOriginal,
	})
	s.publishLocked(Post{
		Channel:     u.channel,
		ThreadTS:    msg.ThreadTS,
		Text:        msg.Text,
		Blocks:      msg.Blocks,
		User:        u.user,
		Ephemeral:   msg.ResponseType != "in_channel" && !msg.ReplaceOriginal && !msg.DeleteOriginal,
		ResponseURL: true,
	})
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, reply{"ok": true})
}
