package applemdm

import (
	"fmt"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/inventory"
)

// text returns the string at key of m, "" when the key is absent, or an
// error naming the key when the property list holds another type there.
func text(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is %s, not a string", key, kindOf(v))
	}
	return strings.TrimSpace(s), nil
}

// kindOf names the property-list type of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a dictionary"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case uint64, int64, uint32, int32, int:
		return "an integer"
	case float64, float32:
		return "a real"
	case []byte:
		return "data"
	case time.Time:
		return "a date"
	case nil:
		return "empty"
	}
	return fmt.Sprintf("a %T", v)
}

// platformOf is the platform a DeviceInformation answer names: by the
// hardware identifier in ProductName ("iPhone15,2", "iPad8,12",
// "MacBookPro18,3", "AppleTV11,1", "Watch6,1", "RealityDevice14,1"), else
// by ModelName ("iPhone", "iPad", "MacBook Pro"). "" when neither says.
func platformOf(product, modelName string) string {
	for _, p := range []struct{ prefix, platform string }{
		{"iPhone", inventory.PlatformIOS},
		{"iPod", inventory.PlatformIOS},
		{"iPad", inventory.PlatformIPadOS},
		{"AppleTV", inventory.PlatformTVOS},
		{"Watch", inventory.PlatformWatchOS},
		{"RealityDevice", inventory.NormalPlatform("visionOS")},
		{"Mac", inventory.PlatformMacOS},
		{"iMac", inventory.PlatformMacOS},
		{"VirtualMac", inventory.PlatformMacOS},
	} {
		if strings.HasPrefix(product, p.prefix) {
			return p.platform
		}
	}
	switch m := strings.ToLower(modelName); {
	case strings.HasPrefix(m, "iphone"), strings.HasPrefix(m, "ipod"):
		return inventory.PlatformIOS
	case strings.HasPrefix(m, "ipad"):
		return inventory.PlatformIPadOS
	case strings.HasPrefix(m, "apple tv"):
		return inventory.PlatformTVOS
	case strings.HasPrefix(m, "apple watch"):
		return inventory.PlatformWatchOS
	case strings.HasPrefix(m, "apple vision"):
		return inventory.NormalPlatform("visionOS")
	case strings.HasPrefix(m, "mac"), strings.HasPrefix(m, "imac"):
		return inventory.PlatformMacOS
	}
	return ""
}

// ecosystemOf is the ecosystem of a device's apps: macos for a Mac, ios
// for everything else (the App Store of iPhone, iPad, Apple TV, Apple
// Watch and Vision Pro), and when the platform is not known.
func ecosystemOf(platform string) string {
	if platform == inventory.PlatformMacOS {
		return "macos"
	}
	return "ios"
}

// errorChain renders the ErrorChain of a response: each error's English
// description, else its localized one, with its domain and code.
func errorChain(m map[string]any) string {
	chain, _ := m["ErrorChain"].([]any)
	var parts []string
	for _, e := range chain {
		em, ok := e.(map[string]any)
		if !ok {
			continue
		}
		desc, _ := text(em, "USEnglishDescription")
		if desc == "" {
			desc, _ = text(em, "LocalizedDescription")
		}
		var where []string
		if domain, _ := text(em, "ErrorDomain"); domain != "" {
			where = append(where, domain)
		}
		switch code := em["ErrorCode"].(type) {
		case uint64, int64, string:
			where = append(where, fmt.Sprint(code))
		}
		if len(where) > 0 {
			desc = strings.TrimSpace(desc + " (" + strings.Join(where, " ") + ")")
		}
		if desc != "" {
			parts = append(parts, desc)
		}
	}
	return inventory.Clip(strings.Join(parts, "; "))
}
