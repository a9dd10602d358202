package slackfake

import (
	"encoding/json"
	"fmt"
	"time"
)

// viewLocked checks a view from a request and renders the view object Slack returns for it;
// code is a Slack error or "". s.mu must be held.
func (s *Server) viewLocked(raw json.RawMessage, wantType string) (id string, out map[string]any, code string) {
	var v map[string]any
	if raw == nil || json.Unmarshal(raw, &v) != nil {
		return "", nil, "invalid_arguments"
	}
	if t, _ := v["type"].(string); t != wantType && !(wantType == "" && (t == "modal" || t == "home")) {
		return "", nil, "invalid_arguments"
	}
	var blocks struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	_ = json.Unmarshal(raw, &blocks)
	if _, code := checkBlocks(blocks.Blocks, maxViewBlocks); code != "" {
		return "", nil, code
	}
	id = fmt.Sprintf("V%08X", s.nextLocked())
	v["id"] = id
	v["team_id"] = s.teamID
	v["app_id"] = s.appID
	v["bot_id"] = s.botID
	v["app_installed_team_id"] = s.teamID
	v["hash"] = fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(4))
	v["state"] = map[string]any{"values": map[string]any{}}
	v["root_view_id"] = id
	setDefault(v, "private_metadata", "")
	setDefault(v, "callback_id", "")
	setDefault(v, "external_id", "")
	return id, v, ""
}

// recordViewLocked remembers a view so views.update can find it. s.mu must be held.
func (s *Server) recordViewLocked(v View, rendered map[string]any) {
	s.viewIDs[v.ViewID] = true
	if ext, _ := rendered["external_id"].(string); ext != "" {
		s.externalIDs[ext] = v.ViewID
	}
	s.views = append(s.views, v)
	s.notifyLocked()
}

func (s *Server) viewsPublish(p params) (reply, func()) {
	user := p.str("user_id")
	if user == "" {
		return errReply("invalid_arguments"), nil
	}
	raw := p.raw("view")
	id, v, code := s.viewLocked(raw, "home")
	if code != "" {
		return errReply(code), nil
	}
	s.recordViewLocked(View{Method: "views.publish", UserID: user, ViewID: id, View: raw}, v)
	return reply{"ok": true, "view": v}, nil
}

func (s *Server) viewsOpen(p params) (reply, func()) { return s.openView("views.open", p) }

func (s *Server) viewsPush(p params) (reply, func()) { return s.openView("views.push", p) }

// openView opens or pushes a modal with a trigger_id, which works once and only briefly.
func (s *Server) openView(method string, p params) (reply, func()) {
	triggerID := p.str("trigger_id")
	t := s.triggers[triggerID]
	switch {
	case t == nil:
		return errReply("invalid_trigger_id"), nil
	case t.used || time.Since(t.issued) > s.triggerTTL:
		return errReply("expired_trigger_id"), nil
	}
	raw := p.raw("view")
	id, v, code := s.viewLocked(raw, "modal")
	if code != "" {
		return errReply(code), nil
	}
	t.used = true
	s.recordViewLocked(View{Method: method, UserID: t.user, TriggerID: triggerID, ViewID: id, View: raw}, v)
	return reply{"ok": true, "view": v}, nil
}

func (s *Server) viewsUpdate(p params) (reply, func()) {
	id := p.str("view_id")
	if id == "" {
		id = s.externalIDs[p.str("external_id")]
	}
	if !s.viewIDs[id] {
		return errReply("not_found"), nil
	}
	raw := p.raw("view")
	_, v, code := s.viewLocked(raw, "")
	if code != "" {
		return errReply(code), nil
	}
	v["id"], v["root_view_id"] = id, id
	s.recordViewLocked(View{Method: "views.update", ViewID: id, View: raw}, v)
	return reply{"ok": true, "view": v}, nil
}
