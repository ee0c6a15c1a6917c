#include "suites.h"
#include "src/options.h"
#include "vfio/error.h"

#include <string.h>

/* Parses a NULL-terminated argv; keeps what libfuse would see in *rest. */
static bool parse(const char *const *argv, struct vfiofs_options *o, struct fuse_args *rest,
		  GError **err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	*rest = (struct fuse_args)FUSE_ARGS_INIT(0, NULL);
	for (int i = 0; i < argc; i++)
		fuse_opt_add_arg(rest, argv[i]);
	return vfiofs_options_parse(rest, o, err);
}

static bool args_contain(const struct fuse_args *a, const char *needle)
{
	for (int i = 0; i < a->argc; i++)
		if (strstr(a->argv[i], needle))
			return true;
	return false;
}

static void test_devices_and_flags(void)
{
	const char *argv[] = { "vfiofs", "/mnt", "-f", "-o", "device=00:03.0,noreset",
			       "-o", "device=0000:00:04.0,hugepages,intx_eoi=manual,iova_max=0xfffffff", NULL };
	struct vfiofs_options o;
	struct fuse_args rest;
	GError *err = NULL;

	CU_ASSERT_TRUE_FATAL(parse(argv, &o, &rest, &err));
	CU_ASSERT_EQUAL(o.devices->len, 2);
	CU_ASSERT_STRING_EQUAL(o.devices->pdata[0], "0000:00:03.0");
	CU_ASSERT_STRING_EQUAL(o.devices->pdata[1], "0000:00:04.0");
	CU_ASSERT_TRUE(o.noreset);
	CU_ASSERT_TRUE(o.hugepages);
	CU_ASSERT_EQUAL(o.intx_eoi, VFIOFS_INTX_EOI_MANUAL);
	CU_ASSERT_EQUAL(o.iova_max, 0xfffffff);
	CU_ASSERT_STRING_EQUAL(o.mountpoint, "/mnt");
	CU_ASSERT_TRUE(o.fuse.foreground);
	/* Our options are not passed on to libfuse; the mount names are. */
	CU_ASSERT_FALSE(args_contain(&rest, "device="));
	CU_ASSERT_FALSE(args_contain(&rest, "noreset"));
	CU_ASSERT_TRUE(args_contain(&rest, "subtype=vfiofs"));
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
}

static void test_defaults_and_source(void)
{
	const char *argv[] = { "vfiofs", "mysource", "/mnt/vfio", "-o", "allow_other", NULL };
	struct vfiofs_options o;
	struct fuse_args rest;
	GError *err = NULL;

	CU_ASSERT_TRUE_FATAL(parse(argv, &o, &rest, &err));
	CU_ASSERT_EQUAL(o.devices->len, 0);
	CU_ASSERT_FALSE(o.noreset);
	CU_ASSERT_FALSE(o.hugepages);
	CU_ASSERT_EQUAL(o.intx_eoi, VFIOFS_INTX_EOI_BAR);
	CU_ASSERT_EQUAL(o.iova_max, 0);
	CU_ASSERT_EQUAL(o.iommu, VFIO_IOMMU_AUTO);
	CU_ASSERT_STRING_EQUAL(o.source, "mysource");
	CU_ASSERT_STRING_EQUAL(o.mountpoint, "/mnt/vfio");
	CU_ASSERT_TRUE(args_contain(&rest, "fsname=mysource"));
	CU_ASSERT_TRUE(args_contain(&rest, "allow_other"));
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
}

static void check_error(const char *const *argv, const char *fragment)
{
	struct vfiofs_options o;
	struct fuse_args rest;
	GError *err = NULL;

	CU_ASSERT_FALSE(parse(argv, &o, &rest, &err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	if (!strstr(err->message, fragment))
		fprintf(stderr, "\n'%s' lacks '%s'\n", err->message, fragment);
	CU_ASSERT_PTR_NOT_NULL(strstr(err->message, fragment));
	g_error_free(err);
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
}

static void test_bad_values_are_refused(void)
{
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "device=0000:00:3g.0", NULL }, "not a PCI address");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "iova_max=banana", NULL }, "iova_max=banana");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "iova_max=0", NULL }, "iova_max=0");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "iova_max=-1", NULL }, "iova_max=-1");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "intx_eoi=auto", NULL }, "bar or manual");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "iommu=vfio", NULL },
		    "iommu=vfio: expected auto, iommufd or type1");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "iommu=", NULL }, "expected auto, iommufd or type1");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "trace=/nonexistent/dir", NULL }, "existing directory");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "trace=", NULL }, "existing directory");
	check_error((const char *[]){ "vfiofs", NULL }, "no mount point");
	check_error((const char *[]){ "vfiofs", "a", "b", "c", NULL }, "too many arguments");
}

static void test_owner_and_umask(void)
{
	const char *names[] = { "vfiofs", "/mnt", "-o", "uid=root,gid=root,umask=007", NULL };
	const char *numbers[] = { "vfiofs", "/mnt", "-o", "uid=1000,gid=2000,umask=0027", NULL };
	struct vfiofs_options o;
	struct fuse_args rest;

	CU_ASSERT_TRUE_FATAL(parse(names, &o, &rest, NULL));
	CU_ASSERT_TRUE(o.has_uid && o.has_gid && o.has_umask);
	CU_ASSERT_EQUAL(o.uid, 0);
	CU_ASSERT_EQUAL(o.gid, 0);
	CU_ASSERT_EQUAL(o.umask, 007);
	CU_ASSERT_FALSE(args_contain(&rest, "uid="));  /* ours, not libfuse's */
	CU_ASSERT_FALSE(args_contain(&rest, "umask="));
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
	CU_ASSERT_TRUE_FATAL(parse(numbers, &o, &rest, NULL));
	CU_ASSERT_EQUAL(o.uid, 1000);
	CU_ASSERT_EQUAL(o.gid, 2000);
	CU_ASSERT_EQUAL(o.umask, 027);
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "uid=no-such-user-here", NULL }, "no such user");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "gid=no-such-group-here", NULL }, "no such group");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "uid=", NULL }, "no such user");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "uid=4294967295", NULL }, "uid=4294967295");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "umask=8", NULL }, "octal");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "umask=1000", NULL }, "octal");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "umask=-1", NULL }, "octal");
}

static void test_help_and_version(void)
{
	const char *help[] = { "vfiofs", "--help", NULL };
	const char *version[] = { "vfiofs", "-V", NULL };
	struct vfiofs_options o;
	struct fuse_args rest;

	CU_ASSERT_TRUE(parse(help, &o, &rest, NULL));
	CU_ASSERT_TRUE(o.show_help);
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
	CU_ASSERT_TRUE(parse(version, &o, &rest, NULL));
	CU_ASSERT_TRUE(o.show_version);
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
}

/*
 * "--" ends the options, so that a mount point may start with '-'.  When
 * libfuse had to gather -o options for itself (allow_other, debug, ...) it
 * left the "--" behind, and the fsname and subtype we add after it were
 * taken for a second mount point: the command line was refused.
 */
static void test_double_dash(void)
{
	const char *argv[] = { "vfiofs", "-o", "allow_other", "-f", "--", "src", "-mnt", NULL };
	const struct fuse_lowlevel_ops ops = { 0 };
	struct fuse_session *se;
	struct vfiofs_options o;
	struct fuse_args rest;
	GError *err = NULL;

	CU_ASSERT_TRUE_FATAL(parse(argv, &o, &rest, &err));
	CU_ASSERT_PTR_NULL(err);
	CU_ASSERT_STRING_EQUAL(o.source, "src");
	CU_ASSERT_STRING_EQUAL(o.mountpoint, "-mnt");
	CU_ASSERT_TRUE(o.allow_other);
	CU_ASSERT_TRUE(o.fuse.foreground);
	CU_ASSERT_PTR_NULL(o.fuse.mountpoint);
	CU_ASSERT_FALSE(args_contain(&rest, "--"));
	/* What is left is what libfuse's session takes. */
	se = fuse_session_new(&rest, &ops, sizeof(ops), NULL);
	CU_ASSERT_PTR_NOT_NULL(se);
	if (se)
		fuse_session_destroy(se);
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);

	/* "-o --" is an option named "--" (libfuse's to refuse), not the separator. */
	CU_ASSERT_TRUE_FATAL(parse((const char *[]){ "vfiofs", "/mnt", "-o", "--", NULL }, &o, &rest, NULL));
	CU_ASSERT_STRING_EQUAL(o.mountpoint, "/mnt");
	CU_ASSERT_TRUE(rest.argc >= 3 && strcmp(rest.argv[1], "-o") == 0 && strncmp(rest.argv[2], "--", 2) == 0);
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
}

static void test_iommu(void)
{
	static const struct {
		const char *arg;
		enum vfio_iommu_choice want;
	} cases[] = {
		{ "iommu=iommufd", VFIO_IOMMU_IOMMUFD },
		{ "iommu=type1", VFIO_IOMMU_TYPE1 },
		{ "iommu=auto", VFIO_IOMMU_AUTO },
		{ "iommu=type1,iommu=iommufd", VFIO_IOMMU_IOMMUFD },  /* the last one counts */
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *argv[] = { "vfiofs", "/mnt", "-o", cases[i].arg, NULL };
		struct vfiofs_options o;
		struct fuse_args rest;

		CU_ASSERT_TRUE_FATAL(parse(argv, &o, &rest, NULL));
		CU_ASSERT_EQUAL(o.iommu, cases[i].want);
		CU_ASSERT_FALSE(args_contain(&rest, "iommu="));  /* ours, not libfuse's */
		vfiofs_options_clear(&o);
		fuse_opt_free_args(&rest);
	}
}

/* -o regmap=NAME=SPEC: repeatable, the file made absolute, the suffix kept. */
static void test_regmap(void)
{
	const char *argv[] = { "vfiofs", "/mnt", "-o", "regmap=edu=/r/edu.xml@bar2+0x10",
			       "-o", "regmap=0000:00:03.0=rel/x.svd", NULL };
	g_autofree char *cwd = g_get_current_dir();
	g_autofree char *want = g_strdup_printf("0000:00:03.0=%s/rel/x.svd", cwd);
	struct vfiofs_options o;
	struct fuse_args rest;
	GError *err = NULL;

	CU_ASSERT_TRUE_FATAL(parse(argv, &o, &rest, &err));
	CU_ASSERT_EQUAL_FATAL(o.regmaps->len, 2);
	CU_ASSERT_STRING_EQUAL(o.regmaps->pdata[0], "edu=/r/edu.xml@bar2+0x10");
	CU_ASSERT_STRING_EQUAL(o.regmaps->pdata[1], want);
	CU_ASSERT_FALSE(args_contain(&rest, "regmap="));
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "regmap=edu", NULL }, "regmap=NAME=FILE");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "regmap==/x.xml", NULL }, "regmap=NAME=FILE");
	check_error((const char *[]){ "vfiofs", "/mnt", "-o", "regmap=edu=", NULL }, "regmap=NAME=FILE");
}

/* -o trace=DIR: kept canonical, not passed on to libfuse. */
static void test_trace_dir(void)
{
	const char *argv[] = { "vfiofs", "/mnt", "-o", "trace=/tmp/", NULL };
	struct vfiofs_options o;
	struct fuse_args rest;

	CU_ASSERT_TRUE_FATAL(parse(argv, &o, &rest, NULL));
	CU_ASSERT_STRING_EQUAL(o.trace_dir, "/tmp");
	CU_ASSERT_FALSE(args_contain(&rest, "trace="));
	vfiofs_options_clear(&o);
	fuse_opt_free_args(&rest);
}

static CU_TestInfo tests[] = {
	{ "-o trace=DIR", test_trace_dir },
	{ "devices, flags and values", test_devices_and_flags },
	{ "iommu=auto|iommufd|type1", test_iommu },
	{ "defaults and SOURCE", test_defaults_and_source },
	{ "bad values are refused with a message", test_bad_values_are_refused },
	{ "--help and -V", test_help_and_version },
	{ "uid=, gid= (names or numbers) and umask= (octal)", test_owner_and_umask },
	{ "-- before a mount point that starts with '-'", test_double_dash },
	{ "regmap=NAME=FILE[@barN[+OFFSET]]", test_regmap },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(test_src_options_suite) = { .pName = "command line", .pTests = tests };
