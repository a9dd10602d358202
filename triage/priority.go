package triage

import (
	"fmt"
	"strings"

	"carebot/ticket"
)

// The priority rules (DESIGN.md §2): ITIL impact × urgency, as clinical
// service desks use it.
//
// Impact starts at the category's service impact (Options.Impacts, or the
// built-in default). Scope moves it: several units or the site make it
// high; one person lowers it one step (never below low); a unit, or an
// unknown scope, leaves it. When unsure the higher priority wins, so an
// unknown scope counts as a unit.
//
// Urgency comes from patient care: blocked is high, slowed or a workaround
// medium, not affected low. When unsure the higher priority wins, so unknown
// care counts as blocked (high) until the requester answers; Outage, which
// decides whether a report skips the questions, reads the message's own
// words only and counts unknown care as slowed. Urgency
// words ("stat", "code blue", "rapid response", "patients waiting", "med
// pass", "OR waiting", "surgery delayed", ...) make urgency high whatever the
// care answer.
//
// The matrix:
//
//	impact \ urgency   high  medium  low
//	high               P1    P2      P3
//	medium             P2    P3      P4
//	low                P3    P4      P4
//
// Then, in this order:
//  1. Several units on a high-impact service are P1 unless patient care is
//     not affected: a multi-unit outage of the EHR, the network, the
//     cabinets or device integration is a care outage.
//  2. The tools of the bedside (printers, workstations, barcode scanners and
//     signing in) in a clinical area (a location is known, or the message is
//     about patients, meds, wristbands or labels) are at least P2 when patient
//     care is blocked or urgency words say so: one nurse who cannot sign in or
//     scan at a med pass holds up patients.
//     A patient-safety call or alarm (nurse call, call lights, bed exit
//     alarms, code paging) that fails is at least P2 unless care is not
//     affected.
//  3. A requester's answers never take a ticket below what its service sets
//     on its own: high × low, so a high-impact service (EHR, network,
//     medication cabinets, device integration) is never below P3 however
//     narrow or harmless the requester says it is.
//  4. Access requests are never above P3.
//
// Prioritize also reads urgency words and clinical mentions from Draft.Text,
// so a draft rebuilt from a stored ticket (text, category, location, care,
// scope) gets the same priority as the parsed one.

// pointOfCare are the categories of the bedside's tools (rule 2 above).
var pointOfCare = map[ticket.Category]bool{
	ticket.CategoryPrinter: true, ticket.CategoryWorkstation: true,
	ticket.CategoryScanner: true, ticket.CategoryLogin: true,
}

// level is an impact or urgency step: 3 high, 2 medium, 1 low.
type level int

const (
	levelLow level = iota + 1
	levelMedium
	levelHigh
)

func impactLevel(i Impact) level {
	switch i {
	case ImpactHigh:
		return levelHigh
	case ImpactMedium:
		return levelMedium
	}
	return levelLow
}

func (l level) String() string {
	switch l {
	case levelHigh:
		return "high"
	case levelMedium:
		return "medium"
	}
	return "low"
}

// matrix is the impact × urgency table.
func matrix(impact, urgency level) ticket.Priority {
	switch impact + urgency {
	case 6:
		return ticket.P1
	case 5:
		return ticket.P2
	case 4:
		return ticket.P3
	}
	return ticket.P4
}

// ImpactOf returns the service impact of a category: the configured one, or
// the built-in default, or low.
func ImpactOf(c ticket.Category, opts Options) Impact {
	if i, ok := opts.Impacts[c]; ok && (i == ImpactHigh || i == ImpactMedium || i == ImpactLow) {
		return i
	}
	if i, ok := impactDefaults[c]; ok {
		return i
	}
	return ImpactLow
}

// Prioritize computes the priority of a draft with the reasons for it, as
// short fragments ("EHR is high impact", "unit-wide", "patient care
// blocked") that callers join with " · ".
func Prioritize(d Draft, opts Options) Priority {
	return prioritize(d, opts, levelHigh)
}

// Outage reports whether the message's own words make it P1: a care outage
// that skips the questions and self-help, and is routed at once. Unknown
// care counts as slowed here, so a vague report is asked rather than paged.
func Outage(d Draft, opts Options) bool {
	return prioritize(d, opts, levelMedium).Level == ticket.P1
}

// prioritize is Prioritize with unknown patient care counted as unknown.
func prioritize(d Draft, opts Options, unknown level) Priority {
	service := impactLevel(ImpactOf(d.Category, opts))
	reasons := []string{fmt.Sprintf("%s is %s impact", serviceName(d.Category), service)}

	impact := service
	switch d.Signals.Scope {
	case ScopeSite:
		impact = levelHigh
		reasons = append(reasons, "several units")
	case ScopeOne:
		impact = max(service-1, levelLow)
		reasons = append(reasons, "one person")
	case ScopeUnit:
		reasons = append(reasons, "unit-wide")
	default:
		reasons = append(reasons, "scope unknown, counted as unit-wide")
	}

	urgent, clinical, safety := d.Signals.Urgent, d.clinical, d.safety
	if d.Text != "" && !d.parsed {
		sig := readSignals(textTerms(d.Text), &locationMarks{})
		urgent = mergeWords(urgent, sig.urgent)
		clinical, safety = sig.clinical, sig.safety
	}
	var urgency level
	switch d.Signals.Care {
	case CareBlocked:
		urgency = levelHigh
		reasons = append(reasons, "patient care blocked")
	case CareSlowed:
		urgency = levelMedium
		reasons = append(reasons, "patient care slowed")
	case CareNone:
		urgency = levelLow
		reasons = append(reasons, "patient care not affected")
	default:
		urgency = unknown
		if len(urgent) == 0 {
			reasons = append(reasons, "patient care unknown, counted as "+map[level]string{levelHigh: "blocked", levelMedium: "slowed"}[unknown])
		}
	}
	if len(urgent) > 0 {
		urgency = levelHigh
		reasons = append(reasons, "urgent: "+strings.Join(urgent, ", "))
	}

	p := matrix(impact, urgency)
	if d.Signals.Scope == ScopeSite && service == levelHigh && d.Signals.Care != CareNone && p > ticket.P1 {
		p = ticket.P1
		reasons = append(reasons, "several units on a high-impact service: P1")
	}
	if pointOfCare[d.Category] && (d.Signals.Care == CareBlocked || len(urgent) > 0) && (d.Location != "" || clinical) && p > ticket.P2 {
		p = ticket.P2
		reasons = append(reasons, "clinical area, care blocked: at least P2")
	}
	if safety && d.Signals.Care != CareNone && p > ticket.P2 && d.Category != ticket.CategoryAccess {
		p = ticket.P2
		reasons = append(reasons, "patient-safety call or alarm: at least P2")
	}
	if floor := matrix(service, levelLow); p > floor {
		p = floor
		reasons = append(reasons, fmt.Sprintf("%s service: at least %s", service, floor))
	}
	if d.Category == ticket.CategoryAccess && p < ticket.P3 {
		p = ticket.P3
		reasons = append(reasons, "access request: at most P3")
	}
	return Priority{Level: p, Reasons: reasons}
}

// serviceName is how the reasons name a category's service.
func serviceName(c ticket.Category) string {
	switch c {
	case ticket.CategoryEHR:
		return "EHR"
	case ticket.CategoryLogin:
		return "Login"
	case ticket.CategoryWorkstation:
		return "Workstation"
	case ticket.CategoryPrinter:
		return "Printer"
	case ticket.CategoryScanner:
		return "Barcode scanner"
	case ticket.CategoryNetwork:
		return "Network"
	case ticket.CategoryPhone:
		return "Phone"
	case ticket.CategoryDevice:
		return "Device integration"
	case ticket.CategoryImaging:
		return "Imaging"
	case ticket.CategoryPharmacy:
		return "Medication cabinet"
	case ticket.CategoryAccess:
		return "Access request"
	case ticket.CategoryOther, "":
		return "Other"
	}
	return string(c)
}

// textTerms splits text and corrects its misspellings.
func textTerms(text string) []term {
	ts := splitTerms(text)
	correct(ts, isKnownWord)
	return ts
}

// mergeWords returns a followed by the words of b it lacks.
func mergeWords(a, b []string) []string {
	out := a
	for _, w := range b {
		found := false
		for _, x := range out {
			if x == w {
				found = true
				break
			}
		}
		if !found {
			if len(out) == len(a) {
				out = append([]string(nil), a...)
			}
			out = append(out, w)
		}
	}
	return out
}
