package osquery

import (
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// table is an osquery table this reader turns into items: the columns
// only it has among these tables, and how a row becomes an item.
type table struct {
	name    string
	markers []string
	item    func(row) inventory.Item
}

// tables, with column names from osquery's table specs (specs/*.table).
var tables = []*table{
	{"programs", []string{"identifying_number", "install_location", "install_source", "uninstall_string", "publisher"}, programs},
	{"deb_packages", []string{"maintainer", "admindir", "section", "priority"}, debPackages},
	{"rpm_packages", []string{"release", "vendor", "package_group"}, rpmPackages},
	{"apps", []string{"bundle_identifier", "bundle_short_version", "bundle_version", "bundle_executable", "bundle_name", "bundle_package_type", "minimum_system_version"}, apps},
	{"chrome_extensions", []string{"browser_type", "update_url", "profile_path", "referenced_identifier", "from_webstore", "manifest_hash", "optional_permissions"}, chromeExtensions},
	{"windows_security_products", []string{"remediation_path", "signatures_up_to_date"}, securityProducts},
	{"python_packages", []string{"summary"}, pythonPackages},
	{"npm_packages", []string{"description", "homepage"}, npmPackages},
}

// detect returns the table a row comes from: the one whose own columns
// the row has most of (one is enough when the row has a name, two when
// not); when the row has none of them, the table the query is named
// after, if the row has a name. Nil when neither tells.
func detect(r row, query string) *table {
	_, named := r["name"]
	var best *table
	score := 0
	for _, t := range tables {
		n := 0
		for _, c := range t.markers {
			if _, ok := r[c]; ok {
				n++
			}
		}
		if n > score {
			best, score = t, n
		}
	}
	switch {
	case score >= 2 || (score == 1 && named):
		return best
	case score == 0 && named:
		return hinted(query)
	}
	return nil
}

// hinted returns the table a query's name names: "pack_it_programs",
// "deb_packages", "macos_apps".
func hinted(query string) *table {
	q := strings.ToLower(query)
	words := strings.FieldsFunc(q, func(r rune) bool { return r == '_' || r == '-' || r == ' ' || r == '/' || r == ':' })
	for _, t := range tables {
		if strings.Contains(t.name, "_") {
			if strings.Contains(q, t.name) {
				return t
			}
			continue
		}
		for _, w := range words {
			if w == t.name {
				return t
			}
		}
	}
	return nil
}

func programs(r row) inventory.Item {
	it := inventory.Item{Type: inventory.Application, Ecosystem: "windows", Name: r["name"], Version: r["version"]}
	it.Add(inventory.Publisher, r["publisher"])
	it.Add(inventory.Path, r["install_location"])
	return it
}

func debPackages(r row) inventory.Item {
	it := inventory.Item{Type: inventory.Package, Ecosystem: "deb", Name: r["name"], Version: r["version"]}
	it.Add(inventory.Maintainer, r["maintainer"])
	return it
}

func rpmPackages(r row) inventory.Item {
	it := inventory.Item{Type: inventory.Package, Ecosystem: "rpm", Name: r["name"], Version: r["version"]}
	if rel := r["release"]; rel != "" && it.Version != "" {
		it.Version += "-" + rel
	}
	it.Add(inventory.Supplier, r["vendor"])
	return it
}

func apps(r row) inventory.Item {
	name := strings.TrimSuffix(r["name"], ".app")
	for _, alt := range []string{r["display_name"], r["bundle_name"]} {
		if name == "" {
			name = alt
		}
	}
	version := r["bundle_short_version"]
	if version == "" {
		version = r["bundle_version"]
	}
	it := inventory.Item{Type: inventory.Application, Ecosystem: "macos", Name: name, Version: version}
	it.Add(inventory.BundleID, r["bundle_identifier"])
	it.Add(inventory.Path, r["path"])
	return it
}

func chromeExtensions(r row) inventory.Item {
	eco := strings.ToLower(r["browser_type"])
	if eco == "" {
		eco = "chrome"
	}
	it := inventory.Item{Type: inventory.Extension, Ecosystem: eco, Name: r["name"], Version: r["version"]}
	it.Add(inventory.ExtensionID, r["identifier"])
	it.Add(inventory.Author, r["author"])
	it.Add(inventory.URL, r["update_url"])
	it.Add(inventory.Path, r["path"])
	return it
}

func securityProducts(r row) inventory.Item {
	it := inventory.Item{Type: inventory.Application, Ecosystem: "windows", Name: r["name"]}
	it.Add(inventory.Path, r["remediation_path"])
	return it
}

// pythonPackages rows are installed Python distributions; the name is the
// PyPI project's, matched as its package URL would be.
func pythonPackages(r row) inventory.Item {
	it := inventory.Item{Type: inventory.Library, Ecosystem: "pypi", Name: r["name"], Version: r["version"]}
	it.Add(inventory.Author, r["author"])
	it.Add(inventory.Path, r["path"])
	return it
}

// npmPackages rows are installed npm packages.
func npmPackages(r row) inventory.Item {
	it := inventory.Item{Type: inventory.Library, Ecosystem: "npm", Name: r["name"], Version: r["version"]}
	it.Add(inventory.Author, r["author"])
	it.Add(inventory.Path, r["path"])
	return it
}
