#include "suites.h"
#include "vfio/error.h"
#include "vfio/pci_addr.h"

static void check_ok(const char *in, const char *canonical)
{
	char out[VFIO_PCI_ADDR_LEN];
	GError *err = NULL;

	CU_ASSERT_TRUE(vfio_pci_addr_parse(in, out, &err));
	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_STRING_EQUAL(out, canonical);
}

static void check_bad(const char *in)
{
	char out[VFIO_PCI_ADDR_LEN];
	GError *err = NULL;

	CU_ASSERT_FALSE(vfio_pci_addr_parse(in, out, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	if (err) {
		CU_ASSERT_EQUAL(vfio_error_errno(err), EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "DDDD:BB:DD.F"));
		g_error_free(err);
	}
}

static void test_parses_and_canonicalises(void)
{
	check_ok("0000:00:03.0", "0000:00:03.0");
	check_ok("0000:AF:1F.7", "0000:af:1f.7");
	check_ok("00:04.0", "0000:00:04.0");
	check_ok("1:2:3.4", "0001:02:03.4");
	check_ok("ffff:ff:1f.7", "ffff:ff:1f.7");
}

static void test_rejects_malformed(void)
{
	check_bad("");
	check_bad("zz");
	check_bad("0000:00:03");
	check_bad("0000:00:03.");
	check_bad("0000:00:03.0 ");
	check_bad("0000:00:03.0x");
	check_bad("00000:00:03.0");
	check_bad("0000:000:03.0");
	check_bad(":00:03.0");
	check_bad("0000:00:03:0");
	check_bad("0000:00:g3.0");
}

static void test_rejects_out_of_range(void)
{
	char out[VFIO_PCI_ADDR_LEN];
	GError *err = NULL;

	CU_ASSERT_FALSE(vfio_pci_addr_parse("0000:00:20.0", out, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	g_clear_error(&err);
	CU_ASSERT_FALSE(vfio_pci_addr_parse("0000:00:1f.8", out, &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	g_clear_error(&err);
	CU_ASSERT_FALSE(vfio_pci_addr_parse(NULL, out, NULL));
}

static void test_canonical_spelling(void)
{
	CU_ASSERT_TRUE(vfio_pci_addr_is_canonical("0000:00:03.0"));
	CU_ASSERT_FALSE(vfio_pci_addr_is_canonical("0000:00:0A.0"));
	CU_ASSERT_FALSE(vfio_pci_addr_is_canonical("00:03.0"));
	CU_ASSERT_FALSE(vfio_pci_addr_is_canonical("dma"));
	CU_ASSERT_FALSE(vfio_pci_addr_is_canonical("container"));
}

static CU_TestInfo tests[] = {
	{ "parses and canonicalises", test_parses_and_canonicalises },
	{ "rejects malformed addresses", test_rejects_malformed },
	{ "rejects device > 1f and function > 7", test_rejects_out_of_range },
	{ "canonical spelling", test_canonical_spelling },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_vfio_pci_addr_suite) = { .pName = "PCI addresses", .pTests = tests };
