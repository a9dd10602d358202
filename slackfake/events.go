package slackfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"
)

// Message identifies a message a user sent through the fake.
type Message struct {
	Channel string
	TS      string
	// EventID is the event_id of the event that carried it.
	EventID string
}

// Envelope identifies a slash command or interaction sent to the app.
type Envelope struct {
	ID          string
	ResponseURL string
	TriggerID   string
}

// eventCallback is the Events API wrapper an events_api envelope carries.
type eventCallback struct {
	Token              string          `json:"token"`
	TeamID             string          `json:"team_id"`
	APIAppID           string          `json:"api_app_id"`
	Event              json.RawMessage `json:"event"`
	Type               string          `json:"type"`
	EventID            string          `json:"event_id"`
	EventTime          int64           `json:"event_time"`
	Authorizations     []authorization `json:"authorizations"`
	IsExtSharedChannel bool            `json:"is_ext_shared_channel"`
	EventContext       string          `json:"event_context"`
}

type authorization struct {
	EnterpriseID        *string `json:"enterprise_id"`
	TeamID              string  `json:"team_id"`
	UserID              string  `json:"user_id"`
	IsBot               bool    `json:"is_bot"`
	IsEnterpriseInstall bool    `json:"is_enterprise_install"`
}

// SendEvent wraps an inner event (such as {"type":"app_home_opened",…}) in a full event_callback
// and an events_api envelope and sends it to one random socket; with none open it is queued and
// arrives as a retry when one connects. Unacknowledged envelopes are re-delivered with the same
// event_id up to three times, then the event is lost. It returns the event_id.
func (s *Server) SendEvent(event map[string]any) (eventID string) {
	return s.sendEvent(event, "", 0)
}

// SendEventRetry sends an event again under a given event_id with retry_attempt set to attempt
// (and retry_reason "timeout" when attempt > 0), as Slack does when an ack got lost.
func (s *Server) SendEventRetry(event map[string]any, eventID string, attempt int) {
	s.sendEvent(event, eventID, attempt)
}

// sendEvent starts delivering an event; an empty eventID gets a fresh one.
func (s *Server) sendEvent(event any, eventID string, attempt int) string {
	inner, err := json.Marshal(event)
	if err != nil {
		s.logf("slackfake: event not sent: %v", err)
		return ""
	}
	s.mu.Lock()
	if eventID == "" {
		eventID = s.newEventIDLocked()
	}
	s.mu.Unlock()
	payload := marshal(eventCallback{
		Token:     verificationToken,
		TeamID:    s.teamID,
		APIAppID:  s.appID,
		Event:     inner,
		Type:      "event_callback",
		EventID:   eventID,
		EventTime: time.Now().Unix(),
		Authorizations: []authorization{{
			TeamID: s.teamID,
			UserID: s.botUserID,
			IsBot:  true,
		}},
		EventContext: "4-fake-" + eventID,
	})
	s.deliver(&delivery{eventID: eventID, payload: payload, attempt: attempt})
	return eventID
}

// userMessageLocked records a user's message in a channel's history and returns its message
// event. s.mu must be held.
func (s *Server) userMessageLocked(channel, user, text, threadTS string) map[string]any {
	ts := s.nextTSLocked()
	s.history[channel] = append(s.history[channel], &message{ts: ts, threadTS: threadTS, user: user, text: text})
	ev := map[string]any{
		"type":          "message",
		"client_msg_id": uuid(),
		"channel":       channel,
		"channel_type":  channelType(channel),
		"user":          user,
		"text":          text,
		"ts":            ts,
		"event_ts":      ts,
		"team":          s.teamID,
	}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
		if parent := s.findLocked(channel, threadTS); parent != nil {
			ev["parent_user_id"] = parent.user
		}
	}
	return ev
}

// DM sends a message.im event: a user writing to the app in their direct-message channel.
func (s *Server) DM(user, text string) Message {
	return s.ChannelMessage(dmChannel(user), user, text, "")
}

// ChannelMessage sends a message event from a user in a channel (channel_type from the ID's
// prefix: "channel" for C…, "group" for G…, "im" for D…), as a thread reply if threadTS is set.
func (s *Server) ChannelMessage(channel, user, text, threadTS string) Message {
	s.mu.Lock()
	ev := s.userMessageLocked(channel, user, text, threadTS)
	s.mu.Unlock()
	id := s.SendEvent(ev)
	return Message{Channel: channel, TS: ev["ts"].(string), EventID: id}
}

// Mention sends an app_mention event whose text begins "<@BOTUSER> ". With WithMessageChannels
// the same message also arrives as a channel message event with the same ts.
func (s *Server) Mention(channel, user, text, threadTS string) Message {
	s.mu.Lock()
	msg := s.userMessageLocked(channel, user, fmt.Sprintf("<@%s> %s", s.botUserID, text), threadTS)
	s.mu.Unlock()
	ev := maps.Clone(msg)
	delete(ev, "channel_type")
	ev["type"] = "app_mention"
	id := s.SendEvent(ev)
	if s.mentionMessages {
		s.SendEvent(msg)
	}
	return Message{Channel: channel, TS: msg["ts"].(string), EventID: id}
}

// SlashCommand sends a slash_commands envelope, with the fields Slack sends (as strings, as
// Slack does) and a response_url and trigger_id served by this Server.
func (s *Server) SlashCommand(command, text, userID, channelID string) Envelope {
	s.mu.Lock()
	responseURL := s.newResponseURLLocked(channelID, userID)
	triggerID := s.newTriggerLocked(userID)
	s.mu.Unlock()
	payload := map[string]string{
		"token":                 verificationToken,
		"team_id":               s.teamID,
		"team_domain":           "fake",
		"channel_id":            channelID,
		"channel_name":          channelName(channelID),
		"user_id":               userID,
		"user_name":             s.userName(userID),
		"command":               command,
		"text":                  text,
		"api_app_id":            s.appID,
		"is_enterprise_install": "false",
		"response_url":          responseURL,
		"trigger_id":            triggerID,
	}
	env := &envelope{kind: "slash_commands", channel: channelID, user: userID}
	id := s.sendEnvelope(env, marshal(payload))
	return Envelope{ID: id, ResponseURL: responseURL, TriggerID: triggerID}
}

// Interactive sends an interactive envelope (block_actions, view_submission, shortcut, …). It
// fills in what the caller left out: response_url (except for view payloads, which have none),
// trigger_id, token, api_app_id and team. The caller's map is not modified.
func (s *Server) Interactive(payload map[string]any) Envelope {
	p := maps.Clone(payload)
	channel := nestedString(p, "channel", "id")
	user := nestedString(p, "user", "id")
	kind, _ := p["type"].(string)

	s.mu.Lock()
	responseURL, _ := p["response_url"].(string)
	if responseURL == "" && kind != "view_submission" && kind != "view_closed" && kind != "block_suggestion" {
		responseURL = s.newResponseURLLocked(channel, user)
		p["response_url"] = responseURL
	}
	triggerID, _ := p["trigger_id"].(string)
	if triggerID == "" {
		triggerID = s.newTriggerLocked(user)
		p["trigger_id"] = triggerID
	} else if _, ok := s.triggers[triggerID]; !ok {
		s.triggers[triggerID] = &trigger{user: user, issued: time.Now()}
	}
	s.mu.Unlock()
	setDefault(p, "token", verificationToken)
	setDefault(p, "api_app_id", s.appID)
	setDefault(p, "team", map[string]any{"id": s.teamID, "domain": "fake"})
	setDefault(p, "is_enterprise_install", false)

	env := &envelope{kind: "interactive", channel: channel, user: user}
	id := s.sendEnvelope(env, marshal(p))
	return Envelope{ID: id, ResponseURL: responseURL, TriggerID: triggerID}
}

// trigger is a trigger_id the Server handed out: it opens one modal, within the trigger TTL.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

// newTriggerLocked issues a trigger_id. s.mu must be held.
func (s *Server) newTriggerLocked(user string) string {
	id := fmt.Sprintf("%d.%d.%s", 1700000000+s.nextLocked(), 42, randomHex(16))
	s.triggers[id] = &trigger{user: user, issued: time.Now()}
	return id
}

func setDefault(m map[string]any, key string, v any) {
	if _, ok := m[key]; !ok {
		m[key] = v
	}
}

// nestedString returns m[outer][inner] if it is a string, as in payload["user"]["id"].
func nestedString(m map[string]any, outer, inner string) string {
	switch o := m[outer].(type) {
	case map[string]any:
		s, _ := o[inner].(string)
		return s
	case map[string]string:
		return o[inner]
	}
	return ""
}
