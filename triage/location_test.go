package triage

import "testing"

func TestParseLocation(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits}
	tests := []struct{ text, want string }{
		// Configured units, any case, whole words only.
		{"printer on 4 West is jammed", "4 West"},
		{"pyxis in icu wont open", "ICU"},
		{"wifi keeps dropping in L&D", "L&D"},
		{"wifi keeps dropping in L and D", "L&D"},
		{"labor and delivery printer", "L&D"},
		{"the ER tracking board", "ED"},
		{"quick question about ICUs", ""},
		{"NICU scanner", "NICU"},
		{"onc infusion chair 12 pump", "Oncology, chair 12"},
		// Numbered units.
		{"4W printer", "4 West"},
		{"4 W printer", "4 West"},
		{"4west printer", "4 West"},
		{"on 4th floor west", "4 West"},
		{"5n rm 504", "5 North, room 504"},
		{"3 South nurses station", "3 South"},
		{"4E pyxis", "4 East"},
		// Rooms, beds, bays, pods, floors.
		{"rm 412 bed B", "room 412, bed B"},
		{"4W rm 412 bed B", "4 West, room 412, bed B"},
		{"room 412B", "room 412, bed B"},
		{"rm412", "room 412"},
		{"room 412-b", "room 412, bed B"},
		{"bd 2 in rm 7", "room 7, bed 2"},
		{"ED bay 7", "ED bay 7"},
		{"bay 7 in the ED", "ED bay 7"},
		{"NICU pod C", "NICU pod C"},
		{"NICU pod c bed 4", "NICU pod C, bed 4"},
		{"floor 3", "floor 3"},
		{"3rd floor", "floor 3"},
		{"fl 3 hallway", "floor 3"},
		{"ICU on the 3rd floor", "ICU"},
		{"pt in 508 needs meds", "room 508"},
		{"scanner in 5N 514", "5 North, room 514"},
		{"ICU 1204B pump", "ICU, room 1204, bed B"},
		{"ICU 7 alaris", "ICU"},
		{"4W 0900 meds", "4 West"},
		{"in 5 min", ""},
		{"in 100 minutes", ""},
		// The OR: in capitals only, with its room number.
		{"OR 5 computer", "OR 5"},
		{"OR5 computer", "OR 5"},
		{"OR room 5", "OR 5"},
		{"operating room 5", "OR 5"},
		{"printer or scanner", ""},
		{"pt going to OR in 20 min", ""},
		// Extensions are not places; an asset tag labelled with a unit says
		// where the device lives, when the message names no place.
		{"call x4357 about it", ""},
		{"WOW-5N-07 badge reader", "5 North"},
		{"call x4357 about WOW-ICU-02", "ICU"},
		{"WOW-ICU-02 on 4W", "4 West"},
		{"tap logs me in as the previous nurse on WOW-5S-07 in rm 15", "5 South, room 15"},
		{"WOW-5S-07 on peds screen dark", "Pediatrics (Peds)"},
		{"SCN-0042 wont pair", ""},
		// The first unit named is the location.
		{"pyxis on 4W is down, using the one on 5N", "4 West"},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, opts).Location; got != tt.want {
			t.Errorf("Parse(%q).Location = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseLocationWithoutUnits(t *testing.T) {
	t.Parallel()
	// With no units configured, numbered units, rooms and floors still read.
	tests := []struct{ text, want string }{
		{"4W rm 12", "4 West, room 12"},
		{"ICU rm 12", "room 12"},
		{"2nd floor", "floor 2"},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{}).Location; got != tt.want {
			t.Errorf("Parse(%q).Location = %q, want %q", tt.text, got, tt.want)
		}
	}
	// A configured numbered unit keeps its configured spelling.
	if got := Parse("6e printer", Options{Units: []string{"6 EAST"}}).Location; got != "6 EAST" {
		t.Errorf("configured spelling: got %q", got)
	}
}

func TestParseLocationBuiltinUnits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, want string }{
		{"Cardiac Stepdown rm 22 printer jammed", "Cardiac Stepdown, room 22"},
		{"7 Tower wifi down since 0600", "7 Tower"},
		{"tower 3 phones dead", "Tower 3"},
		{"scanner on mother/baby wont pair", "Mother Baby"},
		{"MICU bed 3 monitor not crossing", "MICU, bed 3"},
		{"peds floor printer offline", "Pediatrics (Peds)"}, // the requester's word kept beside the name
		{"medical icu monitor not crossing", "MICU (Medical ICU)"},
		{"behavioral health wifi down", "Behavioral Health"},
		{"BH unit printer leaves a stripe", "Behavioral Health (BH)"},
		{"epic is frozen on for west, every computer spinning", "4 West"},
		{"charge nurse on tower b 4th floor, epic closing", "Tower B"},
		{"the cardiac icu spectralinks dropping calls", "CICU (Cardiac ICU)"},
		{"surg stepdown scanner cradle cracked", "Surgical Stepdown (Surg Stepdown)"},
		{"la impresora en mamografía no imprime", "Mammography (Mamografía)"},
		{"cardiac step-down printer jammed", "Cardiac Stepdown"}, // a spelling, not another name
		{"Four West printer jammed", "4 West"},
		{"fax in the Cardiology clinic not receiving", "Cardiology"},
		{"ortho/neuro pyxis down", "Ortho/Neuro"},
		{"pharmacy says 4 West pyxis is offline", "4 West"}, // a department does not beat a unit
		{"registration kiosk frozen", "Registration"},
		// A specialty named as a unit: capitalised, not opening a sentence.
		{"account disabled on the ward PCs. - Femi (agency RN, Ortho)", "Ortho"},
		{"ortho is waiting on the printer", ""},
		// Where the patient came from is the location only when nothing else is.
		{"admitting him from the ED and neither printer on CVICU will print", "CVICU"},
		{"she came up to MICU from the ED an hour ago, pyxis blank", "MICU"},
		{"labels not printing for transfers from the ED", "ED"},
		// "OR" shouted between words is not the operating room.
		{"IMPRIVATA WONT TAKE MY FINGERPRINT OR BADGE, need into pyxis. ED", "ED"},
		// A department's staff are in it when no place is named.
		{"I'm a new pharmacist and I can't see the verification queue", "Pharmacy"},
		{"label printers won't pair, phlebotomists hand labeling", "Main Lab"},
		{"the pharmacist on 4 West says the pyxis is offline", "4 West"},
		// Spanish.
		{"El Pyxis no me deja sacar la insulina. Piso 6 Sur.", "6 South"},
		{"La bomba no manda los datos a Epic. UCI.", "ICU"},
	} {
		if got := Parse(c.text, Options{Units: corpusUnits}).Location; got != c.want {
			t.Errorf("Parse(%q).Location = %q, want %q", c.text, got, c.want)
		}
	}
}
