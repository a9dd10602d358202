package triage

import "carebot/ticket"

// Care is how a problem affects patient care, in the requester's words or
// answer.
type Care string

// The patient-care answers, most urgent first. CareUnknown means neither the
// message nor an answer said.
const (
	CareUnknown Care = ""
	CareBlocked Care = "blocked"      // patient care cannot go on
	CareSlowed  Care = "slowed"       // slowed, a workaround exists
	CareNone    Care = "not_affected" // patient care is not affected
)

// Scope is how many people a problem affects.
type Scope string

// The scopes, widest first. ScopeUnknown means neither the message nor an
// answer said.
const (
	ScopeUnknown Scope = ""
	ScopeSite    Scope = "several_units" // several units or the whole site
	ScopeUnit    Scope = "unit"          // one unit or department
	ScopeOne     Scope = "one"           // one person
)

// Impact is how much a category of service matters to clinical work.
type Impact string

// The impacts, as configured per category (config: categories[].impact).
const (
	ImpactHigh   Impact = "high"
	ImpactMedium Impact = "medium"
	ImpactLow    Impact = "low"
)

// Signals are what a message says about urgency.
type Signals struct {
	Care  Care
	Scope Scope
	// Urgent lists urgency words found ("stat", "code", "patients waiting",
	// "med pass"), normalised to lower case, in order of first appearance.
	Urgent []string
}

// Question is one triage question carebot may still ask.
type Question string

// The questions, in the order they are asked.
const (
	AskCategory Question = "category" // buttons: the two categories triage cannot tell apart
	AskCare     Question = "care"     // buttons: Blocked / Slowed, workaround / Not affected
	AskScope    Question = "scope"    // buttons: Just me / My unit / Several units
	AskLocation Question = "location" // free text, only when the location is missing
	AskDevice   Question = "device"   // free text with Skip, hardware categories only
)

// PHIFinding is one kind of patient identifier found in a message: its type
// ("SSN", "MRN", "DOB", "NAME", "PHONE", "MBI", or a configured pattern's
// name) and how many times. Never the value.
type PHIFinding struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// Priority is a ticket's priority with the reasons for it, as shown in the
// team post and the summary ("P1: EHR is high impact · unit-wide · patient
// care blocked").
type Priority struct {
	Level   ticket.Priority
	Reasons []string
}
