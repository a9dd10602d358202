package slackfake

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// channelInfo renders a channel as conversations.info returns it, from its ID alone.
func channelInfo(id string) map[string]any {
	c := map[string]any{"id": id, "created": createdAt, "is_archived": false}
	switch {
	case strings.HasPrefix(id, "D"):
		c["is_im"] = true
		c["is_open"] = true
		c["user"] = strings.TrimPrefix(id, "D")
	case strings.HasPrefix(id, "G"):
		c["name"] = strings.ToLower(id)
		c["name_normalized"] = strings.ToLower(id)
		c["is_group"] = true
		c["is_private"] = true
		c["is_member"] = true
	default:
		c["name"] = strings.ToLower(id)
		c["name_normalized"] = strings.ToLower(id)
		c["is_channel"] = true
		c["is_member"] = true
	}
	return c
}

func (s *Server) conversationsOpen(p params) (reply, func()) {
	if channel := p.str("channel"); channel != "" {
		return reply{"ok": true, "channel": channelInfo(channel)}, nil
	}
	var users []string
	for u := range strings.SplitSeq(p.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	switch len(users) {
	case 0:
		return errReply("users_list_not_supplied"), nil
	case 1:
		return reply{"ok": true, "channel": channelInfo(dmChannel(users[0]))}, nil
	default:
		slices.Sort(users)
		c := channelInfo("G" + strings.Join(users, ""))
		c["is_mpim"] = true
		return reply{"ok": true, "channel": c}, nil
	}
}

func (s *Server) conversationsInfo(p params) (reply, func()) {
	channel := p.str("channel")
	if channel == "" {
		return errReply("channel_not_found"), nil
	}
	return reply{"ok": true, "channel": channelInfo(channel)}, nil
}

// conversationsHistory lists a channel's top-level messages, newest first, within
// oldest/latest (exclusive unless inclusive=1), at most limit (default 100).
func (s *Server) conversationsHistory(p params) (reply, func()) {
	channel := p.str("channel")
	if channel == "" {
		return errReply("channel_not_found"), nil
	}
	oldest, latest, code := tsRange(p)
	if code != "" {
		return errReply(code), nil
	}
	inclusive := p.str("inclusive") == "1" || p.str("inclusive") == "true"
	limit := limitOf(p)
	msgs := s.history[channel]
	var out []map[string]any
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.threadTS != "" && m.threadTS != m.ts {
			continue // replies live in conversations.replies
		}
		us, _ := parseTS(m.ts)
		if us < oldest || us > latest || (!inclusive && (us == oldest || us == latest)) {
			continue
		}
		r := m.render(s)
		if n, last := s.repliesLocked(channel, m.ts); n > 0 {
			r["thread_ts"] = m.ts
			r["reply_count"] = n
			r["latest_reply"] = last
		}
		out = append(out, r)
	}
	hasMore := len(out) > limit
	if hasMore {
		out = out[:limit]
	}
	return reply{
		"ok":                true,
		"messages":          nonNil(out),
		"has_more":          hasMore,
		"pin_count":         0,
		"response_metadata": map[string]any{"next_cursor": ""},
	}, nil
}

// conversationsReplies lists a thread: its parent, then its replies, oldest first.
func (s *Server) conversationsReplies(p params) (reply, func()) {
	channel, ts := p.str("channel"), p.str("ts")
	parent := s.findLocked(channel, ts)
	if parent == nil {
		return errReply("thread_not_found"), nil
	}
	limit := limitOf(p)
	out := []map[string]any{parent.render(s)}
	for _, m := range s.history[channel] {
		if m.threadTS == ts && m.ts != ts {
			out = append(out, m.render(s))
		}
	}
	hasMore := len(out) > limit
	if hasMore {
		out = out[:limit]
	}
	return reply{"ok": true, "messages": out, "has_more": hasMore, "response_metadata": map[string]any{"next_cursor": ""}}, nil
}

// repliesLocked counts the replies in a thread and returns the ts of the latest. s.mu must be
// held.
func (s *Server) repliesLocked(channel, ts string) (n int, latest string) {
	for _, m := range s.history[channel] {
		if m.threadTS == ts && m.ts != ts {
			n++
			latest = m.ts
		}
	}
	return n, latest
}

// tsRange reads oldest and latest as microseconds; code is a Slack error or "".
func tsRange(p params) (oldest, latest int64, code string) {
	oldest, latest = 0, math.MaxInt64
	if v := p.str("oldest"); v != "" {
		us, ok := parseTS(v)
		if !ok {
			return 0, 0, "invalid_ts_oldest"
		}
		oldest = us
	}
	if v := p.str("latest"); v != "" {
		us, ok := parseTS(v)
		if !ok {
			return 0, 0, "invalid_ts_latest"
		}
		latest = us
	}
	return oldest, latest, ""
}

// limitOf reads the limit argument: default 100, at most 999.
func limitOf(p params) int {
	n, err := strconv.Atoi(p.str("limit"))
	if err != nil || n <= 0 {
		return 100
	}
	return min(n, 999)
}

func nonNil(ms []map[string]any) []map[string]any {
	if ms == nil {
		return []map[string]any{}
	}
	return ms
}

func (s *Server) usersInfo(p params) (reply, func()) {
	id := p.str("user")
	if id == "" {
		return errReply("user_not_found"), nil
	}
	name := s.userName(id)
	realName := "User " + id
	if id == s.botUserID {
		realName = "carebot"
	}
	return reply{"ok": true, "user": map[string]any{
		"id":        id,
		"team_id":   s.teamID,
		"name":      name,
		"real_name": realName,
		"deleted":   false,
		"tz":        "UTC",
		"tz_label":  "Coordinated Universal Time",
		"tz_offset": 0,
		"is_bot":    id == s.botUserID,
		"updated":   createdAt,
		"profile": map[string]any{
			"real_name":    realName,
			"display_name": name,
			"team":         s.teamID,
		},
	}}, nil
}

func (s *Server) usergroupsUsersList(p params) (reply, func()) {
	users, ok := s.usergroups[p.str("usergroup")]
	if !ok {
		return errReply("no_such_subteam"), nil
	}
	return reply{"ok": true, "users": append([]string{}, users...)}, nil
}
