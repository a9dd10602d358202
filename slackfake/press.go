package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Press clicks a button of post p as user: the first button whose action_id
// equals button, or whose label starts with it (case-insensitively). It
// sends the block_actions envelope Slack would, with the message as it is
// now, and returns it.
func (s *Server) Press(p Post, button, user string) (Envelope, error) {
	text, blocks := p.Current()
	var parsed []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type     string          `json:"type"`
			ActionID string          `json:"action_id"`
			Value    string          `json:"value"`
			Text     json.RawMessage `json:"text"` // an object on buttons, a string on context elements
		} `json:"elements"`
	}
	if len(blocks) == 0 {
		return Envelope{}, errors.New("press: the post has no blocks")
	}
	if err := json.Unmarshal(blocks, &parsed); err != nil {
		return Envelope{}, fmt.Errorf("press: post blocks: %w", err)
	}
	for _, b := range parsed {
		for _, e := range b.Elements {
			var label struct {
				Text string `json:"text"`
			}
			if e.Type != "button" || json.Unmarshal(e.Text, &label) != nil {
				continue
			}
			if e.ActionID != button && !strings.HasPrefix(strings.ToLower(label.Text), strings.ToLower(button)) {
				continue
			}
			var rawBlocks any
			_ = json.Unmarshal(blocks, &rawBlocks)
			return s.Interactive(map[string]any{
				"type":      "block_actions",
				"user":      map[string]any{"id": user, "username": strings.ToLower(user), "team_id": s.teamID},
				"container": map[string]any{"type": "message", "message_ts": p.TS, "channel_id": p.Channel, "is_ephemeral": false},
				"channel":   map[string]any{"id": p.Channel, "name": p.Channel},
				"message": map[string]any{
					"type": "message", "ts": p.TS, "thread_ts": p.ThreadTS, "text": text, "blocks": rawBlocks,
					"user": s.botUserID, "bot_id": s.botID,
				},
				"actions": []map[string]any{{
					"type": "button", "action_id": e.ActionID, "block_id": b.BlockID, "value": e.Value,
					"text": map[string]any{"type": "plain_text", "text": label.Text}, "action_ts": s.nextActionTS(),
				}},
			}), nil
		}
	}
	return Envelope{}, fmt.Errorf("press: no button %q in the post", button)
}

func (s *Server) nextActionTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextTSLocked()
}
