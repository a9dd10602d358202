package summary

import "time"

// Volume counts the tickets opened in each step of a period: Counts[i] is
// for [Start + i×Step, Start + (i+1)×Step), the last step ending at the
// period's end. Steps are real hours, so a night when the clocks go back has
// 13 of them and one when they go forward 11. A period longer than
// maxSteps hours gets longer steps, so the bar stays one line.
type Volume struct {
	Start  time.Time
	Step   time.Duration
	Counts []int
}

// maxSteps is the most steps a Volume has.
const maxSteps = 48

// newVolume returns an empty Volume for p.
func newVolume(p Period) Volume {
	v := Volume{Start: p.Start, Step: time.Hour}
	span := p.End.Sub(p.Start)
	if span <= 0 {
		return v
	}
	if hours := ceilDiv(span, time.Hour); hours > maxSteps {
		v.Step = time.Duration(ceilDiv(time.Duration(hours), maxSteps)) * time.Hour
	}
	v.Counts = make([]int, ceilDiv(span, v.Step))
	return v
}

// add counts a ticket opened at t, if t is in the period.
func (v Volume) add(t time.Time) {
	if d := t.Sub(v.Start); d >= 0 {
		if i := int(d / v.Step); i < len(v.Counts) {
			v.Counts[i]++
		}
	}
}

// Peak returns the largest count and the start of the first step with it;
// with no step or no ticket, n is 0 and at is Start.
func (v Volume) Peak() (n int, at time.Time) {
	at = v.Start
	for i, c := range v.Counts {
		if c > n {
			n, at = c, v.Start.Add(time.Duration(i)*v.Step)
		}
	}
	return n, at
}

// bars are the glyphs of Bar, from an empty step to the busiest.
var bars = []rune("▁▂▃▄▅▆▇█")

// Bar renders one glyph per step: "▁" for a step with no ticket, and "▂" to
// "█" for the others, scaled so that the busiest step is "█" and any
// ticket at all shows above an empty step.
func (v Volume) Bar() string {
	peak, _ := v.Peak()
	out := make([]rune, len(v.Counts))
	for i, c := range v.Counts {
		out[i] = bars[0]
		if c > 0 {
			out[i] = bars[ceilDiv(c*(len(bars)-1), peak)]
		}
	}
	return string(out)
}

// ceilDiv is a/b rounded up, for positive b.
func ceilDiv[T ~int | ~int64](a, b T) T { return (a + b - 1) / b }
