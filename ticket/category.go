package ticket

// Category is the kind of problem a ticket is about. The built-in set below is
// the taxonomy of DESIGN.md §2; configuration may add more.
type Category string

// The built-in categories.
const (
	CategoryEHR         Category = "ehr"
	CategoryLogin       Category = "login"
	CategoryWorkstation Category = "workstation"
	CategoryPrinter     Category = "printer"
	CategoryScanner     Category = "scanner"
	CategoryNetwork     Category = "network"
	CategoryPhone       Category = "phone"
	CategoryDevice      Category = "device"
	CategoryImaging     Category = "imaging"
	CategoryPharmacy    Category = "pharmacy"
	CategoryAccess      Category = "access"
	CategoryOther       Category = "other"
)

// BuiltinCategories lists the built-in categories in the order they are shown.
func BuiltinCategories() []Category {
	return []Category{
		CategoryEHR, CategoryLogin, CategoryWorkstation, CategoryPrinter,
		CategoryScanner, CategoryNetwork, CategoryPhone, CategoryDevice,
		CategoryImaging, CategoryPharmacy, CategoryAccess, CategoryOther,
	}
}

// IsBuiltin reports whether c is one of the built-in categories.
func (c Category) IsBuiltin() bool {
	for _, b := range BuiltinCategories() {
		if c == b {
			return true
		}
	}
	return false
}

// Label is the human name of a built-in category, or the ID itself.
func (c Category) Label() string {
	switch c {
	case CategoryEHR:
		return "EHR / clinical applications"
	case CategoryLogin:
		return "login / badge tap"
	case CategoryWorkstation:
		return "workstation"
	case CategoryPrinter:
		return "printer"
	case CategoryScanner:
		return "barcode scanner"
	case CategoryNetwork:
		return "network / Wi-Fi"
	case CategoryPhone:
		return "phone / pager"
	case CategoryDevice:
		return "medical-device integration"
	case CategoryImaging:
		return "imaging / PACS"
	case CategoryPharmacy:
		return "medication cabinet"
	case CategoryAccess:
		return "access request"
	case CategoryOther:
		return "other"
	}
	return string(c)
}
