package handlers

import (
	"context"
	"slices"
	"sync"
)

// groupMembers is the cached membership of the configured specialists
// group, refreshed by RefreshSpecialists.
type groupMembers struct {
	mu      sync.RWMutex
	members map[string]bool
}

func (g *groupMembers) has(user string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.members[user]
}

func (g *groupMembers) set(users []string) {
	m := make(map[string]bool, len(users))
	for _, u := range users {
		m[u] = true
	}
	g.mu.Lock()
	g.members = m
	g.mu.Unlock()
}

// RefreshSpecialists reloads the members of specialists_group from Slack.
// On an error the last known members stay. Without a group it does nothing.
func (h *Handlers) RefreshSpecialists(ctx context.Context) error {
	if h.cfg.SpecialistsGroup == "" {
		return nil
	}
	users, err := h.slack.UserGroupMembers(ctx, h.cfg.SpecialistsGroup)
	if err != nil {
		return err
	}
	h.group.set(users)
	return nil
}

// isSpecialist reports whether user may act on any ticket: a member of a
// team's rotation or of its escalation chain (a lead who is paged may
// claim), or of specialists_group. It is the one place that decides.
func (h *Handlers) isSpecialist(user string) bool {
	for _, t := range h.cfg.Teams {
		if slices.Contains(t.Rotation.Members, user) {
			return true
		}
		for _, s := range t.Escalation {
			if slices.Contains(s.Users, user) {
				return true
			}
		}
	}
	return h.group.has(user)
}
