package attribute

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// TestPublishedPackages checks, against the shipped catalogue, how
// suppliers publish: namespaces, exact registry names, signers, party
// fields, models; each with the supplier, the tier and the kind that
// decided, and the lookalikes that must stay unattributed.
func TestPublishedPackages(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := New(cat)
	type want struct {
		Entity string
		Tier   catalog.Tier
		Kind   catalog.Kind
		Ties   int
	}
	lib := func(purl string) *inventory.Item { return item(inventory.Library, "", "x", "purl", purl) }
	deb := func(name, maintainer string) *inventory.Item {
		return item(inventory.Package, "deb", name, "maintainer", maintainer)
	}
	tests := []struct {
		name string
		item *inventory.Item
		want *want
	}{
		// Party fields, as Debian maintainers write them.
		{"Kaspersky as a dpkg maintainer with its address", deb("kesl-custom", "Kaspersky Lab <support@kaspersky.com>"), &want{"kaspersky-ao", catalog.TierProduct, catalog.EmailDomain, 0}},
		{"Yandex LLC as a dpkg maintainer", deb("yandex-tool", "Yandex LLC"), &want{"yandex-mkao", catalog.TierProduct, catalog.OrgName, 0}},
		{"ByteDance as a dpkg maintainer", deb("tool", "ByteDance"), &want{"bytedance-ltd", catalog.TierProduct, catalog.OrgName, 0}},
		{"Dr.Web as a dpkg maintainer", deb("tool", "Dr.Web"), &want{"doctor-web", catalog.TierProduct, catalog.OrgName, 0}},
		{"Positive Technologies as a dpkg maintainer", deb("tool", "Positive Technologies"), &want{"positive-technologies", catalog.TierProduct, catalog.OrgName, 0}},
		{"Kaspersky Network Agent package", item(inventory.Package, "deb", "klnagent64"), &want{"kaspersky-ao", catalog.TierProduct, catalog.DebPackage, 0}},
		{"a person with a Yandex mailbox is not Yandex", deb("x", "Aymeric Agon-Rambosson <aymeric.agon@yandex.com>"), nil},
		// Namespaces.
		{"Tencent Cloud npm scope", lib("pkg:npm/%40tencentcloud/cos-js-sdk@1"), &want{"tencent-cloud", catalog.TierEmbedded, catalog.NPMScope, 0}},
		{"Semi Design", lib("pkg:npm/%40douyinfe/semi-ui@2.90.1"), &want{"bytedance-ltd", catalog.TierEmbedded, catalog.NPMScope, 0}},
		{"Lark SDK", lib("pkg:npm/%40larksuiteoapi/node-sdk@1.74.0"), &want{"lark-technologies", catalog.TierEmbedded, catalog.NPMScope, 0}},
		{"Kaspersky's UI kit", lib("pkg:npm/%40kaspersky/hexa-ui@1"), &want{"kaspersky-ao", catalog.TierEmbedded, catalog.NPMScope, 0}},
		{"AppMetrica React Native", lib("pkg:npm/%40appmetrica/react-native-analytics@3"), &want{"yandex-mkao", catalog.TierEmbedded, catalog.NPMScope, 0}},
		{"sonic, pulled in by gin", lib("pkg:golang/github.com/bytedance/sonic@v1.15.0"), &want{"bytedance-ltd", catalog.TierEmbedded, catalog.GoModule, 0}},
		{"CloudWeGo", lib("pkg:golang/github.com/cloudwego/hertz@v0.10.4"), &want{"bytedance-ltd", catalog.TierEmbedded, catalog.GoModule, 0}},
		{"Yandex Cloud Go SDK", lib("pkg:golang/github.com/yandex-cloud/go-sdk@v0.48.0"), &want{"yandex-cloud", catalog.TierEmbedded, catalog.GoModule, 0}},
		{"MMKV", lib("pkg:maven/com.tencent/mmkv@1.3.4"), &want{"tencent-holdings", catalog.TierEmbedded, catalog.MavenGroup, 0}},
		{"Bugly", lib("pkg:maven/com.tencent.bugly/crashreport@4.1.9"), &want{"tencent-holdings", catalog.TierEmbedded, catalog.MavenGroup, 0}},
		{"WeChat Open SDK: the narrower namespace decides", lib("pkg:maven/com.tencent.mm.opensdk/wechat-sdk-android@6.8.0"), &want{"shenzhen-tencent-computer-system", catalog.TierEmbedded, catalog.PURLPrefix, 0}},
		{"HMS tasks", lib("pkg:maven/com.huawei.hmf/tasks@1.5.2.206"), &want{"huawei-technologies", catalog.TierEmbedded, catalog.MavenGroup, 0}},
		{"Pangle", lib("pkg:maven/com.pangle.global/pag-sdk@6.5.0.4"), &want{"bytedance-ltd", catalog.TierEmbedded, catalog.MavenGroup, 0}},
		// Exact registry names.
		{"Tencent Cloud Python SDK", lib("pkg:pypi/tencentcloud-sdk-python-cvm@3.0.1300"), &want{"tencent-cloud", catalog.TierEmbedded, catalog.PyPIProject, 0}},
		{"Huawei Cloud Python SDK", lib("pkg:pypi/huaweicloudsdkecs@3.1.100"), &want{"huawei-cloud", catalog.TierEmbedded, catalog.PyPIProject, 0}},
		{"MindSpore", lib("pkg:pypi/mindspore@2.3.0"), &want{"huawei-technologies", catalog.TierEmbedded, catalog.PyPIProject, 0}},
		{"lark-oapi, case and separator folded", lib("pkg:pypi/Lark_OAPI@1.4"), &want{"lark-technologies", catalog.TierEmbedded, catalog.PyPIProject, 0}},
		{"Tencent Cloud Node SDK", lib("pkg:npm/tencentcloud-sdk-nodejs-cvm@4.0.3"), &want{"tencent-cloud", catalog.TierEmbedded, catalog.NPMPackage, 0}},
		{"a DeepSeek API client is a service client", lib("pkg:pypi/langchain-deepseek@0.1.3"), &want{"deepseek-hangzhou", catalog.TierServiceClient, catalog.PyPIProject, 0}},
		{"the AI SDK's DeepSeek provider", lib("pkg:npm/%40ai-sdk/deepseek@1.0.0"), &want{"deepseek-hangzhou", catalog.TierServiceClient, catalog.NPMPackage, 0}},
		// Models.
		{"DeepSeek-R1 in an SBOM", item(inventory.Model, "", "DeepSeek-R1", "purl", "pkg:huggingface/deepseek-ai/DeepSeek-R1@main"), &want{"deepseek-hangzhou", catalog.TierEmbedded, catalog.HFOrg, 0}},
		{"DeepSeek-R1 pulled by Ollama", item(inventory.Model, "ollama", "deepseek-r1", "ollama_model", "deepseek-r1:7b"), &want{"deepseek-hangzhou", catalog.TierEmbedded, catalog.OllamaModel, 0}},
		{"a GGUF converted from a DeepSeek repository", item(inventory.Model, "gguf", "DeepSeek R1 Distill Qwen 7B", "model_repo", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"), &want{"deepseek-hangzhou", catalog.TierEmbedded, catalog.HFOrg, 0}},
		{"someone's model named like DeepSeek's", item(inventory.Model, "ollama", "someone/deepseek-r1", "ollama_model", "someone/deepseek-r1:latest"), nil},
		// Signatures.
		{"an app signed by Kaspersky's team, whatever its name", item(inventory.Application, "macos", "Renamed", "team_id", "2Y8XE5CQ94"), &want{"kaspersky-ao", catalog.TierProduct, catalog.AppleTeamID, 0}},
		// Lookalikes, placeholders and community packages.
		{"a dependency-confusion placeholder", lib("pkg:pypi/bytedance-agentcore@0.0.1"), nil},
		{"a community Huawei modem client", lib("pkg:pypi/huawei-lte-api@1.7"), nil},
		{"a community WeChat SDK", lib("pkg:pypi/wechatpy@1.8"), nil},
		{"a community Kaspersky TIP client", lib("pkg:pypi/kasperskytip@0.1"), nil},
		{"a repackaged Volcengine SDK", lib("pkg:pypi/volcengine-compat@1.0"), nil},
		{"a scope one letter longer", lib("pkg:npm/%40tencentcloudx/cos@1"), nil},
		{"a Go path under a lookalike org", lib("pkg:golang/github.com/bytedancex/sonic@v1"), nil},
		{"a group sharing letters", lib("pkg:maven/com.tencentx/mmkv@1"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := a.Attribute(tc.item)
			var got *want
			if at != nil {
				got = &want{at.Entity.ID, at.Tier, at.Evidence[0].Kind, len(at.Ties)}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
