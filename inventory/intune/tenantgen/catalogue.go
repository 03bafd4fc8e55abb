package tenantgen

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
)

// The app catalogues of GenerateTenant (a fixture generator): apps as
// Intune lists them, "display name|publisher", the publisher often
// empty on phones. A few are the catalogued suppliers' (TikTok, WeChat,
// Kaspersky, Huawei), the rest are everyday apps and line-of-business
// apps of made-up companies.

// catalogued is an app of a catalogue with the versions seen in the
// tenant and a size.
type catalogued struct {
	name, publisher string
	versions        []string
	size            int
}

var mobileApps = []string{
	"Microsoft Outlook|Microsoft Corporation", "Microsoft Teams|Microsoft Corporation", "Microsoft Authenticator|Microsoft Corporation",
	"Company Portal|Microsoft Corporation", "Microsoft Edge|Microsoft Corporation", "Microsoft Word|Microsoft Corporation",
	"Microsoft Excel|Microsoft Corporation", "Microsoft PowerPoint|Microsoft Corporation", "OneDrive|Microsoft Corporation",
	"OneNote|Microsoft Corporation", "SharePoint|Microsoft Corporation", "Microsoft To Do|Microsoft Corporation",
	"Microsoft Defender|Microsoft Corporation", "Microsoft Copilot|Microsoft Corporation", "Power BI|Microsoft Corporation",
	"Zoom Workplace|", "Slack|", "WhatsApp Messenger|", "Signal|", "Telegram|", "Spotify|", "Netflix|", "YouTube|", "Google Maps|",
	"Gmail|", "Google Chrome|", "Google Drive|", "Dropbox|", "Box|", "Adobe Acrobat Reader|", "DocuSign|", "Uber|", "Lyft|",
	"Airbnb|", "Booking.com|", "LinkedIn|", "Facebook|", "Instagram|", "Messenger|", "Threads|", "X|", "Snapchat|", "Pinterest|",
	"Reddit|", "Duolingo|", "Headspace|", "Strava|", "Waze|", "Citymapper|", "Trainline|", "Revolut|", "PayPal|", "Venmo|",
	"Amazon Shopping|", "eBay|", "Etsy|", "Shazam|", "Audible|", "Kindle|", "BBC News|", "The Guardian|", "Reuters|", "Bloomberg|",
	"Proton Mail|", "1Password|", "Bitwarden|", "Okta Verify|", "Cisco Secure Client|", "GlobalProtect|", "Citrix Workspace|",
	"Webex|", "RingCentral|", "Salesforce|", "ServiceNow Agent|", "Workday|", "SAP Concur|", "Jira Cloud|", "Confluence|",
	"Trello|", "Asana|", "Notion|", "Evernote|", "Todoist|", "Miro|", "Canva|", "Discord|", "Viber|", "LINE|", "Skype|",
	"Google Photos|", "Google Calendar|", "Google Meet|", "Google Translate|", "DeepL|", "AccuWeather|", "Duo Mobile|",
	"ChatGPT|", "Gemini|", "Grammarly Keyboard|", "SwiftKey|", "Tripadvisor|", "Skyscanner|", "Deliveroo|", "Just Eat|",
	"TikTok|TikTok Ltd.", "CapCut|", "WeChat|", "微信|", "QQ|", "DingTalk|", "Lark|", "Tencent Meeting|", "Alipay|", "Temu|",
	"Kaspersky: VPN & Antivirus|AO Kaspersky Lab", "HUAWEI Health|Huawei Technologies Co., Ltd.",
}

var iosApps = []string{
	"Safari|Apple", "Mail|Apple", "Calendar|Apple", "Photos|Apple", "Camera|Apple", "Maps|Apple", "Notes|Apple", "Reminders|Apple",
	"Clock|Apple", "Weather|Apple", "Wallet|Apple", "Health|Apple", "Files|Apple", "Find My|Apple", "Messages|Apple",
	"FaceTime|Apple", "Contacts|Apple", "Music|Apple", "Podcasts|Apple", "Books|Apple", "Shortcuts|Apple", "Translate|Apple",
	"Freeform|Apple", "Journal|Apple", "Stocks|Apple", "Home|Apple", "Fitness|Apple", "Tips|Apple", "Voice Memos|Apple",
	"Calculator|Apple", "Keynote|Apple", "Numbers|Apple", "Pages|Apple", "iMovie|Apple", "GarageBand|Apple", "TestFlight|Apple",
}

var androidApps = []string{
	"Android System WebView|Google LLC", "Google Play services|Google LLC", "Google Play Store|Google LLC", "Google|Google LLC",
	"Phone|Google LLC", "Messages|Google LLC", "Contacts|Google LLC", "Camera|", "Clock|Google LLC", "Calculator|Google LLC",
	"Files by Google|Google LLC", "Digital Wellbeing|Google LLC", "Android Auto|Google LLC", "Gallery|", "Samsung Internet|",
	"Samsung Notes|", "Samsung Health|", "Galaxy Store|", "SmartThings|", "Microsoft Launcher|Microsoft Corporation",
	"Intune|Microsoft Corporation", "Managed Home Screen|Microsoft Corporation", "Gboard|Google LLC", "Google Wallet|Google LLC",
	"Google Keep|Google LLC", "Google Authenticator|Google LLC", "Google Lens|Google LLC", "Google TV|Google LLC",
}

var desktopApps = []string{
	"Microsoft Edge|Microsoft Corporation", "Google Chrome|Google LLC", "Mozilla Firefox (x64 en-US)|Mozilla", "Zoom Workplace|Zoom",
	"Microsoft Teams|Microsoft Corporation", "Slack|Slack Technologies", "Adobe Acrobat (64-bit)|Adobe", "VLC media player|VideoLAN",
	"Git|The Git Development Community", "Visual Studio Code|Microsoft Corporation", "Python 3.12.3 (64-bit)|Python Software Foundation",
	"Notepad++ (64-bit x64)|Notepad++ Team", "7-Zip 23.01 (x64)|Igor Pavlov", "KeePass Password Safe|Dominik Reichl",
	"Cisco Secure Client - AnyConnect VPN|Cisco Systems, Inc.", "Microsoft OneDrive|Microsoft Corporation",
	"Spotify|Spotify AB", "Snagit 2024|TechSmith Corporation", "Docker Desktop|Docker Inc.", "Postman|Postman",
	"WeChat|Tencent", "Tencent QQ|Tencent", "Kaspersky Endpoint Security for Windows|AO Kaspersky Lab", "WPS Office|Kingsoft",
	"Foxit PDF Reader|Foxit Software Inc.", "1Password|AgileBits Inc.", "Citrix Workspace|Citrix Systems, Inc.",
	"Webex|Cisco Systems, Inc.", "Figma|Figma, Inc.", "Miro|RealtimeBoard, Inc.", "Notion|Notion Labs, Inc.",
	"Microsoft 365 Apps for enterprise - en-us|Microsoft Corporation", "Microsoft Visual C++ 2015-2022 Redistributable (x64)|Microsoft Corporation",
	"Microsoft Update Health Tools|Microsoft Corporation", "Windows PC Health Check|Microsoft Corporation", "Java 8 Update 401|Oracle Corporation",
	"Dell Command | Update|Dell Inc.", "Intel(R) Graphics Driver|Intel Corporation", "Realtek Audio Driver|Realtek Semiconductor Corp.",
	"PuTTY release 0.81 (64-bit)|Simon Tatham", "WinSCP|Martin Prikryl", "Wireshark|The Wireshark developer community",
	"Safari|Apple", "Xcode|Apple", "Keynote|Apple", "Numbers|Apple", "Pages|Apple", "iTerm2|", "Homebrew|", "Rectangle|",
}

// Line-of-business apps of made-up companies, to make catalogues of a
// few hundred apps.
var (
	lobMakers   = []string{"Contoso", "Fabrikam", "Northwind", "Adventure Works", "Tailspin", "Woodgrove", "Litware", "Proseware", "Wingtip", "Alpine Ski House"}
	lobProducts = []string{"Expenses", "Field Service", "Timesheets", "Inspections", "Directory", "Inventory", "Dispatch", "Learning", "Travel", "Safety", "Payroll", "Helpdesk"}
)

// catalogues are the catalogues of each platform, made on first use.
var catalogues = sync.OnceValue(func() map[string][]catalogued {
	desktop := catalogue(desktopApps)
	return map[string][]catalogued{
		"ios": catalogue(iosApps, mobileApps), "android": catalogue(androidApps, mobileApps),
		"windows": desktop, "macos": desktop,
	}
})

func catalogue(lists ...[]string) []catalogued {
	var c []catalogued
	add := func(name, publisher string) {
		h := sha256.Sum256([]byte(name))
		v := binary.LittleEndian.Uint64(h[:])
		major, minor := 1+v%30, v>>8%20
		c = append(c, catalogued{name: name, publisher: publisher, size: int(v >> 16 % 400_000_000),
			versions: []string{fmt.Sprintf("%d.%d.%d", major, minor, v>>24%10), fmt.Sprintf("%d.%d.%d", major, minor+1, v>>32%10)}})
	}
	for _, l := range lists {
		for _, e := range l {
			name, publisher, _ := strings.Cut(e, "|")
			add(name, publisher)
		}
	}
	for _, m := range lobMakers {
		for _, p := range lobProducts {
			add(m+" "+p, m+" Ltd.")
		}
	}
	return c
}
