package slackfake

import (
	"fmt"
	"strings"
)

// createdAt is the creation time the fake gives every channel and user.
const createdAt = 1700000000

func (s *Server) authTest(params) (reply, func()) {
	return reply{
		"ok":                    true,
		"url":                   "https://fake.slack.com/",
		"team":                  "Fake Workspace",
		"user":                  s.userName(s.botUserID),
		"team_id":               s.teamID,
		"user_id":               s.botUserID,
		"bot_id":                s.botID,
		"is_enterprise_install": false,
	}, nil
}

// appsConnectionsOpen hands out a one-time WebSocket URL.
func (s *Server) appsConnectionsOpen(params) (reply, func()) {
	token := randomHex(16)
	s.wsTokens[token] = true
	return reply{"ok": true, "url": "ws://" + strings.TrimPrefix(s.http.URL, "http://") + "/ws/" + token}, nil
}

// botProfile is the bot_profile Slack attaches to the app's messages.
func (s *Server) botProfile() map[string]any {
	return map[string]any{
		"id":      s.botID,
		"app_id":  s.appID,
		"name":    "carebot",
		"icons":   map[string]any{"image_36": "https://fake.slack.com/img/bot_36.png"},
		"deleted": false,
		"updated": createdAt,
		"team_id": s.teamID,
	}
}

func (s *Server) chatPostMessage(p params) (reply, func()) {
	channel := resolveChannel(p.str("channel"))
	if channel == "" {
		return errReply("channel_not_found"), nil
	}
	text, blocks, code := s.messageContent(p, maxMessageBlocks)
	if code != "" {
		return errReply(code), nil
	}
	ts := s.nextTSLocked()
	m := &message{ts: ts, threadTS: p.str("thread_ts"), user: s.botUserID, botID: s.botID, text: text, blocks: blocks}
	s.history[channel] = append(s.history[channel], m)
	post := Post{Channel: channel, TS: ts, ThreadTS: m.threadTS, Text: text, Blocks: blocks}
	s.postIndex[channel+"/"+ts] = len(s.posts)
	s.posts = append(s.posts, post)
	s.publishLocked(post)
	s.notifyLocked()

	out := reply{"ok": true, "channel": channel, "ts": ts, "message": m.render(s)}
	if !s.echo {
		return out, nil
	}
	ev := m.render(s)
	ev["channel"] = channel
	ev["channel_type"] = channelType(channel)
	ev["event_ts"] = ts
	return out, func() { s.sendEvent(ev, "", 0) }
}

// messageContent reads and checks a message's text and blocks; code is a Slack error or "".
func (s *Server) messageContent(p params, maxBlocks int) (text string, blocks []byte, code string) {
	text = p.str("text")
	blocks = p.raw("blocks")
	n, code := checkBlocks(blocks, maxBlocks)
	if code != "" {
		return "", nil, code
	}
	if n == 0 {
		blocks = nil
	}
	if text == "" && blocks == nil && p.str("attachments") == "" {
		return "", nil, "no_text"
	}
	return text, blocks, ""
}

func (s *Server) chatUpdate(p params) (reply, func()) {
	channel, ts := p.str("channel"), p.str("ts")
	i, ok := s.postIndex[channel+"/"+ts]
	if !ok {
		if s.findLocked(channel, ts) != nil {
			return errReply("cant_update_message"), nil
		}
		return errReply("message_not_found"), nil
	}
	text, blocks, code := s.messageContent(p, maxMessageBlocks)
	if code != "" {
		return errReply(code), nil
	}
	m := s.findLocked(channel, ts)
	previous := *m
	m.text, m.blocks, m.edited = text, blocks, s.nextTSLocked()
	post := &s.posts[i]
	post.Updated = append(post.Updated, text)
	post.UpdatedBlocks = append(post.UpdatedBlocks, blocks)
	s.publishLocked(Post{Channel: channel, TS: ts, ThreadTS: m.threadTS, Text: text, Blocks: blocks, Update: true})
	s.notifyLocked()

	out := reply{"ok": true, "channel": channel, "ts": ts, "text": text, "message": m.render(s)}
	if !s.echo {
		return out, nil
	}
	ev := map[string]any{
		"type":             "message",
		"subtype":          "message_changed",
		"hidden":           true,
		"channel":          channel,
		"channel_type":     channelType(channel),
		"ts":               m.edited,
		"event_ts":         m.edited,
		"message":          m.render(s),
		"previous_message": previous.render(s),
	}
	return out, func() { s.sendEvent(ev, "", 0) }
}

func (s *Server) chatPostEphemeral(p params) (reply, func()) {
	channel := resolveChannel(p.str("channel"))
	if channel == "" {
		return errReply("channel_not_found"), nil
	}
	user := p.str("user")
	if user == "" {
		return errReply("user_not_in_channel"), nil
	}
	text, blocks, code := s.messageContent(p, maxMessageBlocks)
	if code != "" {
		return errReply(code), nil
	}
	ts := s.nextTSLocked()
	post := Post{Channel: channel, TS: ts, ThreadTS: p.str("thread_ts"), Text: text, Blocks: blocks, User: user, Ephemeral: true}
	s.posts = append(s.posts, post)
	s.publishLocked(post)
	s.notifyLocked()
	return reply{"ok": true, "message_ts": ts}, nil
}

func (s *Server) chatGetPermalink(p params) (reply, func()) {
	channel, ts := p.str("channel"), p.str("message_ts")
	m := s.findLocked(channel, ts)
	if m == nil {
		return errReply("message_not_found"), nil
	}
	link := fmt.Sprintf("https://fake.slack.com/archives/%s/p%s", channel, strings.ReplaceAll(ts, ".", ""))
	if m.threadTS != "" && m.threadTS != ts {
		link += fmt.Sprintf("?thread_ts=%s&cid=%s", m.threadTS, channel)
	}
	return reply{"ok": true, "channel": channel, "permalink": link}, nil
}

// findLocked returns the message at channel and ts, or nil. s.mu must be held.
func (s *Server) findLocked(channel, ts string) *message {
	for _, m := range s.history[channel] {
		if m.ts == ts {
			return m
		}
	}
	return nil
}

func (s *Server) reactionsAdd(p params) (reply, func()) {
	r := Reaction{Channel: p.str("channel"), TS: p.str("timestamp"), Name: p.str("name")}
	switch {
	case r.Name == "":
		return errReply("invalid_name"), nil
	case r.Channel == "" || r.TS == "":
		return errReply("no_item_specified"), nil
	case s.findLocked(r.Channel, r.TS) == nil:
		return errReply("message_not_found"), nil
	}
	for _, old := range s.reactions {
		if old == r {
			return errReply("already_reacted"), nil
		}
	}
	s.reactions = append(s.reactions, r)
	s.notifyLocked()
	return reply{"ok": true}, nil
}
