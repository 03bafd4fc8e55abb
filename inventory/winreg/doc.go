// Package winreg finds Windows software in the registry: the Uninstall
// keys of the SOFTWARE hive (64- and 32-bit views) and of every user's
// NTUSER.DAT, the services of the SYSTEM hive, and the vendor keys that
// the catalogue names (HKLM\SOFTWARE\KasperskyLab, say).
//
// Offline hive files are read with www.velocidex.com/golang/regparser's
// structure definitions, walked here with bounds: its convenience walkers
// recurse without limit on a self-referencing index, read any declared
// length, and panic on a truncated number, and a hive on a seized disk is
// hostile input. On Windows builds the Live collector reads the same keys
// from the running system's registry through the same code.
package winreg

import "github.com/embargo-dev/embargo/inventory"

// Fields this package records beside the ones attribution reads: what an
// analyst needs to judge an entry (is the service enabled, which account
// runs it, is the entry hidden from Programs and Features).
const (
	ProductCode     inventory.Field = "product_code"     // the Uninstall subkey name
	UninstallString inventory.Field = "uninstall_string" // the command that removes it
	SystemComponent inventory.Field = "system_component" // "true": hidden from Programs and Features
	User            inventory.Field = "user"             // profile folder of a per-user entry
	StartType       inventory.Field = "start_type"       // boot, system, automatic, manual, disabled
	ServiceType     inventory.Field = "service_type"     // kernel driver, own process, ...
	Account         inventory.Field = "service_account"  // ObjectName: the account a service runs as
)
