package triage

// builtinUnits are hospital units and departments carebot knows without
// configuration, with the other ways staff write them. A configured unit of
// the same name takes its place (and its spelling). Sources: the unit and
// department names of US acute-care hospitals as they appear in nursing
// unit directories and CMS cost-report cost centres; abbreviations as staff
// write them.
//
// A configured or numbered unit named in the same message wins over these,
// and they do not count towards the units affected: the configuration is
// the hospital's own word. A department (dept) is where work happens but
// not a care unit: it is the location only when no unit is named.
var builtinUnits = []struct {
	name    string
	aliases []string
	dept    bool
	// noBare: the name alone is also a service or a specialty ("infusion
	// pump", "telemetry box", "ortho is waiting"), so only the aliases
	// name the unit.
	noBare bool
	// roles are staff whose work is in the department: "I'm a new
	// pharmacist" is in Pharmacy when no place is named.
	roles []string
}{
	{name: "MICU", aliases: []string{"medical icu", "medical intensive care"}},
	{name: "SICU", aliases: []string{"surgical icu", "surgical intensive care"}},
	{name: "CVICU", aliases: []string{"cardiovascular icu", "cv icu"}},
	{name: "CTICU", aliases: []string{"cardiothoracic icu", "ct icu"}},
	{name: "Neuro ICU", aliases: []string{"nicu neuro", "neuro intensive care", "nsicu", "neuro icu"}},
	{name: "PICU", aliases: []string{"pediatric icu", "peds icu", "pediatric intensive care"}},
	{name: "CICU", aliases: []string{"cardiac icu", "cardiac intensive care", "cardiac intensive care unit"}},
	{name: "CCU", aliases: []string{"coronary care", "cardiac care unit"}},
	{name: "PCU", aliases: []string{"progressive care", "progressive care unit"}},
	{name: "TCU", aliases: []string{"transitional care", "transitional care unit"}},
	{name: "Cardiac Stepdown", aliases: []string{"cardiac step down", "cardiac stepdown", "cardiac step-down", "cardiac sdu"}},
	{name: "Surgical Stepdown", aliases: []string{"surgical step down", "surgical stepdown", "surgical step-down", "surg stepdown", "surg step down", "surgical sdu"}},
	{name: "Stepdown", aliases: []string{"step down unit", "stepdown unit", "sdu"}},
	{name: "Telemetry", noBare: true, aliases: []string{"tele unit", "tele floor", "telemetry unit"}},
	{name: "Med Surg", aliases: []string{"med surg", "medsurg", "medical surgical", "med/surg"}},
	{name: "Mother Baby", aliases: []string{"mother baby", "mother/baby", "mother-baby", "mom baby", "mombaby", "postpartum unit"}},
	{name: "Postpartum", aliases: []string{"post partum"}},
	{name: "Antepartum", aliases: []string{"ante partum"}},
	{name: "Nursery", aliases: []string{"newborn nursery", "well baby nursery"}},
	{name: "Pediatrics", aliases: []string{"peds", "pediatric unit", "pediatric floor", "peds floor", "peds unit", "pediatría", "pediatria"}},
	{name: "Rehab", aliases: []string{"rehabilitation", "inpatient rehab", "acute rehab", "rehab unit"}},
	{name: "Behavioral Health", aliases: []string{"psychiatry", "psych", "inpatient psych", "bh unit", "psych unit", "bh", "behavioral health unit"}},
	{name: "Neuro", noBare: true, aliases: []string{"neurology unit", "neuro floor", "neuro unit", "neurology", "neurología", "neurologia"}},
	{name: "Ortho", noBare: true, aliases: []string{"orthopedics", "ortho floor", "ortho unit", "ortho clinic", "orthopedic clinic"}},
	{name: "Burn Unit", aliases: []string{"burn center", "burn icu"}},
	{name: "Trauma", noBare: true, aliases: []string{"trauma unit", "trauma bay"}},
	{name: "Hospice", noBare: true, aliases: []string{"palliative care unit"}},
	{name: "Observation", noBare: true, aliases: []string{"obs unit", "observation unit", "cdu"}},
	{name: "Pre-Op", aliases: []string{"preop", "pre op", "pre-op holding", "holding area"}},
	{name: "Same Day Surgery", aliases: []string{"sds", "day surgery", "ambulatory surgery"}},
	{name: "Endoscopy", aliases: []string{"endo unit", "gi lab", "endo suite", "endoscopy suite"}},
	{name: "Cath Lab", aliases: []string{"cardiac cath lab", "ep lab"}},
	{name: "IR", aliases: []string{"interventional radiology"}},
	{name: "Dialysis", aliases: []string{"dialysis unit", "hemodialysis", "renal unit", "dialysis center", "diálisis", "dialisis"}},
	{name: "Surgery Center", aliases: []string{"surgical center", "ambulatory surgery center", "surgicenter", "asc"}},
	{name: "Infusion", noBare: true, aliases: []string{"infusion center", "infusion clinic", "chemo infusion", "onc infusion", "oncology infusion", "infusion suite"}},
	{name: "Wound Care", aliases: []string{"wound clinic", "wound center"}},
	{name: "Urgent Care", aliases: []string{"walk in clinic", "walk-in clinic"}},
	{name: "Ortho/Neuro", aliases: []string{"ortho neuro", "ortho-neuro"}},
	{name: "Oncology", aliases: []string{"oncology unit", "onc unit", "heme onc", "hem onc", "hematology oncology"}},
	{name: "Cardiology", aliases: []string{"cardiology clinic", "cardiology dept", "cardiology department", "cardiology office"}, dept: true},
	{name: "Family Medicine", aliases: []string{"family med", "family practice", "fam med", "family medicine clinic"}, dept: true},
	{name: "Home Health", aliases: []string{"home health team", "home care team", "home health care"}},
	{name: "Imaging Center", aliases: []string{"outpatient imaging", "imaging centre"}, dept: true},
	{name: "Mammography", aliases: []string{"mammo", "mamografía", "mamografia", "breast imaging", "breast center"}, dept: true},
	{name: "Dermatology", aliases: []string{"derm clinic", "dermatology clinic"}, dept: true},
	{name: "Radiology", aliases: []string{"rads", "imaging department", "x-ray department", "radiology department"}, dept: true,
		roles: []string{"radiologist", "radiologists", "rad tech", "rad techs", "sonographer", "sonographers", "ct tech", "mri tech", "xray tech"}},
	{name: "Registration", aliases: []string{"reg desk", "patient registration", "patient access"}, dept: true},
	{name: "Pharmacy", aliases: []string{"main pharmacy", "inpatient pharmacy", "central pharmacy", "iv room"}, dept: true,
		roles: []string{"pharmacist", "pharmacists", "pharmacy tech", "pharmacy techs", "pharmacy technician"}},
	{name: "Main Lab", aliases: []string{"core lab", "central lab", "main laboratory", "outpatient lab", "outpt lab"}, dept: true,
		roles: []string{"phlebotomist", "phlebotomists", "phlebotomy", "lab tech", "lab techs", "lab supervisor", "accessioning", "med tech", "specimen processing"}},
	{name: "Blood Bank", aliases: []string{"transfusion service"}, dept: true},
	{name: "Case Management", aliases: []string{"care management", "social work"}, dept: true},
	{name: "HIM", aliases: []string{"health information management", "medical records"}, dept: true},
	{name: "EVS", aliases: []string{"environmental services", "housekeeping"}, dept: true},
	{name: "Respiratory Therapy", aliases: []string{"rt department"}, dept: true},
	{name: "Nutrition", noBare: true, aliases: []string{"food and nutrition", "dietary"}, dept: true},
	{name: "Biomed", noBare: true, aliases: []string{"clinical engineering", "biomedical engineering"}, dept: true},
}

// unitBuildings are the words of numbered buildings and towers: "7 Tower",
// "Tower 7", "2 Pavilion".
var unitBuildings = map[string]string{"tower": "Tower", "pavilion": "Pavilion", "annex": "Annex"}
