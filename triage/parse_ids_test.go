package triage

import "testing"

func TestParseDevice(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"WOW-4W-03 touchpad not working", "WOW-4W-03"},
		{"wow-4w-03 dead", "wow-4w-03"},
		{"PC-004512 slow", "PC-004512"},
		{"PC004512 slow", "PC004512"},
		{"Printer PRN-5N-2 offline", "PRN-5N-2"},
		{"COW-12 screen flickering", "COW-12"},
		{"asset tag 004512 on the back", "004512"},
		{"tag# 12345", "12345"},
		{"tag #12345", "12345"},
		{"S/N ABC123", "ABC123"},
		{"serial number: 7HX93K2", "7HX93K2"},
		{"the sticker says LT-0099", "LT-0099"},
		// Three parts with a letter part and a digit, whatever the prefix.
		{"IV room label printer (PRN-RX-IV1) shifted", "PRN-RX-IV1"},
		{"image a replacement for ICU-WS-14", "ICU-WS-14"},
		{"PRINTER 4E-HP-01 IS OUT", "4E-HP-01"},
		{"Zebra ZBR-L&D-1 printing blank labels", "ZBR-L&D-1"},
		{"fax printer (FAX-CM-1) jamming", "FAX-CM-1"},
		// A cart's number glued or after '#'.
		{"COW17 on 5 North is black", "COW17"},
		{"WOW#22 holder snapped off", "WOW#22"},
		// Not device IDs: tickets, rooms, extensions, units, dates, names.
		{"about IT-42 and INC-3", ""},
		{"INC0012345 again", ""},
		{"rm 412 and room 412B", ""},
		{"call x4357 or ext 4357", ""},
		{"RM412 printer", ""},
		{"OR-5 computer", ""},
		{"since Nov-27", ""},
		{"COVID-19 unit", ""},
		{"N95 fit test", ""},
		{"c-section room", ""},
		{"wi-fi down", ""},
		{"x-ray viewer", ""},
		{"TC52 scanner", ""},
		{"Zebra DS8178 scanner shows solid red", ""}, // a model after its maker
		{"call 312-555-0142 please", ""},
		{"since 2026-12-05", ""},
		{"about IT-42-B", ""},
		// The first ID wins.
		{"PC-1111 then PC-2222", "PC-1111"},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{Units: testUnits}).Device; got != tt.want {
			t.Errorf("Parse(%q).Device = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseCallback(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"call me x4357", "x4357"},
		{"x 4357", "x4357"},
		{"ext 4357", "x4357"},
		{"ext. 4357", "x4357"},
		{"Ext4357", "x4357"},
		{"extension 22910", "x22910"},
		{"call me at 4357", "x4357"},
		{"reach me at 4478 thanks", "x4478"},
		{"call back x2290", "x2290"},
		{"locked out x3 now", ""},
		{"call light in room 4", ""},
		{"pt in 4012", ""},
		{"call me at 555-123-4567", ""},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{}).Callback; got != tt.want {
			t.Errorf("Parse(%q).Callback = %q, want %q", tt.text, got, tt.want)
		}
	}
}
