package slackfake

import (
	"encoding/json"
	"unicode/utf8"
)

// Block Kit limits Slack enforces, so that a message the fake accepts would pass in Slack too.
const (
	maxMessageBlocks   = 50
	maxViewBlocks      = 100
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxFieldText       = 2000
	maxActionsElements = 25
	maxButtonText      = 75
	maxActionID        = 255
	maxButtonValue     = 2000
)

// block is the part of a Block Kit block the fake checks.
type block struct {
	Type     string       `json:"type"`
	Text     *textObject  `json:"text"`
	Fields   []textObject `json:"fields"`
	Elements []element    `json:"elements"`
	// Accessory is a section's single element.
	Accessory *element `json:"accessory"`
}

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type element struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"`
	ActionID string          `json:"action_id"`
	Value    json.RawMessage `json:"value"`
}

// checkBlocks checks a blocks array against Slack's limits and returns how many blocks it holds
// and Slack's error code, or "" if Slack would accept it. Absent blocks are fine.
func checkBlocks(raw json.RawMessage, maxBlocks int) (n int, code string) {
	if raw == nil {
		return 0, ""
	}
	var blocks []block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return 0, "invalid_blocks_format"
	}
	if len(blocks) > maxBlocks {
		return len(blocks), "invalid_blocks"
	}
	actionIDs := map[string]bool{}
	checkElement := func(e element) bool {
		if e.ActionID != "" {
			if actionIDs[e.ActionID] || utf8.RuneCountInString(e.ActionID) > maxActionID {
				return false
			}
			actionIDs[e.ActionID] = true
		}
		if e.Type == "button" {
			var t textObject
			if json.Unmarshal(e.Text, &t) != nil || t.Text == "" || utf8.RuneCountInString(t.Text) > maxButtonText {
				return false
			}
			var v string
			if e.Value != nil && (json.Unmarshal(e.Value, &v) != nil || utf8.RuneCountInString(v) > maxButtonValue) {
				return false
			}
		}
		return true
	}
	for _, b := range blocks {
		if b.Type == "" {
			return len(blocks), "invalid_blocks"
		}
		switch b.Type {
		case "section":
			if b.Text != nil && utf8.RuneCountInString(b.Text.Text) > maxSectionText {
				return len(blocks), "invalid_blocks"
			}
			if len(b.Fields) > maxSectionFields {
				return len(blocks), "invalid_blocks"
			}
			for _, f := range b.Fields {
				if utf8.RuneCountInString(f.Text) > maxFieldText {
					return len(blocks), "invalid_blocks"
				}
			}
			if b.Accessory != nil && !checkElement(*b.Accessory) {
				return len(blocks), "invalid_blocks"
			}
		case "actions":
			if len(b.Elements) > maxActionsElements {
				return len(blocks), "invalid_blocks"
			}
			for _, e := range b.Elements {
				if !checkElement(e) {
					return len(blocks), "invalid_blocks"
				}
			}
		}
	}
	return len(blocks), ""
}
