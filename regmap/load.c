#define G_LOG_DOMAIN "regmap-load"
#include "regmap/regmap.h"
#include "regmap/builder.h"
#include "regmap/ipxact.h"
#include "regmap/svd.h"
#include "regmap/xml_safe.h"

#include <errno.h>
#include <libxml/parser.h>

struct regmap *regmap_parse(const char *name, const char *text, size_t size,
			    const struct regmap_place *place, GError **err)
{
	struct regmap_builder *b;
	xmlDoc *doc;
	xmlNode *root;
	bool ok;

	if (size >= REGMAP_MAX_FILE_SIZE) {
		g_set_error(err, REGMAP_ERROR, EFBIG, "%s: the description is %u MiB or more, "
			    "the limit for a register description", name, REGMAP_MAX_FILE_SIZE >> 20);
		return NULL;
	}
	doc = regmap_xml_parse(name, text, size, err);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	b = regmap_builder_new(name);
	if (root && regmap_ipxact_namespace(root)) {
		ok = regmap_ipxact_read(b, root, err);
	} else if (root && regmap_svd_is(root)) {
		ok = regmap_svd_read(b, root, err);
	} else {
		ok = regmap_fail(err, name, root ? regmap_xml_line(root) : 1,
				 "<%s%s%s> is neither an IP-XACT component (1685-2009 or 1685-2014 "
				 "namespace) nor a CMSIS-SVD device",
				 root && root->ns && root->ns->href ? (const char *)root->ns->href : "",
				 root && root->ns && root->ns->href ? ":" : "",
				 root ? (const char *)root->name : "");
	}
	xmlFreeDoc(doc);
	if (!ok) {
		regmap_builder_free(b);
		return NULL;
	}
	return regmap_builder_finish(b, place, err);
}

struct regmap *regmap_load(const char *file, const struct regmap_place *place, GError **err)
{
	size_t size;
	g_autofree char *text = regmap_xml_read_file(file, &size, err);

	return text ? regmap_parse(file, text, size, place, err) : NULL;
}
