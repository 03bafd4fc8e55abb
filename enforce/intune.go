package enforce

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/catalog"
)

// IntuneIOSCompliance writes the Microsoft Graph request body that creates
// an Intune iOS compliance policy (#microsoft.graph.iosCompliancePolicy)
// whose restrictedApps lists the blocked suppliers' Apple bundle ids, as
// appListItem objects (name, appId). POST it to
// https://graph.microsoft.com/beta/deviceManagement/deviceCompliancePolicies:
// restrictedApps is documented in the beta API only, not in v1.0, and
// holds at most 100 apps.
//
// A compliance policy does not stop an app: a device with one installed
// is marked noncompliant, and Conditional Access then keeps it from the
// organisation's resources. Creating a per-platform compliance policy
// requires scheduledActionsForRule; the one written marks the device
// noncompliant ("block") after GracePeriodHours.
//
// Sources (testdata/SOURCES-mdm.md): Microsoft Graph beta,
// "iosCompliancePolicy resource type"
// (https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-ioscompliancepolicy?view=graph-rest-beta),
// "appListItem resource type" (intune-deviceconfig-applistitem),
// "deviceComplianceScheduledActionForRule" and "deviceComplianceActionItem".
type IntuneIOSCompliance struct {
	// MinConfidence is the least confidence of an id written; medium when
	// zero.
	MinConfidence catalog.Confidence
	// GracePeriodHours is how long a device may keep a restricted app
	// before it is noncompliant (Graph allows 0 to 8760); 0, at once.
	GracePeriodHours int
}

// Name is the format's name for -o.
func (*IntuneIOSCompliance) Name() string { return "intune-ios-compliance" }

// maxRestrictedApps is restrictedApps' documented limit.
const maxRestrictedApps = 100

// graphAppListItem is an appListItem. Its publisher and appStoreUrl are
// left out (both optional): the catalogue gives neither the store's
// publisher name nor the App Store's numeric id, and guessing them would
// only mislead; Intune matches on appId.
type graphAppListItem struct {
	Name  string `json:"name"`
	AppID string `json:"appId"`
}

type graphIOSCompliancePolicy struct {
	ODataType               string                 `json:"@odata.type"`
	DisplayName             string                 `json:"displayName"`
	Description             string                 `json:"description"`
	RestrictedApps          []graphAppListItem     `json:"restrictedApps"`
	ScheduledActionsForRule []graphScheduledAction `json:"scheduledActionsForRule"`
}

type graphScheduledAction struct {
	RuleName                      string            `json:"ruleName"`
	ScheduledActionConfigurations []graphActionItem `json:"scheduledActionConfigurations"`
}

type graphActionItem struct {
	ActionType                string   `json:"actionType"`
	GracePeriodHours          int      `json:"gracePeriodHours"`
	NotificationTemplateID    string   `json:"notificationTemplateId"`
	NotificationMessageCCList []string `json:"notificationMessageCCList"`
}

// Empty implements Emitter.
func (c *IntuneIOSCompliance) Empty(t *Targets) string { return emptyWhy(t, Apple, c.MinConfidence) }

// Emit writes the request body, or returns an error wrapping ErrNoApps
// when no Apple bundle id of the chosen entities reaches the confidence
// written.
func (c *IntuneIOSCompliance) Emit(w io.Writer, t *Targets) error {
	if c.GracePeriodHours < 0 || c.GracePeriodHours > 8760 {
		return fmt.Errorf("writing the %s artefact: grace period of %d hours is not 0 to 8760", c.Name(), c.GracePeriodHours)
	}
	sel := selectApps(t.Apps, Apple, c.MinConfidence)
	if err := sel.refuse(c.Name(), t); err != nil {
		return err
	}
	if n := len(sel.write); n > maxRestrictedApps {
		return fmt.Errorf("writing the %s artefact: %d apps, over the %d that restrictedApps holds: choose fewer instruments", c.Name(), n, maxRestrictedApps)
	}
	remarks := append([]string{
		"Microsoft Graph request body: POST to",
		"https://graph.microsoft.com/beta/deviceManagement/deviceCompliancePolicies",
		"(restrictedApps is in the beta API only), then assign the policy to groups.",
		"It does not stop the apps: a device with one installed is marked noncompliant",
		fmt.Sprintf("after %d hours, and Conditional Access keeps it from the organisation's resources.", c.GracePeriodHours),
		"The catalogue's bundle ids do not say iOS or macOS; a macOS app's id matches nothing else.",
	}, sel.remarks()...)
	p := graphIOSCompliancePolicy{
		ODataType:      "#microsoft.graph.iosCompliancePolicy",
		DisplayName:    "embargo: restricted suppliers' apps (iOS)",
		Description:    descriptionText("Intune iOS compliance policy", t, remarks...),
		RestrictedApps: appListItems(sel.write),
		ScheduledActionsForRule: []graphScheduledAction{{
			RuleName: "PasswordRequired",
			ScheduledActionConfigurations: []graphActionItem{{
				ActionType: "block", GracePeriodHours: c.GracePeriodHours, NotificationMessageCCList: []string{},
			}},
		}},
	}
	return writeJSON(w, c.Name(), p)
}

// IntuneAndroidRestrictions writes the Microsoft Graph request body that
// creates an Intune device restrictions profile for Android device
// administrator (#microsoft.graph.androidGeneralDeviceConfiguration) whose
// appsLaunchBlockList and appsHideList hold the blocked suppliers' Android
// application ids: the device neither launches nor shows them. POST it to
// https://graph.microsoft.com/v1.0/deviceManagement/deviceConfigurations.
//
// What it reaches is narrow, and the header says so: Microsoft documents
// both lists for Samsung Knox Standard devices only, under device
// administrator management, which Intune stopped supporting on devices
// with Google Mobile Services on 31 December 2024. Graph documents no
// deny list of package names for Android Enterprise (work profile, fully
// managed): neither androidWorkProfileCompliancePolicy nor
// androidDeviceOwnerCompliancePolicy has restrictedApps, so this format
// cannot reach those devices.
//
// Sources (testdata/SOURCES-mdm.md): Microsoft Graph v1.0,
// "androidGeneralDeviceConfiguration resource type"
// (https://learn.microsoft.com/graph/api/resources/intune-deviceconfig-androidgeneraldeviceconfiguration),
// "appListItem resource type"; Intune, "Use custom policies ... to allow
// and block apps for Samsung Knox Standard devices"
// (https://learn.microsoft.com/mem/intune/configuration/samsung-knox-apps-allow-block).
type IntuneAndroidRestrictions struct {
	// MinConfidence is the least confidence of an id written; medium when
	// zero.
	MinConfidence catalog.Confidence
}

// Name is the format's name for -o.
func (*IntuneAndroidRestrictions) Name() string { return "intune-android-restrictions" }

// maxKnoxAppList is appsLaunchBlockList's and appsHideList's documented
// limit.
const maxKnoxAppList = 500

type graphAndroidRestrictions struct {
	ODataType           string             `json:"@odata.type"`
	DisplayName         string             `json:"displayName"`
	Description         string             `json:"description"`
	AppsLaunchBlockList []graphAppListItem `json:"appsLaunchBlockList"`
	AppsHideList        []graphAppListItem `json:"appsHideList"`
}

// Empty implements Emitter.
func (a *IntuneAndroidRestrictions) Empty(t *Targets) string {
	return emptyWhy(t, Android, a.MinConfidence)
}

// Emit writes the request body, or returns an error wrapping ErrNoApps
// when no Android application id of the chosen entities reaches the
// confidence written.
func (a *IntuneAndroidRestrictions) Emit(w io.Writer, t *Targets) error {
	sel := selectApps(t.Apps, Android, a.MinConfidence)
	if err := sel.refuse(a.Name(), t); err != nil {
		return err
	}
	if n := len(sel.write); n > maxKnoxAppList {
		return fmt.Errorf("writing the %s artefact: %d apps, over the %d that appsLaunchBlockList holds: choose fewer instruments", a.Name(), n, maxKnoxAppList)
	}
	remarks := append([]string{
		"Microsoft Graph request body: POST to",
		"https://graph.microsoft.com/v1.0/deviceManagement/deviceConfigurations, then assign it.",
		"appsLaunchBlockList and appsHideList apply to Samsung Knox Standard devices under",
		"Android device administrator only, which Intune no longer supports on devices with",
		"Google Mobile Services (since 31 December 2024). Graph documents no deny list of",
		"package names for Android Enterprise (work profile, fully managed): it is not reached.",
	}, sel.remarks()...)
	items := appListItems(sel.write)
	p := graphAndroidRestrictions{
		ODataType:           "#microsoft.graph.androidGeneralDeviceConfiguration",
		DisplayName:         "embargo: restricted suppliers' apps (Android, Samsung Knox)",
		Description:         descriptionText("Intune Android device restrictions", t, remarks...),
		AppsLaunchBlockList: items,
		AppsHideList:        items,
	}
	return writeJSON(w, a.Name(), p)
}

func appListItems(apps []App) []graphAppListItem {
	items := make([]graphAppListItem, len(apps))
	for i, a := range apps {
		items[i] = graphAppListItem{Name: appName(a), AppID: a.ID}
	}
	return items
}

// writeJSON writes v indented, as Graph takes it and people read it.
func writeJSON(w io.Writer, format string, v any) error {
	tw := newTextWriter(w)
	if tw.err == nil {
		enc := json.NewEncoder(tw.w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		tw.err = enc.Encode(v)
	}
	return tw.flush(format)
}
