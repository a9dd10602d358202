package triage

import "testing"

// TestRedactNamesByCue pins the kinds of patient name the issue lists as
// missed: each cue, in any case, and the forms names take.
func TestRedactNamesByCue(t *testing.T) {
	t.Parallel()
	checkPHICases(t, []phiCase{
		{"pt nguyen wristband wont scan", "NAME:1"},
		{"pt is okonkwo in 14", "NAME:1"},
		{"patient is Thi Hoang, bed 3", "NAME:1"},
		{"patient name Bartholomew Kowalczyk", "NAME:1"},
		{"label printed GARCIA, JOSE LUIS on the wrong band", "NAME:1"},
		{"cant find (Aaliyah Washington) MRN 00412233 in the ED list", "MRN:1 NAME:1"},
		{"screen showing name Dmitri Volkov for the wrong bed", "NAME:1"},
		{"wristband says Siobhan Gallagher but she is in 12", "NAME:1"},
		{"need to fix allergies for Jane Okafor, MRN 00123987", "MRN:1 NAME:1"},
		{"daughter Mei Ling wants a callback", "NAME:1"},
		{"her son jose called about the portal", "NAME:1"},
		{"printer broken for Mrs Abernathy, she is waiting to go home", "NAME:1"},
		{"can't chart on maria gonzalez in 412", "NAME:1"},
		{"Keanu Alvarado-Reyes in 7 can't get his meds scanned", "NAME:1"},
		{"pt María José de la Cruz needs new band", "NAME:1"},
		{"pt Pieter van der Berg", "NAME:1"},
		{"Mr. O'Neil's band won't print", "NAME:1"},
		{"patient's wife Fatima Al-Sayed keeps calling", "NAME:1"},
		{"PT JOHNSON IN 4 WONT SCAN", "NAME:1"},
		{"paciente Rosa Delgado no tiene pulsera", "NAME:1"},
		// A title or "name is" makes even a common word that is a name one.
		{"TV in 614 no signal, Mr. Will Young is asking", "NAME:1"},
		{"pts name is will okonkwo, mrn 3302915", "MRN:1 NAME:1"},
		// A common given name before a word in no list.
		{"Hope Adeyemi says her activation code expired", "NAME:1"},
		// Whose xray, knee or strip: a possessive before a patient's thing.
		{"viewer says study not found for Chidi Okeke's chest xray", "NAME:1"},
		{"circulator typing lot numbers by hand for Halvorsen's knee", "NAME:1"},
		{"missed a chat about Nakamura's fetal strip", "NAME:1"},
		// In brackets, or just before a bed or room.
		{"MAR blank for one of my pts (Sanchez, bed 9)", "NAME:1"},
		{"need it for med pass for (Achterberg) in 509", "NAME:1"},
		// Philter's rule: a word written like a name that is not English,
		// near a patient, is one; after "for" even a common word that is a
		// name.
		{"waiting on outside records for Suleiman, he's stable", "NAME:1"},
		{"can't log in to Epic to give Okafor his 2100 insulin", "NAME:1"},
		{"the flowsheet for Young keeps reverting my I&Os", "NAME:1"},
		{"Yolanda showed up to take Mr. Pruitt home; can't print his discharge", "NAME:2"},
		// A list goes on as it started, and a name found once is found
		// everywhere.
		{"scanners in rooms 2, 5 and 9 (Walsh, Nakamura, Diallo) all dead, can't do meds", "NAME:2"},
		{"the son Omar wants proxy too - can IT add Omar to the MyChart?", "NAME:2"},
		// Before a bed or room, a name that is also a word.
		{"Will in bed 7 got registered under his brother's MRN", "NAME:1"},
		{"All the room phones dead, Hope (rm 14) and her family use cells", "NAME:1"},
		{"Price's PRN lorazepam not in the Omnicell", "NAME:1"},
		// In brackets after a bed or a case; a patient though a request names them.
		{"Vent data not flowing to the flowsheet in MICU, including bed 4 (O'Sullivan)", "NAME:1"},
		{"first case (Wiśniewski, left knee) rolls at 0730", "NAME:1"},
		{"portal won't let mom set up proxy access for Teodoro Achterberg, MRN 20448817", "MRN:1 NAME:1"},
		{"scanner isn't reading the chemo bags for mr. mwangi, second RN and I are stuck", "NAME:1"},
		// Only the first word after a title may be a common word.
		{"Tele box on Mr. Abdullahi Musa in 5 West rm 511 shows no signal", "NAME:1"},
	})
}

// TestRedactPhonesOfOthers pins phone numbers given as someone else's: the
// person spoken of, or where a relative calls from.
func TestRedactPhonesOfOthers(t *testing.T) {
	t.Parallel()
	checkPHICases(t, []phiCase{
		{"portal code expired. She's calling back at (312) 555-0142", "PHONE:1"},
		{"his wife keeps calling the desk about it from 555-0176", "PHONE:1"},
		{"call me back at (312) 555-0142", ""},
		{"printer down, call the desk from 555-0176", ""},
	})
}

// TestRedactIdentifiersByLabel pins identifiers a label makes the
// patient's, whatever their format.
func TestRedactIdentifiersByLabel(t *testing.T) {
	t.Parallel()
	checkPHICases(t, []phiCase{
		{"DOB on band is 3/4/51 but chart says 3/4/52", "DOB:1"},
		{"pt Garcia 04/12/1987 needs a new band", "DOB:1 NAME:1"},
		{"acct 55512345 shows self pay", "MRN:1"},
		{"MBI 1EG4-TE5-MK7 rejected", "MBI:1"},
		{"Medicare # 1AB2CD3EF45 wont verify", "MBI:1"},
		{"daughter's cell is 555-0134, pls call her", "PHONE:1"},
		{"member ID W123456789 not found in eligibility", "MRN:1"},
	})
}

// TestRedactKeepsStaffAndLookAlikes holds what must stay: staff named by
// role or title, signatures, e-mail headers, extensions, asset tags, ticket
// numbers and ordinary words that are also names.
func TestRedactKeepsStaffAndLookAlikes(t *testing.T) {
	t.Parallel()
	checkPHICases(t, []phiCase{
		{"Dr. Maria Gonzalez cant log in", ""},
		{"charge nurse Keisha Brown says the printer is down", ""},
		{"Maria Lopez RN, 5 North, x4471", ""},
		{"Thanks,\nKevin Tran\nPharmacy x2210", ""},
		{"this is Priya Natarajan from radiology, PACS is slow", ""},
		{"ask Tomas Herrera at the desk", ""},
		{"-----Original Message-----\nFrom: Grace Kim\nSent: Monday, November 30, 2026 7:42 AM\nTo: IT Service Desk\nSubject: scanner", ""},
		{"Will Epic be back up soon?", ""},
		{"May we get a new toner for PRN-4W-2", ""},
		{"scanner SCN-0042 on 4 West will not pair, ticket IT-4411", ""},
		{"Grant access to the Cardiology order set for the new hires", ""},
		{"pt education tv not working", ""},
		{"pt portal password reset", ""},
		{"Rose from biomed swapped the pump", ""},
		{"Cardiac Stepdown rm 22 printer jammed", ""},
		{"7 Tower wifi down since 0600", ""},
		{"Mother Baby unit label printer offline", ""},
		{"is the printer in the Mother Baby breakroom supposed to work?", ""},
		{"Can my nursing student get read-only PowerChart? Student: Emily Tran", ""},
		{"New grad RN needs Epic access. Name: Sarah Kim, emp ID 204417", ""},
		{"Epic access for our new home health aide Maryam Yusuf", ""},
		{"Dr. Patel's orders won't sign", ""},
		// Staff and places beside the patient words that open the rule.
		{"RN Tomasz Wrobel on Dialysis can't log in to chart meds", ""},
		{"3 travelers starting on 9 South: Ana Ferreira, Declan Byrne, Hope Anderson. meds access", ""},
		{"clinic at 200 Martin Luther King Jr Blvd is down, 30 pts in the waiting room", ""},
		{"Kronos clock at the Smith Pavilion entrance on Warren Street is frozen", ""},
		{"video interpreter cart won't connect, pt only speaks Somali", ""},
		{"witness for every med, even acetaminophen, senna and Eliquis", ""},
		{"charting drips by hand, every 15 min titrations", ""},
		{"frozen, 15 people can't badge in. - Staffing, Tamika", ""},
		{"all vitals stopped flowing, 32 pts. - Shirley Hope, charge", ""},
		{"pump data not going to the MAR for the ICU. Spoke with Tunde Bakare (pharmacy informatics)", ""},
		{"Citrix rejects my credentials, I talked to Kwabena last week, meds due", ""},
		{"Internet down at the King Street clinic, patients waiting. Manager is Oyelaran, reach her on her cell", ""},
		{"Please remove all access for Dariusz Wozniak, last day was Friday", ""},
		{"Traveler starting tonight on 5 South (Anouk Verhoeven) has no Pyxis access to pull meds", ""},
		{"Zoom has no camera, Press Ganey presentation for the patients council", ""},
		{"vent settings not flowing in MICU, Dr. Yaw Mensah asking why the flowsheet is empty", ""},
		{"records from St. Luke's not pulling for patients", ""},
	})
}
