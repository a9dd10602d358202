package triage

import "carebot/ticket"

// MaxQuestions is how many triage questions carebot asks at most.
const MaxQuestions = 3

// Questions returns the triage questions still open for a draft, at most
// MaxQuestions, in the order they are asked: which service fails (when two
// categories are close, see Draft.Choices), patient care (when the message
// did not say), scope (when it did not say), location (when none was named)
// and the device's asset tag (hardware categories only: workstation,
// printer, scanner, phone, device; when none was named). Access requests are
// about one person's account, so they are asked neither scope nor location.
// A draft whose own words make it P1 (Outage) gets no questions: an outage
// is never delayed for them.
func Questions(d Draft, opts Options) []Question {
	if Outage(d, opts) {
		return nil
	}
	var qs []Question
	if d.Choices() != nil {
		qs = append(qs, AskCategory)
	}
	if d.Signals.Care == CareUnknown {
		qs = append(qs, AskCare)
	}
	if d.Signals.Scope == ScopeUnknown && d.Category != ticket.CategoryAccess {
		qs = append(qs, AskScope)
	}
	if d.Location == "" && d.Category != ticket.CategoryAccess {
		qs = append(qs, AskLocation)
	}
	if d.Device == "" && isHardware(d.Category) {
		qs = append(qs, AskDevice)
	}
	if len(qs) > MaxQuestions {
		qs = qs[:MaxQuestions]
	}
	return qs
}
